/* Harness (d): several C threads execute one graph concurrently through libQnnHtp.so; every
 * result must equal the one computed alone. Usage: threads libQnnHtp.so libQnnSystem.so base.bin graph x.raw
 * The I/O tensors (ids included) come from the system library's binary info, as on device. */
#include <pthread.h>
#include <string.h>

#include "qnn_loader.h"

#define THREADS 4
#define ROUNDS 5

static QNN_INTERFACE_VER_TYPE qnn;
static Qnn_GraphHandle_t graph;
static Qnn_Tensor_t input_template[2], output_template;
static uint32_t x_elements, y_elements;
static float* x;
static float* expected;

static int execute(float scale, float* y) {
  float* xs = (float*)malloc(x_elements * sizeof(float));
  for (uint32_t i = 0; i < x_elements; ++i) xs[i] = x[i] * scale;
  float alpha = 1.0f;
  Qnn_Tensor_t in[2] = {input_template[0], input_template[1]}, out = output_template;
  for (int i = 0; i < 2; ++i) {
    int is_alpha = strcmp(in[i].v2.name, "alpha") == 0;
    in[i].v2.clientBuf.data = is_alpha ? (void*)&alpha : (void*)xs;
    in[i].v2.clientBuf.dataSize = is_alpha ? 4 : x_elements * 4;
  }
  out.v2.clientBuf.data = y;
  out.v2.clientBuf.dataSize = y_elements * 4;
  Qnn_ErrorHandle_t err = qnn.graphExecute(graph, in, 2, &out, 1, NULL, NULL);
  free(xs);
  return (int)err;
}

static void* worker(void* arg) {
  long id = (long)arg;
  float* y = (float*)malloc(y_elements * sizeof(float));
  long failures = 0;
  for (int round = 0; round < ROUNDS; ++round) {
    if (execute(1.0f, y) != 0 || memcmp(y, expected, y_elements * 4) != 0) ++failures;
  }
  (void)id;
  free(y);
  return (void*)failures;
}

int main(int argc, char** argv) {
  if (argc != 6) return 2;
  qnn = load_backend(argv[1]);
  size_t base_size, x_size;
  void* base = read_file(argv[3], &base_size);
  x = (float*)read_file(argv[5], &x_size);
  Qnn_BackendHandle_t backend = NULL;
  Qnn_ContextHandle_t context = NULL;
  CHECK(qnn.backendCreate(NULL, NULL, &backend));
  CHECK(qnn.contextCreateFromBinary(backend, NULL, NULL, base, base_size, &context, NULL));
  CHECK(qnn.graphRetrieve(context, argv[4], &graph));
  /* the decoder's I/O: x [1, 64, 256] and alpha [1] float32 in; logits like x out */
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[2]);
  QnnSystemContext_Handle_t sysctx = NULL;
  const QnnSystemContext_GraphInfoV2_t* g = first_graph_info(sys, base, base_size, &sysctx);
  if (g->numGraphInputs != 2 || g->numGraphOutputs != 1) return 1;
  input_template[0] = g->graphInputs[0];
  input_template[1] = g->graphInputs[1];
  output_template = g->graphOutputs[0];
  x_elements = y_elements = 64 * 256;
  expected = (float*)malloc(y_elements * sizeof(float));
  CHECK(execute(1.0f, expected));

  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; ++i) pthread_create(&threads[i], NULL, worker, (void*)i);
  long failures = 0;
  for (int i = 0; i < THREADS; ++i) {
    void* result;
    pthread_join(threads[i], &result);
    failures += (long)result;
  }
  printf("failures %ld of %d\n", failures, THREADS * ROUNDS);
  CHECK(sys.systemContextFree(sysctx));
  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  return failures != 0;
}
