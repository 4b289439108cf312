/* Harness: QnnSystemTensor_getMemoryFootprint of a set of tensors, through any system library.
 *
 * Usage: tensor_footprint libQnnSystem.so
 * Prints "case <label> <error code> <bytes>" per tensor (bytes is 0 when the call failed), so
 * that tests/shim/test_system_tensor.py can hold qnnpy's answers against the real library's. */
#include "qnn_loader.h"

static QNN_SYSTEM_INTERFACE_VER_TYPE sys_api;
static uint32_t dims_235[] = {2, 3, 5}, dims_7[] = {7}, dims_big[] = {65536, 65536, 4};

static Qnn_Tensor_t typed(Qnn_DataType_t type, uint32_t rank, uint32_t* dims) {
  Qnn_Tensor_t t = float_tensor("t", QNN_TENSOR_TYPE_APP_WRITE, rank, dims);
  t.v1.dataType = type;
  return t;
}

static void report(const char* label, Qnn_Tensor_t tensor, int null_out) {
  uint64_t bytes = 0;
  Qnn_ErrorHandle_t err = sys_api.systemTensorGetMemoryFootprint(tensor, null_out ? NULL : &bytes);
  printf("case %s %lu %llu\n", label, (unsigned long)QNN_GET_ERROR_CODE(err), err ? 0ull : (unsigned long long)bytes);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s libQnnSystem.so\n", argv[0]);
    return 2;
  }
  sys_api = load_system(argv[1]);
  report("float32_2x3x5", typed(QNN_DATATYPE_FLOAT_32, 3, dims_235), 0);
  report("float16_2x3x5", typed(QNN_DATATYPE_FLOAT_16, 3, dims_235), 0);
  report("ufixed8_2x3x5", typed(QNN_DATATYPE_UFIXED_POINT_8, 3, dims_235), 0);
  report("sfixed16_7", typed(QNN_DATATYPE_SFIXED_POINT_16, 1, dims_7), 0);
  report("int64_2x3x5", typed(QNN_DATATYPE_INT_64, 3, dims_235), 0);
  report("uint32_7", typed(QNN_DATATYPE_UINT_32, 1, dims_7), 0);
  report("bool8_2x3x5", typed(QNN_DATATYPE_BOOL_8, 3, dims_235), 0);
  report("float32_beyond_4gib", typed(QNN_DATATYPE_FLOAT_32, 3, dims_big), 0);
  report("ufixed4_2x3x5", typed(QNN_DATATYPE_UFIXED_POINT_4, 3, dims_235), 0);
  report("string_7", typed(QNN_DATATYPE_STRING, 1, dims_7), 0);
  report("undefined_type", typed(QNN_DATATYPE_UNDEFINED, 1, dims_7), 0);
  report("rank_0", typed(QNN_DATATYPE_FLOAT_32, 0, NULL), 0);
  report("null_dims", typed(QNN_DATATYPE_FLOAT_32, 3, NULL), 0);
  Qnn_Tensor_t sparse = typed(QNN_DATATYPE_FLOAT_32, 3, dims_235);
  sparse.v1.dataFormat = QNN_TENSOR_DATA_FORMAT_SPARSE;
  report("sparse", sparse, 0);
  Qnn_Tensor_t v2 = typed(QNN_DATATYPE_FLOAT_32, 3, dims_235);
  v2.version = QNN_TENSOR_VERSION_2;
  report("version_2", v2, 0);
  report("null_out", typed(QNN_DATATYPE_FLOAT_32, 3, dims_235), 1);
  return 0;
}
