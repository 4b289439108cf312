/* Harness: signals from C. Usage: signals libQnnHtp.so
 * Composes a chain of 200 Tanh on [512, 512], then: an execute with a 1 us TIMEOUT signal
 * ("timeout <code> <output untouched 0/1>"), and an execute that another thread aborts with
 * QnnSignal_trigger while it runs ("abort <code> <trigger code> <output untouched 0/1>"). */
#include <pthread.h>
#include <string.h>

#include "qnn_loader.h"

#define NODES 200
static QNN_INTERFACE_VER_TYPE qnn;
static Qnn_SignalHandle_t abort_signal;
static volatile int running = 1;
static Qnn_ErrorHandle_t trigger_code = 1;
static uint32_t dims[] = {512, 512};

static void* trigger_until_taken(void* unused) {
  (void)unused;
  while (running) {
    trigger_code = qnn.signalTrigger(abort_signal);
    if (trigger_code == QNN_SUCCESS) break;
  }
  return NULL;
}

static Qnn_SignalHandle_t make_signal(Qnn_BackendHandle_t backend, QnnSignal_ConfigOption_t option, uint64_t us) {
  QnnSignal_Config_t config = QNN_SIGNAL_CONFIG_INIT;
  config.option = option;
  config.timeoutDurationUs = us;
  const QnnSignal_Config_t* configs[] = {&config, NULL};
  Qnn_SignalHandle_t signal = NULL;
  CHECK(qnn.signalCreate(backend, configs, &signal));
  return signal;
}

static int untouched(const float* out) {
  for (int i = 0; i < 512 * 512; ++i)
    if (out[i] != 7.0f) return 0;
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  qnn = load_backend(argv[1]);
  Qnn_BackendHandle_t backend = NULL;
  Qnn_ContextHandle_t context = NULL;
  Qnn_GraphHandle_t graph = NULL;
  CHECK(qnn.backendCreate(NULL, NULL, &backend));
  CHECK(qnn.contextCreate(backend, NULL, NULL, &context));
  CHECK(qnn.graphCreate(context, "chain", NULL, &graph));
  static char names[NODES + 1][16];
  static Qnn_Tensor_t tensors[NODES + 1];
  for (int i = 0; i <= NODES; ++i) {
    snprintf(names[i], sizeof names[i], "t%d", i);
    tensors[i] = float_tensor(names[i], i == 0 ? QNN_TENSOR_TYPE_APP_WRITE
                                               : (i == NODES ? QNN_TENSOR_TYPE_APP_READ : QNN_TENSOR_TYPE_NATIVE),
                              2, dims);
    CHECK(qnn.tensorCreateGraphTensor(graph, &tensors[i]));
  }
  for (int i = 0; i < NODES; ++i) {
    Qnn_OpConfig_t op = QNN_OPCONFIG_INIT;
    op.v1 = (Qnn_OpConfigV1_t){names[i + 1], QNN_OP_PACKAGE_NAME_QTI_AISW, QNN_OP_TANH, 0, NULL, 1, &tensors[i], 1,
                               &tensors[i + 1]};
    CHECK(qnn.graphAddNode(graph, op));
  }
  CHECK(qnn.graphFinalize(graph, NULL, NULL));
  float* x = calloc(512 * 512, sizeof(float));
  float* y = malloc(512 * 512 * sizeof(float));
  Qnn_Tensor_t in = tensors[0], out = tensors[NODES];
  in.v1.clientBuf.data = x;
  in.v1.clientBuf.dataSize = 512 * 512 * 4;
  out.v1.clientBuf.data = y;
  out.v1.clientBuf.dataSize = 512 * 512 * 4;
  CHECK(qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL)); /* builds the plan: later runs are shorter */

  for (int i = 0; i < 512 * 512; ++i) y[i] = 7.0f;
  Qnn_SignalHandle_t hurried = make_signal(backend, QNN_SIGNAL_CONFIG_OPTION_TIMEOUT, 1);
  Qnn_ErrorHandle_t err = qnn.graphExecute(graph, &in, 1, &out, 1, NULL, hurried);
  printf("timeout %lu %d\n", (unsigned long)QNN_GET_ERROR_CODE(err), untouched(y));

  abort_signal = make_signal(backend, QNN_SIGNAL_CONFIG_OPTION_ABORT, 0);
  pthread_t thread;
  pthread_create(&thread, NULL, trigger_until_taken, NULL);
  err = qnn.graphExecute(graph, &in, 1, &out, 1, NULL, abort_signal);
  running = 0;
  pthread_join(thread, NULL);
  printf("abort %lu %lu %d\n", (unsigned long)QNN_GET_ERROR_CODE(err), (unsigned long)QNN_GET_ERROR_CODE(trigger_code),
         untouched(y));
  CHECK(qnn.signalFree(hurried));
  CHECK(qnn.signalFree(abort_signal));
  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  return 0;
}
