/* Timing driver for benchmarks/shim.py: per-call cost of graphExecute and of
 * contextApplyBinarySection through libQnnHtp.so. Prints "execute_us N" and "apply_us N" (best
 * of several batches). Usage: shim_bench libQnnHtp.so libQnnSystem.so base.bin graph a.bin b.bin */
#define _POSIX_C_SOURCE 199309L
#include <string.h>
#include <time.h>

#include "qnn_loader.h"

#define BATCH 200
#define BATCHES 7

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 7) return 2;
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[2]);
  size_t base_size, a_size, b_size;
  void* base = read_file(argv[3], &base_size);
  void* sections[2] = {read_file(argv[5], &a_size), read_file(argv[6], &b_size)};
  size_t sizes[2] = {a_size, b_size};
  Qnn_BackendHandle_t backend = NULL;
  Qnn_ContextHandle_t context = NULL;
  Qnn_GraphHandle_t graph = NULL;
  CHECK(qnn.backendCreate(NULL, NULL, &backend));
  QnnContext_Config_t persistent = QNN_CONTEXT_CONFIG_INIT;
  persistent.option = QNN_CONTEXT_CONFIG_PERSISTENT_BINARY;
  persistent.isPersistentBinary = 1;
  const QnnContext_Config_t* configs[] = {&persistent, NULL};
  CHECK(qnn.contextCreateFromBinary(backend, NULL, configs, base, base_size, &context, NULL));
  CHECK(qnn.graphRetrieve(context, argv[4], &graph));
  QnnSystemContext_Handle_t sysctx = NULL;
  const QnnSystemContext_GraphInfoV2_t* g = first_graph_info(sys, base, base_size, &sysctx);
  Qnn_Tensor_t in[4], out = g->graphOutputs[0];
  for (uint32_t i = 0; i < g->numGraphInputs && i < 4; ++i) {
    in[i] = g->graphInputs[i];
    uint32_t n = 1;
    for (uint32_t d = 0; d < in[i].v2.rank; ++d) n *= in[i].v2.dimensions[d];
    in[i].v2.clientBuf.data = calloc(n, 4);
    in[i].v2.clientBuf.dataSize = n * 4;
  }
  uint32_t n = 1;
  for (uint32_t d = 0; d < out.v2.rank; ++d) n *= out.v2.dimensions[d];
  out.v2.clientBuf.data = calloc(n, 4);
  out.v2.clientBuf.dataSize = n * 4;
  QnnContext_Buffer_t buffers[2];
  for (int k = 0; k < 2; ++k) {
    QnnContext_Buffer_t b = {QNN_CONTEXT_BUFFER_VERSION_1, {{QNN_CONTEXTMEMTYPE_RAW, {{sections[k], sizes[k]}}}}};
    buffers[k] = b;
  }
  CHECK(qnn.contextApplyBinarySection(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, &buffers[0], NULL, NULL));

  double best_execute = 1e9, best_apply = 1e9;
  for (int batch = 0; batch < BATCHES; ++batch) {
    double start = now();
    for (int i = 0; i < BATCH; ++i) CHECK(qnn.graphExecute(graph, in, g->numGraphInputs, &out, 1, NULL, NULL));
    double t = (now() - start) / BATCH;
    best_execute = t < best_execute ? t : best_execute;
    start = now();
    for (int i = 0; i < BATCH; ++i) {
      CHECK(qnn.contextApplyBinarySection(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, &buffers[i & 1], NULL, NULL));
    }
    t = (now() - start) / BATCH;
    best_apply = t < best_apply ? t : best_apply;
  }
  printf("execute_us %.2f\napply_us %.2f\n", best_execute * 1e6, best_apply * 1e6);
  return 0;
}
