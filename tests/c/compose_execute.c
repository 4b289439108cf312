/* Harness (a): compose y = relu(x W + b) through the function table, finalize, execute and
 * write y. Usage: compose_execute libQnnHtp.so x.raw W.raw b.raw y.raw  (x [2,4], W [4,3], b [3]). */
#include <string.h>

#include "qnn_loader.h"

static Qnn_Tensor_t make_tensor(int version, const char* name, Qnn_TensorType_t type, uint32_t rank,
                                uint32_t* dims, void* data, uint32_t bytes) {
  Qnn_Tensor_t t = QNN_TENSOR_INIT;
  t.version = version == 2 ? QNN_TENSOR_VERSION_2 : QNN_TENSOR_VERSION_1;
  if (version == 2) {
    Qnn_TensorV2_t v2 = QNN_TENSOR_V2_INIT;
    t.v2 = v2;
  }
  t.v1.name = name;
  t.v1.type = type;
  t.v1.dataType = QNN_DATATYPE_FLOAT_32;
  t.v1.rank = rank;
  t.v1.dimensions = dims;
  t.v1.memType = QNN_TENSORMEMTYPE_RAW;
  t.v1.clientBuf.data = data;
  t.v1.clientBuf.dataSize = bytes;
  return t;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s libQnnHtp.so x.raw W.raw b.raw y.raw\n", argv[0]);
    return 2;
  }
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  size_t xs, ws, bs;
  float* x = (float*)read_file(argv[2], &xs);
  float* w = (float*)read_file(argv[3], &ws);
  float* b = (float*)read_file(argv[4], &bs);

  Qnn_LogHandle_t log = NULL;
  Qnn_BackendHandle_t backend = NULL;
  Qnn_ContextHandle_t context = NULL;
  Qnn_GraphHandle_t graph = NULL;
  CHECK(qnn.logCreate(log_to_stderr, QNN_LOG_LEVEL_WARN, &log));
  CHECK(qnn.backendCreate(log, NULL, &backend));
  CHECK(qnn.contextCreate(backend, NULL, NULL, &context));
  CHECK(qnn.graphCreate(context, "mlp", NULL, &graph));

  uint32_t x_dims[] = {2, 4}, w_dims[] = {4, 3}, b_dims[] = {3}, y_dims[] = {2, 3};
  Qnn_Tensor_t tx = make_tensor(2, "x", QNN_TENSOR_TYPE_APP_WRITE, 2, x_dims, NULL, 0);
  Qnn_Tensor_t tw = make_tensor(1, "W", QNN_TENSOR_TYPE_STATIC, 2, w_dims, w, (uint32_t)ws);
  Qnn_Tensor_t tb = make_tensor(1, "b", QNN_TENSOR_TYPE_STATIC, 1, b_dims, b, (uint32_t)bs);
  Qnn_Tensor_t txw = make_tensor(1, "xw", QNN_TENSOR_TYPE_NATIVE, 2, y_dims, NULL, 0);
  Qnn_Tensor_t tsum = make_tensor(2, "sum", QNN_TENSOR_TYPE_NATIVE, 2, y_dims, NULL, 0);
  Qnn_Tensor_t ty = make_tensor(1, "y", QNN_TENSOR_TYPE_APP_READ, 2, y_dims, NULL, 0);
  Qnn_Tensor_t* all[] = {&tx, &tw, &tb, &txw, &tsum, &ty};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) {
    CHECK(qnn.tensorCreateGraphTensor(graph, all[i]));
  }
  if (tx.v2.id == tw.v1.id) {
    fprintf(stderr, "backend did not assign distinct tensor ids\n");
    return 1;
  }

  Qnn_Param_t transpose = QNN_PARAM_INIT;
  transpose.paramType = QNN_PARAMTYPE_SCALAR;
  transpose.name = QNN_OP_MAT_MUL_PARAM_TRANSPOSE_IN1;
  transpose.scalarParam.dataType = QNN_DATATYPE_BOOL_8;
  transpose.scalarParam.bool8Value = 0;
  Qnn_Tensor_t mm_in[] = {tx, tw}, mm_out[] = {txw}, add_in[] = {txw, tb}, add_out[] = {tsum}, relu_out[] = {ty};
  Qnn_OpConfig_t matmul = QNN_OPCONFIG_INIT, add = QNN_OPCONFIG_INIT, relu = QNN_OPCONFIG_INIT;
  matmul.v1 = (Qnn_OpConfigV1_t){"matmul", QNN_OP_PACKAGE_NAME_QTI_AISW, QNN_OP_MAT_MUL, 1, &transpose, 2, mm_in, 1, mm_out};
  add.v1 = (Qnn_OpConfigV1_t){"add", QNN_OP_PACKAGE_NAME_QTI_AISW, QNN_OP_ELEMENT_WISE_ADD, 0, NULL, 2, add_in, 1, add_out};
  relu.v1 = (Qnn_OpConfigV1_t){"relu", QNN_OP_PACKAGE_NAME_QTI_AISW, QNN_OP_RELU, 0, NULL, 1, add_out, 1, relu_out};
  CHECK(qnn.backendValidateOpConfig(backend, matmul));
  CHECK(qnn.graphAddNode(graph, matmul));
  CHECK(qnn.graphAddNode(graph, add));
  CHECK(qnn.graphAddNode(graph, relu));
  CHECK(qnn.graphFinalize(graph, NULL, NULL));

  float y[6];
  memset(y, 0xFF, sizeof y);
  Qnn_Tensor_t in = tx, out = ty;
  in.v2.clientBuf.data = x;
  in.v2.clientBuf.dataSize = (uint32_t)xs;
  out.v1.clientBuf.data = y;
  out.v1.clientBuf.dataSize = sizeof y;
  CHECK(qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL));
  write_file(argv[5], y, sizeof y);

  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  CHECK(qnn.logFree(log));
  printf("ok\n");
  return 0;
}
