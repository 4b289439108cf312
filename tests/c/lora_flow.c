/* Harness (b): the on-device LoRA v2 flow through libQnnHtp.so and libQnnSystem.so.
 *
 * Usage: lora_flow libQnnHtp.so libQnnSystem.so base.bin graph out_dir x.raw memory_limit_mb
 *                  step... where each step is "<section.bin or ->:<alpha>"
 * Loads the base from a persistent buffer (graph switching on when memory_limit_mb > 0), reads
 * the graph's I/O from the system library, then for each step applies the section (if any),
 * refreshes the I/O encodings from the section's binary info, quantizes x and alpha with the
 * current encodings, executes, and writes the dequantized output to out_dir/out_<k>.raw. */
#include <math.h>
#include <string.h>

#include "qnn_loader.h"

typedef struct {
  Qnn_Tensor_t tensor; /* template from the binary info, V2 */
  uint32_t elements;
} Io;

static uint32_t element_count(const Qnn_Tensor_t* t) {
  uint32_t n = 1;
  for (uint32_t i = 0; i < t->v2.rank; ++i) n *= t->v2.dimensions[i];
  return n;
}

static size_t element_size(Qnn_DataType_t type) {
  switch (type) {
    case QNN_DATATYPE_FLOAT_32: return 4;
    case QNN_DATATYPE_UFIXED_POINT_16: return 2;
    case QNN_DATATYPE_UFIXED_POINT_8: return 1;
    default: fprintf(stderr, "unsupported I/O type %d\n", (int)type); exit(1);
  }
}

/* float -> the tensor's storage, rounding half to even as the emulator does */
static void* to_storage(const Qnn_Tensor_t* t, const float* values, uint32_t n) {
  Qnn_DataType_t type = t->v2.dataType;
  void* out = malloc(n * element_size(type));
  if (type == QNN_DATATYPE_FLOAT_32) {
    memcpy(out, values, n * 4);
    return out;
  }
  float scale = t->v2.quantizeParams.scaleOffsetEncoding.scale;
  int32_t offset = t->v2.quantizeParams.scaleOffsetEncoding.offset;
  double top = type == QNN_DATATYPE_UFIXED_POINT_16 ? 65535.0 : 255.0;
  for (uint32_t i = 0; i < n; ++i) {
    double q = nearbyint((double)values[i] / scale) - offset;
    q = q < 0 ? 0 : (q > top ? top : q);
    if (type == QNN_DATATYPE_UFIXED_POINT_16) ((uint16_t*)out)[i] = (uint16_t)q;
    else ((uint8_t*)out)[i] = (uint8_t)q;
  }
  return out;
}

static void to_float(const Qnn_Tensor_t* t, const void* raw, float* out, uint32_t n) {
  Qnn_DataType_t type = t->v2.dataType;
  if (type == QNN_DATATYPE_FLOAT_32) {
    memcpy(out, raw, n * 4);
    return;
  }
  double scale = t->v2.quantizeParams.scaleOffsetEncoding.scale;
  int32_t offset = t->v2.quantizeParams.scaleOffsetEncoding.offset;
  for (uint32_t i = 0; i < n; ++i) {
    double q = type == QNN_DATATYPE_UFIXED_POINT_16 ? ((const uint16_t*)raw)[i] : ((const uint8_t*)raw)[i];
    out[i] = (float)((q + offset) * scale);
  }
}

static const QnnSystemContext_GraphInfoV2_t* find_graph(const QnnSystemContext_BinaryInfo_t* info, const char* name) {
  uint32_t count = 0;
  const QnnSystemContext_GraphInfo_t* graphs = binary_info_graphs(info, &count);
  for (uint32_t i = 0; i < count; ++i) {
    if (strcmp(graph_info_v2(&graphs[i])->graphName, name) == 0) return graph_info_v2(&graphs[i]);
  }
  return NULL;
}

/* The documented client step after an apply: take the section's I/O encodings. */
static void refresh_encodings(Io* ios, uint32_t count, const Qnn_Tensor_t* updated, uint32_t numUpdated) {
  for (uint32_t i = 0; i < numUpdated; ++i) {
    for (uint32_t k = 0; k < count; ++k) {
      if (strcmp(ios[k].tensor.v2.name, updated[i].v2.name) == 0) {
        ios[k].tensor.v2.quantizeParams = updated[i].v2.quantizeParams;
      }
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: %s libQnnHtp.so libQnnSystem.so base.bin graph out_dir x.raw limit_mb step...\n", argv[0]);
    return 2;
  }
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[2]);
  const char* graph_name = argv[4];
  const char* out_dir = argv[5];
  size_t base_size, x_size;
  void* base = read_file(argv[3], &base_size); /* persistent: kept until contextFree */
  float* x = (float*)read_file(argv[6], &x_size);
  uint64_t limit_mb = strtoull(argv[7], NULL, 10);

  Qnn_LogHandle_t log = NULL;
  Qnn_BackendHandle_t backend = NULL;
  Qnn_ContextHandle_t context = NULL;
  Qnn_GraphHandle_t graph = NULL;
  CHECK(qnn.logCreate(log_to_stderr, QNN_LOG_LEVEL_WARN, &log));
  CHECK(qnn.backendCreate(log, NULL, &backend));
  QnnContext_Config_t persistent = QNN_CONTEXT_CONFIG_INIT, limit = QNN_CONTEXT_CONFIG_INIT;
  persistent.option = QNN_CONTEXT_CONFIG_PERSISTENT_BINARY;
  persistent.isPersistentBinary = 1;
  limit.option = QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT;
  limit.memoryLimitHint = limit_mb;
  const QnnContext_Config_t* configs[] = {&persistent, limit_mb ? &limit : NULL, NULL};
  CHECK(qnn.contextCreateFromBinary(backend, NULL, configs, base, base_size, &context, NULL));

  QnnSystemContext_Handle_t sysctx = NULL;
  const QnnSystemContext_BinaryInfo_t* info = NULL;
  Qnn_ContextBinarySize_t info_size = 0;
  CHECK(sys.systemContextCreate(&sysctx));
  CHECK(sys.systemContextGetBinaryInfo(sysctx, base, base_size, &info, &info_size));
  const QnnSystemContext_GraphInfoV2_t* g = find_graph(info, graph_name);
  if (info->version != QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3 || g == NULL || g->numGraphOutputs != 1) {
    fprintf(stderr, "graph %s not described as expected\n", graph_name);
    return 1;
  }
  uint32_t num_inputs = g->numGraphInputs;
  Io inputs[8], output;
  for (uint32_t i = 0; i < num_inputs && i < 8; ++i) {
    inputs[i].tensor = g->graphInputs[i];
    inputs[i].elements = element_count(&g->graphInputs[i]);
  }
  output.tensor = g->graphOutputs[0];
  output.elements = element_count(&g->graphOutputs[0]);
  CHECK(qnn.graphRetrieve(context, graph_name, &graph));

  for (int step = 8; step < argc; ++step) {
    char path[4096];
    float alpha = 1.0f;
    const char* colon = strrchr(argv[step], ':');
    size_t n = colon ? (size_t)(colon - argv[step]) : strlen(argv[step]);
    memcpy(path, argv[step], n);
    path[n] = 0;
    if (colon) alpha = strtof(colon + 1, NULL);
    if (strcmp(path, "-") != 0) {
      size_t section_size;
      void* section = read_file(path, &section_size); /* persistent: never freed before the context */
      QnnContext_Buffer_t buffer = {QNN_CONTEXT_BUFFER_VERSION_1, {{QNN_CONTEXTMEMTYPE_RAW, {{section, section_size}}}}};
      CHECK(qnn.contextApplyBinarySection(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, &buffer, NULL, NULL));
      const QnnSystemContext_BinaryInfo_t* section_info = NULL;
      CHECK(sys.systemContextGetBinaryInfo(sysctx, section, section_size, &section_info, &info_size));
      const QnnSystemContext_GraphInfoV2_t* sg = find_graph(section_info, graph_name);
      if (sg != NULL) {
        refresh_encodings(inputs, num_inputs, sg->graphInputs, sg->numGraphInputs);
        refresh_encodings(&output, 1, sg->graphOutputs, sg->numGraphOutputs);
      }
    }
    Qnn_Tensor_t in[8], out = output.tensor;
    void* storage[8];
    for (uint32_t i = 0; i < num_inputs; ++i) {
      in[i] = inputs[i].tensor;
      const float* values = strcmp(in[i].v2.name, "alpha") == 0 ? &alpha : x;
      storage[i] = to_storage(&in[i], values, inputs[i].elements);
      in[i].v2.memType = QNN_TENSORMEMTYPE_RAW;
      in[i].v2.clientBuf.data = storage[i];
      in[i].v2.clientBuf.dataSize = (uint32_t)(inputs[i].elements * element_size(in[i].v2.dataType));
    }
    size_t out_bytes = output.elements * element_size(out.v2.dataType);
    void* raw = malloc(out_bytes);
    out.v2.memType = QNN_TENSORMEMTYPE_RAW;
    out.v2.clientBuf.data = raw;
    out.v2.clientBuf.dataSize = (uint32_t)out_bytes;
    CHECK(qnn.graphExecute(graph, in, num_inputs, &out, 1, NULL, NULL));
    float* result = (float*)malloc(output.elements * sizeof(float));
    to_float(&output.tensor, raw, result, output.elements);
    char out_path[4096];
    snprintf(out_path, sizeof out_path, "%s/out_%d.raw", out_dir, step - 8);
    write_file(out_path, result, output.elements * sizeof(float));
    free(result);
    free(raw);
    for (uint32_t i = 0; i < num_inputs; ++i) free(storage[i]);
  }
  CHECK(qnn.contextFree(context, NULL));
  CHECK(sys.systemContextFree(sysctx));
  CHECK(qnn.backendFree(backend));
  CHECK(qnn.logFree(log));
  printf("ok\n");
  return 0;
}
