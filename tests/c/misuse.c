/* Harness (c): misuse through the C ABI must return error codes, never crash. Prints one line
 * "label code" per misuse; tests/shim/test_misuse.py checks each code.
 * Usage: misuse libQnnHtp.so libQnnSystem.so base.bin graph */
#include <string.h>

#include "qnn_loader.h"

#define REPORT(label, call) printf("%s %lu\n", label, (unsigned long)QNN_GET_ERROR_CODE(call))

static int log_lines = 0;
static char last_log[1024];

static void remember_log(const char* fmt, QnnLog_Level_t level, uint64_t timestamp, va_list args) {
  (void)level;
  (void)timestamp;
  vsnprintf(last_log, sizeof last_log, fmt, args);
  ++log_lines;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s libQnnHtp.so libQnnSystem.so base.bin graph\n", argv[0]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  typedef Qnn_ErrorHandle_t (*GetProviders)(const QnnInterface_t***, uint32_t*);
  GetProviders get = (GetProviders)dlsym(lib, "QnnInterface_getProviders");
  const QnnInterface_t** providers = NULL;
  uint32_t count = 0;
  REPORT("getProviders_null_list", get(NULL, &count));
  REPORT("getProviders_null_count", get(&providers, NULL));
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[2]);

  Qnn_BackendHandle_t backend = NULL, freed_backend = NULL;
  Qnn_ContextHandle_t context = NULL, freed_context = NULL;
  Qnn_GraphHandle_t graph = NULL;
  Qnn_LogHandle_t log = NULL;
  REPORT("logCreate_null_out", qnn.logCreate(remember_log, QNN_LOG_LEVEL_ERROR, NULL));
  CHECK(qnn.logCreate(remember_log, QNN_LOG_LEVEL_ERROR, &log));
  REPORT("backendCreate_null_out", qnn.backendCreate(log, NULL, NULL));
  CHECK(qnn.backendCreate(log, NULL, &backend));
  CHECK(qnn.backendCreate(NULL, NULL, &freed_backend));
  CHECK(qnn.backendFree(freed_backend));
  REPORT("backendFree_twice", qnn.backendFree(freed_backend));
  REPORT("contextCreate_freed_backend", qnn.contextCreate(freed_backend, NULL, NULL, &context));
  REPORT("contextCreate_null_out", qnn.contextCreate(backend, NULL, NULL, NULL));
  REPORT("getApiVersion_null", qnn.backendGetApiVersion(NULL));

  size_t base_size;
  char* base = (char*)read_file(argv[3], &base_size);
  REPORT("createFromBinary_null_buffer", qnn.contextCreateFromBinary(backend, NULL, NULL, NULL, base_size, &context, NULL));
  REPORT("createFromBinary_truncated", qnn.contextCreateFromBinary(backend, NULL, NULL, base, base_size / 2, &context, NULL));
  char* corrupt = (char*)malloc(base_size);
  memcpy(corrupt, base, base_size);
  corrupt[base_size / 2] ^= 0x5A;
  int lines_before = log_lines;
  REPORT("createFromBinary_corrupt", qnn.contextCreateFromBinary(backend, NULL, NULL, corrupt, base_size, &context, NULL));
  printf("logged_for_corrupt %d\n", log_lines - lines_before);
  printf("log_mentions_checksum %d\n", strstr(last_log, "checksum") != NULL);
  CHECK(qnn.contextCreateFromBinary(backend, NULL, NULL, base, base_size, &freed_context, NULL));
  CHECK(qnn.contextFree(freed_context, NULL));
  REPORT("contextFree_twice", qnn.contextFree(freed_context, NULL));
  CHECK(qnn.contextCreateFromBinary(backend, NULL, NULL, base, base_size, &context, NULL));
  REPORT("graphRetrieve_null_name", qnn.graphRetrieve(context, NULL, &graph));
  REPORT("graphRetrieve_unknown", qnn.graphRetrieve(context, "no_such_graph", &graph));
  REPORT("graphRetrieve_freed_context", qnn.graphRetrieve(freed_context, argv[4], &graph));
  CHECK(qnn.graphRetrieve(context, argv[4], &graph));
  REPORT("graphExecute_null_inputs", qnn.graphExecute(graph, NULL, 1, NULL, 0, NULL, NULL));

  QnnSystemContext_Handle_t sysctx = NULL;
  const QnnSystemContext_BinaryInfo_t* info = NULL;
  Qnn_ContextBinarySize_t info_size = 0;
  CHECK(sys.systemContextCreate(&sysctx));
  CHECK(sys.systemContextGetBinaryInfo(sysctx, base, base_size, &info, &info_size));
  REPORT("getBinaryInfo_corrupt", sys.systemContextGetBinaryInfo(sysctx, corrupt, base_size, &info, &info_size));
  REPORT("getBinaryInfo_null_out", sys.systemContextGetBinaryInfo(sysctx, base, base_size, NULL, &info_size));
  uint32_t num_graphs = 0;
  const QnnSystemContext_GraphInfoV2_t* g = graph_info_v2(&binary_info_graphs(info, &num_graphs)[0]);
  Qnn_Tensor_t inputs[8];
  for (uint32_t i = 0; i < g->numGraphInputs && i < 8; ++i) {
    inputs[i] = g->graphInputs[i];
    inputs[i].v2.clientBuf.data = malloc(4);
    inputs[i].v2.clientBuf.dataSize = 4; /* far too small for x */
  }
  Qnn_Tensor_t output = g->graphOutputs[0];
  float sink[4];
  output.v2.clientBuf.data = sink;
  output.v2.clientBuf.dataSize = sizeof sink;
  REPORT("graphExecute_wrong_size", qnn.graphExecute(graph, inputs, g->numGraphInputs, &output, 1, NULL, NULL));

  REPORT("applyBinarySection_null_buffer",
         qnn.contextApplyBinarySection(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, NULL, NULL, NULL));
  QnnContext_Buffer_t foreign = {QNN_CONTEXT_BUFFER_VERSION_1, {{QNN_CONTEXTMEMTYPE_RAW, {{base, base_size}}}}};
  REPORT("applyBinarySection_base_as_section",
         qnn.contextApplyBinarySection(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, &foreign, NULL, NULL));
  REPORT("systemContextFree_twice_first", sys.systemContextFree(sysctx));
  REPORT("systemContextFree_twice_second", sys.systemContextFree(sysctx));
  REPORT("unimplemented_prepareExecutionEnvironment",
         qnn.graphPrepareExecutionEnvironment == NULL ? 0 : qnn.graphPrepareExecutionEnvironment(graph, NULL, 0));
  typedef Qnn_ErrorHandle_t (*Prepare)(Qnn_GraphHandle_t, QnnGraph_ExecuteEnvironment_t**, uint64_t);
  Prepare direct = (Prepare)dlsym(lib, "QnnGraph_prepareExecutionEnvironment");
  REPORT("exported_prepareExecutionEnvironment", direct(graph, NULL, 0));
  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  CHECK(qnn.logFree(log));
  printf("done 0\n");
  return 0;
}
