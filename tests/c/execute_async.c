/* Harness: QnnGraph_executeAsync from C. Usage: execute_async libQnnHtp.so
 * Queues 8 executes of y = relu(x) with their own buffers; each notifyFn records its order and
 * thread; the client waits on a condition variable, then prints "order ..." (the notification
 * order), "status ..." and "threads <n distinct notify threads> <notified on the caller's: 0/1>",
 * and "outputs ok" when every output is relu of its input. */
#include <pthread.h>
#include <string.h>

#include "relu_graph.h"

#define JOBS 8
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int order[JOBS], statuses[JOBS], notified = 0;
static pthread_t notifier[JOBS];

static void on_done(void* param, Qnn_NotifyStatus_t status) {
  pthread_mutex_lock(&lock);
  order[notified] = (int)(intptr_t)param;
  statuses[notified] = (int)QNN_GET_ERROR_CODE(status.error);
  notifier[notified] = pthread_self();
  ++notified;
  pthread_cond_signal(&done);
  pthread_mutex_unlock(&lock);
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  ReluGraph r = compose_relu(qnn);
  Qnn_BackendHandle_t backend = r.backend;
  Qnn_ContextHandle_t context = r.context;
  Qnn_GraphHandle_t graph = r.graph;
  Qnn_Tensor_t x = r.x, y = r.y;

  static float in[JOBS][8], out[JOBS][8];
  Qnn_Tensor_t ins[JOBS], outs[JOBS];
  for (int j = 0; j < JOBS; ++j) {
    for (int i = 0; i < 8; ++i) {
      in[j][i] = (float)(i - 4 + j);
      out[j][i] = -1.0f;
    }
    ins[j] = x;
    outs[j] = y;
    ins[j].v1.clientBuf.data = in[j];
    ins[j].v1.clientBuf.dataSize = sizeof in[j];
    outs[j].v1.clientBuf.data = out[j];
    outs[j].v1.clientBuf.dataSize = sizeof out[j];
    CHECK(qnn.graphExecuteAsync(graph, &ins[j], 1, &outs[j], 1, NULL, NULL, on_done, (void*)(intptr_t)j));
  }
  pthread_mutex_lock(&lock);
  while (notified < JOBS) pthread_cond_wait(&done, &lock);
  pthread_mutex_unlock(&lock);
  printf("order");
  for (int j = 0; j < JOBS; ++j) printf(" %d", order[j]);
  printf("\nstatus");
  for (int j = 0; j < JOBS; ++j) printf(" %d", statuses[j]);
  int distinct = 1, on_caller = 0;
  for (int j = 0; j < JOBS; ++j) {
    if (pthread_equal(notifier[j], pthread_self())) on_caller = 1;
    if (j > 0 && !pthread_equal(notifier[j], notifier[0])) distinct = 2;
  }
  printf("\nthreads %d %d\n", distinct, on_caller);
  int ok = 1;
  for (int j = 0; j < JOBS; ++j)
    for (int i = 0; i < 8; ++i) ok &= out[j][i] == (in[j][i] > 0 ? in[j][i] : 0.0f);
  printf("outputs %s\n", ok ? "ok" : "WRONG");
  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  return 0;
}
