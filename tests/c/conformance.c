/* Harness: the same misuse calls against any QNN HTP backend, one process per call.
 *
 * Usage: conformance libQnnHtp.so            lists the cases ("case <index> <label>")
 *        conformance libQnnHtp.so <index>    runs one case, prints "case <label> <error code>"
 * Each run composes y = relu(x W + b) in one context ("mlp", finalized, its binary saved) and
 * leaves a second graph ("open") unfinalized in another context, then makes the one call the
 * case is about. One process per case, so that a call which crashes or hangs the backend is
 * seen as such by the caller (tests/shim/test_conformance.py) and cannot disturb the next
 * case. Nothing here depends on qnnpy: pointed at the real backend it measures what the
 * device does, pointed at qnnpy's shim what qnnpy does. */
#include <string.h>

#include "qnn_loader.h"

static QNN_INTERFACE_VER_TYPE qnn;
static Qnn_LogHandle_t log_handle;
static Qnn_BackendHandle_t backend;
static Qnn_ContextHandle_t context, open_context;
static Qnn_GraphHandle_t graph, open_graph;
static Qnn_Tensor_t tx, tw, tb, txw, tsum, ty, open_x, open_y;
static void* binary;
static Qnn_ContextBinarySize_t binary_size;
static float x[8] = {1, -2, 3, -4, 5, -6, 7, -8}, w[12] = {0.5f}, b[3] = {0.25f, -0.25f, 1}, y[6];
static uint32_t x_dims[] = {2, 4}, w_dims[] = {4, 3}, b_dims[] = {3}, y_dims[] = {2, 3};

static Qnn_Tensor_t make_tensor(const char* name, Qnn_TensorType_t type, uint32_t rank, uint32_t* dims, void* data,
                                uint32_t bytes) {
  Qnn_Tensor_t t = float_tensor(name, type, rank, dims);
  t.v1.clientBuf.data = data;
  t.v1.clientBuf.dataSize = bytes;
  return t;
}

static Qnn_OpConfig_t op(const char* name, const char* type, uint32_t num_params, Qnn_Param_t* params,
                         uint32_t num_in, Qnn_Tensor_t* in, uint32_t num_out, Qnn_Tensor_t* out) {
  Qnn_OpConfig_t config = QNN_OPCONFIG_INIT;
  config.v1 = (Qnn_OpConfigV1_t){name, QNN_OP_PACKAGE_NAME_QTI_AISW, type, num_params, params, num_in, in, num_out, out};
  return config;
}

static void compose(void) {
  CHECK(qnn.logCreate(log_to_stderr, QNN_LOG_LEVEL_ERROR, &log_handle));
  CHECK(qnn.backendCreate(log_handle, NULL, &backend));
  CHECK(qnn.contextCreate(backend, NULL, NULL, &context));
  CHECK(qnn.graphCreate(context, "mlp", NULL, &graph));
  tx = make_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, 2, x_dims, NULL, 0);
  tw = make_tensor("W", QNN_TENSOR_TYPE_STATIC, 2, w_dims, w, sizeof w);
  tb = make_tensor("b", QNN_TENSOR_TYPE_STATIC, 1, b_dims, b, sizeof b);
  txw = make_tensor("xw", QNN_TENSOR_TYPE_NATIVE, 2, y_dims, NULL, 0);
  tsum = make_tensor("sum", QNN_TENSOR_TYPE_NATIVE, 2, y_dims, NULL, 0);
  ty = make_tensor("y", QNN_TENSOR_TYPE_APP_READ, 2, y_dims, NULL, 0);
  Qnn_Tensor_t* all[] = {&tx, &tw, &tb, &txw, &tsum, &ty};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) CHECK(qnn.tensorCreateGraphTensor(graph, all[i]));
  Qnn_Tensor_t mm_in[] = {tx, tw}, mm_out[] = {txw}, add_in[] = {txw, tb}, add_out[] = {tsum}, relu_out[] = {ty};
  CHECK(qnn.graphAddNode(graph, op("matmul", QNN_OP_MAT_MUL, 0, NULL, 2, mm_in, 1, mm_out)));
  CHECK(qnn.graphAddNode(graph, op("add", QNN_OP_ELEMENT_WISE_ADD, 0, NULL, 2, add_in, 1, add_out)));
  CHECK(qnn.graphAddNode(graph, op("relu", QNN_OP_RELU, 0, NULL, 1, add_out, 1, relu_out)));
  CHECK(qnn.graphFinalize(graph, NULL, NULL));
  CHECK(qnn.contextGetBinarySize(context, &binary_size));
  binary = malloc(binary_size);
  Qnn_ContextBinarySize_t written = 0;
  CHECK(qnn.contextGetBinary(context, binary, binary_size, &written));
  binary_size = written;

  CHECK(qnn.contextCreate(backend, NULL, NULL, &open_context));
  CHECK(qnn.graphCreate(open_context, "open", NULL, &open_graph));
  open_x = make_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, 2, x_dims, NULL, 0);
  open_y = make_tensor("y", QNN_TENSOR_TYPE_APP_READ, 2, x_dims, NULL, 0);
  CHECK(qnn.tensorCreateGraphTensor(open_graph, &open_x));
  CHECK(qnn.tensorCreateGraphTensor(open_graph, &open_y));
}

/* ---- the cases: each returns the code of the one call it is about ---------------------------- */

static Qnn_ErrorHandle_t execute_with(Qnn_Tensor_t in, Qnn_Tensor_t out) {
  return qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL);
}

static Qnn_Tensor_t bound(Qnn_Tensor_t t, void* data, uint32_t bytes) {
  t.v1.clientBuf.data = data;
  t.v1.clientBuf.dataSize = bytes;
  return t;
}

static Qnn_ErrorHandle_t c_execute_ok(void) { return execute_with(bound(tx, x, sizeof x), bound(ty, y, sizeof y)); }
static Qnn_ErrorHandle_t c_execute_null_inputs(void) { return qnn.graphExecute(graph, NULL, 1, NULL, 0, NULL, NULL); }
static Qnn_ErrorHandle_t c_execute_id_zero(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x);
  in.v1.id = 0;
  return execute_with(in, bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_unknown_id_right_name(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x);
  in.v1.id = 4242;
  return execute_with(in, bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_wrong_dtype(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x);
  in.v1.dataType = QNN_DATATYPE_INT_32;
  return execute_with(in, bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_wrong_dims(void) {
  static uint32_t dims[] = {4, 2};
  Qnn_Tensor_t in = bound(tx, x, sizeof x);
  in.v1.dimensions = dims;
  return execute_with(in, bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_small_buffer(void) {
  return execute_with(bound(tx, x, 4), bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_null_buffer(void) {
  return execute_with(bound(tx, NULL, sizeof x), bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_output_as_input(void) {
  return execute_with(bound(ty, y, sizeof y), bound(ty, y, sizeof y));
}
static Qnn_ErrorHandle_t c_execute_no_inputs(void) {
  Qnn_Tensor_t out = bound(ty, y, sizeof y);
  return qnn.graphExecute(graph, NULL, 0, &out, 1, NULL, NULL);
}
static Qnn_ErrorHandle_t c_execute_input_twice(void) {
  Qnn_Tensor_t in[] = {bound(tx, x, sizeof x), bound(tx, x, sizeof x)}, out = bound(ty, y, sizeof y);
  return qnn.graphExecute(graph, in, 2, &out, 1, NULL, NULL);
}
static Qnn_ErrorHandle_t c_execute_not_finalized(void) {
  float o[8];
  Qnn_Tensor_t in = bound(open_x, x, sizeof x), out = bound(open_y, o, sizeof o);
  return qnn.graphExecute(open_graph, &in, 1, &out, 1, NULL, NULL);
}
static Qnn_ErrorHandle_t c_execute_null_graph(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x), out = bound(ty, y, sizeof y);
  return qnn.graphExecute(NULL, &in, 1, &out, 1, NULL, NULL);
}
static Qnn_ErrorHandle_t c_finalize_twice(void) { return qnn.graphFinalize(graph, NULL, NULL); }
static Qnn_ErrorHandle_t c_finalize_null(void) { return qnn.graphFinalize(NULL, NULL, NULL); }
static Qnn_ErrorHandle_t c_add_node_after_finalize(void) {
  Qnn_Tensor_t in[] = {ty}, out[] = {ty};
  return qnn.graphAddNode(graph, op("late", QNN_OP_RELU, 0, NULL, 1, in, 1, out));
}
static Qnn_ErrorHandle_t c_add_node_unknown_type(void) {
  Qnn_Tensor_t in[] = {open_x}, out[] = {open_y};
  return qnn.graphAddNode(open_graph, op("n", "NoSuchOp", 0, NULL, 1, in, 1, out));
}
static Qnn_ErrorHandle_t c_add_node_unregistered_tensor(void) {
  Qnn_Tensor_t stranger = open_x, out[] = {open_y};
  stranger.v1.id = 4242;
  stranger.v1.name = "stranger";
  return qnn.graphAddNode(open_graph, op("n", QNN_OP_RELU, 0, NULL, 1, &stranger, 1, out));
}
static Qnn_ErrorHandle_t c_add_node_unknown_param(void) {
  Qnn_Param_t p = QNN_PARAM_INIT;
  p.paramType = QNN_PARAMTYPE_SCALAR;
  p.name = "no_such_param";
  p.scalarParam.dataType = QNN_DATATYPE_UINT_32;
  Qnn_Tensor_t in[] = {open_x}, out[] = {open_y};
  return qnn.graphAddNode(open_graph, op("n", QNN_OP_RELU, 1, &p, 1, in, 1, out));
}
static Qnn_ErrorHandle_t c_finalize_with_bad_node(void) {
  /* a node the backend may take at addNode and refuse at finalize: Softmax on the wrong axis */
  Qnn_Param_t p = QNN_PARAM_INIT;
  p.paramType = QNN_PARAMTYPE_SCALAR;
  p.name = QNN_OP_SOFTMAX_PARAM_AXIS;
  p.scalarParam.dataType = QNN_DATATYPE_UINT_32;
  p.scalarParam.uint32Value = 7;
  Qnn_Tensor_t in[] = {open_x}, out[] = {open_y};
  Qnn_ErrorHandle_t added = qnn.graphAddNode(open_graph, op("n", QNN_OP_SOFTMAX, 1, &p, 1, in, 1, out));
  return added != QNN_SUCCESS ? added : qnn.graphFinalize(open_graph, NULL, NULL);
}
static Qnn_ErrorHandle_t c_finalize_empty_graph(void) { return qnn.graphFinalize(open_graph, NULL, NULL); }
static Qnn_ErrorHandle_t c_validate_unknown_type(void) {
  Qnn_Tensor_t in[] = {tx}, out[] = {ty};
  return qnn.backendValidateOpConfig(backend, op("n", "NoSuchOp", 0, NULL, 1, in, 1, out));
}
static Qnn_ErrorHandle_t c_validate_unknown_package(void) {
  Qnn_Tensor_t in[] = {tx}, out[] = {ty};
  Qnn_OpConfig_t config = op("n", QNN_OP_RELU, 0, NULL, 1, in, 1, out);
  config.v1.packageName = "no.such.package";
  return qnn.backendValidateOpConfig(backend, config);
}
static Qnn_ErrorHandle_t c_validate_relu_ok(void) {
  Qnn_Tensor_t in[] = {tx}, out[] = {ty};
  return qnn.backendValidateOpConfig(backend, op("n", QNN_OP_RELU, 0, NULL, 1, in, 1, out));
}
static Qnn_ErrorHandle_t c_graph_create_duplicate(void) {
  Qnn_GraphHandle_t g = NULL;
  return qnn.graphCreate(context, "mlp", NULL, &g);
}
static Qnn_ErrorHandle_t c_graph_create_null_name(void) {
  Qnn_GraphHandle_t g = NULL;
  return qnn.graphCreate(context, NULL, NULL, &g);
}
static Qnn_ErrorHandle_t c_graph_create_null_out(void) { return qnn.graphCreate(context, "g2", NULL, NULL); }
static Qnn_ErrorHandle_t c_graph_create_null_context(void) {
  Qnn_GraphHandle_t g = NULL;
  return qnn.graphCreate(NULL, "g2", NULL, &g);
}
static Qnn_ErrorHandle_t c_tensor_duplicate_name(void) {
  Qnn_Tensor_t t = make_tensor("x", QNN_TENSOR_TYPE_NATIVE, 2, x_dims, NULL, 0);
  return qnn.tensorCreateGraphTensor(open_graph, &t);
}
static Qnn_ErrorHandle_t c_tensor_after_finalize(void) {
  Qnn_Tensor_t t = make_tensor("late", QNN_TENSOR_TYPE_NATIVE, 2, x_dims, NULL, 0);
  return qnn.tensorCreateGraphTensor(graph, &t);
}
static Qnn_ErrorHandle_t c_tensor_null_graph(void) {
  Qnn_Tensor_t t = make_tensor("t", QNN_TENSOR_TYPE_NATIVE, 2, x_dims, NULL, 0);
  return qnn.tensorCreateGraphTensor(NULL, &t);
}
static Qnn_ErrorHandle_t c_tensor_null_tensor(void) { return qnn.tensorCreateGraphTensor(open_graph, NULL); }
static Qnn_ErrorHandle_t c_tensor_bad_dtype(void) {
  Qnn_Tensor_t t = make_tensor("t", QNN_TENSOR_TYPE_NATIVE, 2, x_dims, NULL, 0);
  t.v1.dataType = (Qnn_DataType_t)0x7777;
  return qnn.tensorCreateGraphTensor(open_graph, &t);
}
static Qnn_ErrorHandle_t c_tensor_static_null_data(void) {
  Qnn_Tensor_t t = make_tensor("t", QNN_TENSOR_TYPE_STATIC, 2, x_dims, NULL, 0);
  return qnn.tensorCreateGraphTensor(open_graph, &t);
}
static Qnn_ErrorHandle_t c_tensor_static_wrong_size(void) {
  Qnn_Tensor_t t = make_tensor("t", QNN_TENSOR_TYPE_STATIC, 2, x_dims, x, 4);
  return qnn.tensorCreateGraphTensor(open_graph, &t);
}
static Qnn_ErrorHandle_t c_tensor_null_name(void) {
  Qnn_Tensor_t t = make_tensor(NULL, QNN_TENSOR_TYPE_NATIVE, 2, x_dims, NULL, 0);
  return qnn.tensorCreateGraphTensor(open_graph, &t);
}
static Qnn_ErrorHandle_t c_context_create_null_backend(void) {
  Qnn_ContextHandle_t c = NULL;
  return qnn.contextCreate(NULL, NULL, NULL, &c);
}
static Qnn_ErrorHandle_t c_context_create_null_out(void) { return qnn.contextCreate(backend, NULL, NULL, NULL); }
static Qnn_ErrorHandle_t c_context_free_twice(void) {
  Qnn_ContextHandle_t c = NULL;
  CHECK(qnn.contextCreate(backend, NULL, NULL, &c));
  CHECK(qnn.contextFree(c, NULL));
  return qnn.contextFree(c, NULL);
}
static Qnn_ErrorHandle_t c_context_free_null(void) { return qnn.contextFree(NULL, NULL); }
static Qnn_ErrorHandle_t c_binary_size_null_out(void) { return qnn.contextGetBinarySize(context, NULL); }
static Qnn_ErrorHandle_t c_binary_too_small(void) {
  char small[16];
  Qnn_ContextBinarySize_t written = 0;
  return qnn.contextGetBinary(context, small, sizeof small, &written);
}
static Qnn_ErrorHandle_t c_binary_null_buffer(void) {
  Qnn_ContextBinarySize_t written = 0;
  return qnn.contextGetBinary(context, NULL, binary_size, &written);
}
static Qnn_ErrorHandle_t load(const void* data, Qnn_ContextBinarySize_t size) {
  Qnn_ContextHandle_t c = NULL;
  return qnn.contextCreateFromBinary(backend, NULL, NULL, data, size, &c, NULL);
}
static Qnn_ErrorHandle_t c_load_own_binary(void) { return load(binary, binary_size); }
static Qnn_ErrorHandle_t c_load_null_buffer(void) { return load(NULL, binary_size); }
static Qnn_ErrorHandle_t c_load_zero_size(void) { return load(binary, 0); }
static Qnn_ErrorHandle_t c_load_truncated(void) { return load(binary, binary_size / 2); }
static Qnn_ErrorHandle_t c_load_foreign_bytes(void) {
  char* junk = malloc(4096);
  for (int i = 0; i < 4096; ++i) junk[i] = (char)(i * 131 + 7);
  return load(junk, 4096);
}
static Qnn_ErrorHandle_t flipped(Qnn_ContextBinarySize_t at) {
  unsigned char* copy = malloc(binary_size);
  memcpy(copy, binary, binary_size);
  copy[at] ^= 0x5A;
  return load(copy, binary_size);
}
static Qnn_ErrorHandle_t c_load_flip_header(void) { return flipped(2); }
static Qnn_ErrorHandle_t c_load_flip_last_byte(void) { return flipped(binary_size - 1); }
static Qnn_ErrorHandle_t c_load_null_out(void) {
  return qnn.contextCreateFromBinary(backend, NULL, NULL, binary, binary_size, NULL, NULL);
}
static Qnn_ErrorHandle_t retrieve(const char* name) {
  Qnn_ContextHandle_t c = NULL;
  Qnn_GraphHandle_t g = NULL;
  CHECK(qnn.contextCreateFromBinary(backend, NULL, NULL, binary, binary_size, &c, NULL));
  return qnn.graphRetrieve(c, name, &g);
}
static Qnn_ErrorHandle_t c_retrieve_ok(void) { return retrieve("mlp"); }
static Qnn_ErrorHandle_t c_retrieve_unknown(void) { return retrieve("no_such_graph"); }
static Qnn_ErrorHandle_t c_retrieve_null_name(void) { return retrieve(NULL); }
static Qnn_ErrorHandle_t c_retrieve_null_context(void) {
  Qnn_GraphHandle_t g = NULL;
  return qnn.graphRetrieve(NULL, "mlp", &g);
}
static Qnn_ErrorHandle_t c_backend_create_null_out(void) { return qnn.backendCreate(log_handle, NULL, NULL); }
static Qnn_ErrorHandle_t c_backend_api_version_null(void) { return qnn.backendGetApiVersion(NULL); }
static Qnn_ErrorHandle_t c_backend_build_id_null(void) { return qnn.backendGetBuildId(NULL); }
static Qnn_ErrorHandle_t c_backend_free_null(void) { return qnn.backendFree(NULL); }
static Qnn_ErrorHandle_t c_log_create_null_out(void) {
  return qnn.logCreate(log_to_stderr, QNN_LOG_LEVEL_ERROR, NULL);
}
static Qnn_ErrorHandle_t c_log_level_invalid(void) { return qnn.logSetLogLevel(log_handle, (QnnLog_Level_t)99); }
static Qnn_ErrorHandle_t c_log_free_null(void) { return qnn.logFree(NULL); }
static Qnn_ErrorHandle_t c_profile_create_null_out(void) {
  return qnn.profileCreate(backend, QNN_PROFILE_LEVEL_BASIC, NULL);
}
static Qnn_ErrorHandle_t c_profile_create_bad_level(void) {
  Qnn_ProfileHandle_t p = NULL;
  return qnn.profileCreate(backend, (QnnProfile_Level_t)99, &p);
}
static Qnn_ErrorHandle_t c_profile_free_twice(void) {
  Qnn_ProfileHandle_t p = NULL;
  CHECK(qnn.profileCreate(backend, QNN_PROFILE_LEVEL_BASIC, &p));
  CHECK(qnn.profileFree(p));
  return qnn.profileFree(p);
}
static Qnn_ErrorHandle_t c_profile_events_null(void) {
  uint32_t n = 0;
  const QnnProfile_EventId_t* events = NULL;
  return qnn.profileGetEvents(NULL, &events, &n);
}
static Qnn_ErrorHandle_t c_capability_unknown_key(void) { return qnn.propertyHasCapability(0x123456); }
static Qnn_ErrorHandle_t c_platform_info_null_out(void) { return qnn.deviceGetPlatformInfo(NULL, NULL); }
static Qnn_ErrorHandle_t c_device_create_null_out(void) { return qnn.deviceCreate(log_handle, NULL, NULL); }
static Qnn_ErrorHandle_t c_device_free_null(void) { return qnn.deviceFree(NULL); }
static Qnn_ErrorHandle_t c_error_message_unknown_code(void) {
  const char* message = NULL;
  return qnn.errorGetMessage(123456, &message);
}
static Qnn_ErrorHandle_t c_error_message_null_out(void) { return qnn.errorGetMessage(5002, NULL); }
static Qnn_ErrorHandle_t c_update_static_tensor(void) {
  const Qnn_Tensor_t* update[] = {&tw};
  return qnn.tensorUpdateGraphTensors(graph, update, 1);
}
static Qnn_ErrorHandle_t c_section_size_not_updatable(void) {
  Qnn_ContextBinarySize_t size = 0;
  return qnn.contextGetBinarySectionSize(context, graph, QNN_CONTEXT_SECTION_UPDATABLE, &size);
}
static Qnn_ErrorHandle_t c_mem_register_null(void) { return qnn.memRegister(context, NULL, 1, NULL); }
static Qnn_ErrorHandle_t c_mem_deregister_null(void) { return qnn.memDeRegister(NULL, 1); }

static Qnn_SignalHandle_t signal_with(QnnSignal_ConfigOption_t option, uint64_t timeout_us) {
  QnnSignal_Config_t config = QNN_SIGNAL_CONFIG_INIT;
  config.option = option;
  config.timeoutDurationUs = timeout_us;
  const QnnSignal_Config_t* configs[] = {&config, NULL};
  Qnn_SignalHandle_t signal = NULL;
  CHECK(qnn.signalCreate(backend, configs, &signal));
  return signal;
}
static Qnn_ErrorHandle_t c_signal_create_null_out(void) { return qnn.signalCreate(backend, NULL, NULL); }
static Qnn_ErrorHandle_t c_signal_trigger_idle(void) {
  return qnn.signalTrigger(signal_with(QNN_SIGNAL_CONFIG_OPTION_ABORT, 0));
}
static Qnn_ErrorHandle_t c_signal_free_twice(void) {
  Qnn_SignalHandle_t signal = signal_with(QNN_SIGNAL_CONFIG_OPTION_ABORT, 0);
  CHECK(qnn.signalFree(signal));
  return qnn.signalFree(signal);
}
static Qnn_ErrorHandle_t c_execute_with_idle_abort_signal(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x), out = bound(ty, y, sizeof y);
  return qnn.graphExecute(graph, &in, 1, &out, 1, NULL, signal_with(QNN_SIGNAL_CONFIG_OPTION_ABORT, 0));
}
static Qnn_ErrorHandle_t c_execute_with_generous_timeout(void) {
  Qnn_Tensor_t in = bound(tx, x, sizeof x), out = bound(ty, y, sizeof y);
  return qnn.graphExecute(graph, &in, 1, &out, 1, NULL, signal_with(QNN_SIGNAL_CONFIG_OPTION_TIMEOUT, 60000000));
}

/* Global config cases run before compose() (its backendCreate closes the window), except the
 * one about that window. */
static Qnn_ErrorHandle_t set_global(QnnGlobalConfig_ConfigOption_t option, int value) {
  QnnGlobalConfig_t config = QNN_GLOBAL_CONFIG_INIT;
  config.option = option;
  if (option == QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE)
    config.machineType = (QnnGlobalConfig_MachineType_t)value;
  else
    config.socModel = (Qnn_SocModel_t)value;
  const QnnGlobalConfig_t* configs[] = {&config, NULL};
  return qnn.globalConfigSet(configs);
}
static Qnn_ErrorHandle_t c_global_null(void) { return qnn.globalConfigSet(NULL); }
static Qnn_ErrorHandle_t c_global_soc_twice(void) {
  CHECK(set_global(QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL, QNN_SOC_MODEL_SM8650));
  return set_global(QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL, QNN_SOC_MODEL_SM8650);
}
static Qnn_ErrorHandle_t c_global_soc_unassigned(void) { return set_global(QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL, 999); }
static Qnn_ErrorHandle_t c_global_machine_device(void) {
  return set_global(QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE, QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_DEVICE);
}
static Qnn_ErrorHandle_t c_global_machine_invalid(void) { return set_global(QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE, 5); }
static Qnn_ErrorHandle_t c_global_unknown_option(void) { return set_global((QnnGlobalConfig_ConfigOption_t)7, 0); }
static Qnn_ErrorHandle_t c_global_after_backend(void) {
  return set_global(QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL, QNN_SOC_MODEL_SM8650);
}

typedef struct {
  const char* label;
  Qnn_ErrorHandle_t (*run)(void);
} Case;

static const Case CASES[] = {
    {"execute_ok", c_execute_ok},
    {"execute_null_inputs", c_execute_null_inputs},
    {"execute_id_zero", c_execute_id_zero},
    {"execute_unknown_id_right_name", c_execute_unknown_id_right_name},
    {"execute_wrong_dtype", c_execute_wrong_dtype},
    {"execute_wrong_dims", c_execute_wrong_dims},
    {"execute_small_buffer", c_execute_small_buffer},
    {"execute_null_buffer", c_execute_null_buffer},
    {"execute_output_as_input", c_execute_output_as_input},
    {"execute_no_inputs", c_execute_no_inputs},
    {"execute_input_twice", c_execute_input_twice},
    {"execute_not_finalized", c_execute_not_finalized},
    {"execute_null_graph", c_execute_null_graph},
    {"finalize_twice", c_finalize_twice},
    {"finalize_null", c_finalize_null},
    {"finalize_with_bad_node", c_finalize_with_bad_node},
    {"finalize_empty_graph", c_finalize_empty_graph},
    {"addNode_after_finalize", c_add_node_after_finalize},
    {"addNode_unknown_type", c_add_node_unknown_type},
    {"addNode_unregistered_tensor", c_add_node_unregistered_tensor},
    {"addNode_unknown_param", c_add_node_unknown_param},
    {"validateOpConfig_unknown_type", c_validate_unknown_type},
    {"validateOpConfig_unknown_package", c_validate_unknown_package},
    {"validateOpConfig_relu_ok", c_validate_relu_ok},
    {"graphCreate_duplicate_name", c_graph_create_duplicate},
    {"graphCreate_null_name", c_graph_create_null_name},
    {"graphCreate_null_out", c_graph_create_null_out},
    {"graphCreate_null_context", c_graph_create_null_context},
    {"tensorCreate_duplicate_name", c_tensor_duplicate_name},
    {"tensorCreate_after_finalize", c_tensor_after_finalize},
    {"tensorCreate_null_graph", c_tensor_null_graph},
    {"tensorCreate_null_tensor", c_tensor_null_tensor},
    {"tensorCreate_bad_dtype", c_tensor_bad_dtype},
    {"tensorCreate_static_null_data", c_tensor_static_null_data},
    {"tensorCreate_static_wrong_size", c_tensor_static_wrong_size},
    {"tensorCreate_null_name", c_tensor_null_name},
    {"contextCreate_null_backend", c_context_create_null_backend},
    {"contextCreate_null_out", c_context_create_null_out},
    {"contextFree_twice", c_context_free_twice},
    {"contextFree_null", c_context_free_null},
    {"getBinarySize_null_out", c_binary_size_null_out},
    {"getBinary_too_small", c_binary_too_small},
    {"getBinary_null_buffer", c_binary_null_buffer},
    {"createFromBinary_own", c_load_own_binary},
    {"createFromBinary_null_buffer", c_load_null_buffer},
    {"createFromBinary_zero_size", c_load_zero_size},
    {"createFromBinary_truncated", c_load_truncated},
    {"createFromBinary_foreign_bytes", c_load_foreign_bytes},
    {"createFromBinary_flip_header", c_load_flip_header},
    {"createFromBinary_flip_last_byte", c_load_flip_last_byte},
    {"createFromBinary_null_out", c_load_null_out},
    {"graphRetrieve_ok", c_retrieve_ok},
    {"graphRetrieve_unknown", c_retrieve_unknown},
    {"graphRetrieve_null_name", c_retrieve_null_name},
    {"graphRetrieve_null_context", c_retrieve_null_context},
    {"backendCreate_null_out", c_backend_create_null_out},
    {"backendGetApiVersion_null", c_backend_api_version_null},
    {"backendGetBuildId_null", c_backend_build_id_null},
    {"backendFree_null", c_backend_free_null},
    {"logCreate_null_out", c_log_create_null_out},
    {"logSetLogLevel_invalid", c_log_level_invalid},
    {"logFree_null", c_log_free_null},
    {"profileCreate_null_out", c_profile_create_null_out},
    {"profileCreate_bad_level", c_profile_create_bad_level},
    {"profileFree_twice", c_profile_free_twice},
    {"profileGetEvents_null_profile", c_profile_events_null},
    {"hasCapability_unknown_key", c_capability_unknown_key},
    {"getPlatformInfo_null_out", c_platform_info_null_out},
    {"deviceCreate_null_out", c_device_create_null_out},
    {"deviceFree_null", c_device_free_null},
    {"errorGetMessage_unknown_code", c_error_message_unknown_code},
    {"errorGetMessage_null_out", c_error_message_null_out},
    {"updateGraphTensors_static", c_update_static_tensor},
    {"getBinarySectionSize_not_updatable", c_section_size_not_updatable},
    {"memRegister_null", c_mem_register_null},
    {"memDeRegister_null", c_mem_deregister_null},
    {"signalCreate_null_out", c_signal_create_null_out},
    {"signalTrigger_idle", c_signal_trigger_idle},
    {"signalFree_twice", c_signal_free_twice},
    {"execute_with_idle_abort_signal", c_execute_with_idle_abort_signal},
    {"execute_with_generous_timeout", c_execute_with_generous_timeout},
    {"globalConfigSet_after_backendCreate", c_global_after_backend},
};
/* Run before compose(); numbered after CASES. */
static const Case EARLY_CASES[] = {
    {"globalConfigSet_null", c_global_null},
    {"globalConfigSet_soc_twice", c_global_soc_twice},
    {"globalConfigSet_soc_unassigned", c_global_soc_unassigned},
    {"globalConfigSet_machine_device", c_global_machine_device},
    {"globalConfigSet_machine_invalid", c_global_machine_invalid},
    {"globalConfigSet_unknown_option", c_global_unknown_option},
};

int main(int argc, char** argv) {
  size_t late = sizeof CASES / sizeof CASES[0], count = late + sizeof EARLY_CASES / sizeof EARLY_CASES[0];
  if (argc == 2) { /* list the cases */
    for (size_t i = 0; i < count; ++i) printf("case %zu %s\n", i, i < late ? CASES[i].label : EARLY_CASES[i - late].label);
    return 0;
  }
  size_t index = argc == 3 ? strtoul(argv[2], NULL, 10) : count;
  if (index >= count) {
    fprintf(stderr, "usage: %s libQnnHtp.so [case-index]\n", argv[0]);
    return 2;
  }
  qnn = load_backend(argv[1]);
  const Case* chosen = index < late ? &CASES[index] : &EARLY_CASES[index - late];
  Qnn_ErrorHandle_t result = index < late ? 0 : chosen->run();
  compose();
  if (index < late) result = chosen->run();
  unsigned long code = (unsigned long)QNN_GET_ERROR_CODE(result);
  printf("case %s %lu\n", chosen->label, code);
  fflush(stdout); /* before the backend's exit handlers (the real one's may fork) */
  return 0;
}
