"""QnnGraph.h: composing, finalizing, retrieving and executing graphs."""
from dataclasses import dataclass
from enum import IntEnum

from qnnpy import _execute_queue, _handles, _log, _lookup, _marshal, QnnMem, QnnProfile, QnnSignal
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnHtpGraph import QnnHtpGraph_ConfigOption_t as HGO, QnnHtpGraph_CustomConfig_t
from qnnpy.QnnTypes import Qnn_Precision_t


class QnnGraph_Error_t(IntEnum):
    QNN_GRAPH_NO_ERROR = 0
    QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_GRAPH_ERROR_MEM_ALLOC = 1002
    QNN_GRAPH_ERROR_GENERAL = 1100
    QNN_GRAPH_ERROR_INVALID_ARGUMENT = 6000
    QNN_GRAPH_ERROR_INVALID_HANDLE = 6001
    QNN_GRAPH_ERROR_GRAPH_DOES_NOT_EXIST = 6002
    QNN_GRAPH_ERROR_INVALID_NAME = 6003
    QNN_GRAPH_ERROR_INVALID_TENSOR = 6004
    QNN_GRAPH_ERROR_INVALID_OP_CONFIG = 6005
    QNN_GRAPH_ERROR_SET_PROFILE = 6006
    QNN_GRAPH_ERROR_UNCONNECTED_NODE = 6007
    QNN_GRAPH_ERROR_CREATE_FAILED = 6020
    QNN_GRAPH_ERROR_OPTIMIZATION_FAILED = 6021
    QNN_GRAPH_ERROR_FINALIZE_FAILED = 6022
    QNN_GRAPH_ERROR_GRAPH_NOT_FINALIZED = 6023
    QNN_GRAPH_ERROR_GRAPH_FINALIZED = 6024
    QNN_GRAPH_ERROR_EXECUTION_ASYNC_FIFO_FULL = 6025
    QNN_GRAPH_ERROR_SIGNAL_IN_USE = 6030
    QNN_GRAPH_ERROR_ABORTED = 6031
    QNN_GRAPH_ERROR_PROFILE_IN_USE = 6032
    QNN_GRAPH_ERROR_TIMED_OUT = 6033
    QNN_GRAPH_ERROR_SUBGRAPH = 6034
    QNN_GRAPH_ERROR_DISABLED = 6035
    QNN_GRAPH_ERROR_DYNAMIC_TENSOR_SHAPE = 6036
    QNN_GRAPH_ERROR_TENSOR_SPARSITY = 6037
    QNN_GRAPH_ERROR_EARLY_TERMINATION = 6038
    QNN_GRAPH_ERROR_INVALID_CONTEXT = 6039
    QNN_GRAPH_MIN_ERROR = 6000
    QNN_GRAPH_MAX_ERROR = 6999
    QNN_GRAPH_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnGraph_ConfigOption_t(IntEnum):
    QNN_GRAPH_CONFIG_OPTION_CUSTOM = 0
    QNN_GRAPH_CONFIG_OPTION_PRIORITY = 3
    QNN_GRAPH_CONFIG_OPTION_PROFILE_HANDLE = 4
    QNN_GRAPH_CONFIG_OPTION_SET_PROFILING_STATE = 5
    QNN_GRAPH_CONFIG_OPTION_SET_PROFILING_NUM_EXECUTIONS = 6
    QNN_GRAPH_CONFIG_OPTION_ENABLE_BINARY_SECTION_WEIGHTS_UPDATES = 7
    QNN_GRAPH_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


class QnnGraph_ProfilingState_t(IntEnum):
    QNN_GRAPH_PROFILING_STATE_ENABLED = 1
    QNN_GRAPH_PROFILING_STATE_DISABLED = 2
    QNN_GRAPH_PROFILING_STATE_UNDEFINED = 0x7FFFFFFF


class QnnGraph_PropertyOption_t(IntEnum):
    QNN_GRAPH_PROPERTY_OPTION_CUSTOM = 0
    QNN_GRAPH_PROPERTY_OPTION_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnGraph_Error_t, QnnGraph_ConfigOption_t, QnnGraph_ProfilingState_t,
              QnnGraph_PropertyOption_t):
    export(_enum, globals())
E = QnnGraph_Error_t
_OK = E.QNN_GRAPH_NO_ERROR


@dataclass(slots=True)
class QnnGraph_Config_t:
    option: int = QnnGraph_ConfigOption_t.QNN_GRAPH_CONFIG_OPTION_UNDEFINED
    customConfig: object = None
    priority: int = 100
    profileHandle: int | None = None
    profilingState: int = QnnGraph_ProfilingState_t.QNN_GRAPH_PROFILING_STATE_UNDEFINED
    numProfilingExecutions: int = 0
    enableBinarySectionWeightsUpdates: int = 0


@dataclass(slots=True)
class QnnGraph_Property_t:
    option: int = QnnGraph_PropertyOption_t.QNN_GRAPH_PROPERTY_OPTION_UNDEFINED
    customProperty: object = None


@dataclass(slots=True)
class Qnn_NotifyStatus_t:
    error: int = 0


def QNN_GRAPH_CONFIG_INIT() -> QnnGraph_Config_t:
    return QnnGraph_Config_t()


def QNN_GRAPH_PROPERTY_INIT() -> QnnGraph_Property_t:
    return QnnGraph_Property_t()


def _graph(handle):
    return _lookup.graph(handle, E.QNN_GRAPH_ERROR_INVALID_HANDLE, E.QNN_GRAPH_ERROR_INVALID_CONTEXT)


def _htp_option(custom, graph) -> QnnHtpGraph_CustomConfig_t:
    """A checked HTP custom graph config (HTP/QnnHtpGraph.h)."""
    if not isinstance(custom, QnnHtpGraph_CustomConfig_t):
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT,
             "customConfig must point at a QnnHtpGraph_CustomConfig_t (HTP/QnnHtpGraph.h)")
    if custom.option not in HGO._value2member_map_:
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"HTP graph config option {custom.option!r} is unknown")
    if custom.option == HGO.QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION:
        if custom.precision not in (Qnn_Precision_t.QNN_PRECISION_FLOAT32, Qnn_Precision_t.QNN_PRECISION_FLOAT16):
            fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"precision {custom.precision!r} is not FLOAT32 (0) or FLOAT16 (1)")
        if graph is not None and graph.finalized:
            fail(E.QNN_GRAPH_ERROR_GRAPH_FINALIZED,
                 f"graph '{graph.name}' is finalized; its precision is chosen at QnnGraph_create or before finalize")
    return custom


def _apply_configs(graph, config) -> None:
    """Validate all configs first, then apply them: setConfig is all-or-nothing. Of the HTP
    custom configs only PRECISION changes results; the rest are said to have no effect."""
    chosen, customs = {}, []
    for item in config_list(config, E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, "config"):
        if not isinstance(item, QnnGraph_Config_t):
            fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"{item!r} is not a QnnGraph_Config_t")
        if item.option == QnnGraph_ConfigOption_t.QNN_GRAPH_CONFIG_OPTION_PROFILE_HANDLE:
            fail(E.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE,
                 "continuous profiling is not supported; pass a profile handle to each call instead")
        if item.option not in (0, 3, 5, 6, 7):
            fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"graph config option {item.option!r} is unknown")
        if item.option == QnnGraph_ConfigOption_t.QNN_GRAPH_CONFIG_OPTION_CUSTOM:
            customs.append(_htp_option(item.customConfig, graph))
        else:
            chosen[item.option] = item
    if graph is None:
        return
    graph.configs = {**graph.configs, **chosen}
    for custom in customs:
        if custom.option == HGO.QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION:
            graph.context.backend.set_precision(graph, custom.precision == Qnn_Precision_t.QNN_PRECISION_FLOAT16)
    noted = [QnnGraph_ConfigOption_t(o).name for o in chosen] + [
        HGO(c.option).name for c in customs if c.option != HGO.QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION]
    for name in dict.fromkeys(noted):  # accepted as the device accepts them, but said plainly
        _log.emit(_log.INFO, f"graph config {name} accepted; it changes no result on the emulated HTP (no "
                             "priorities or device preparation to tune, profiling per call)")


@qnn_api(_OK, outputs=1)
def QnnGraph_create(contextHandle, graphName, config):
    context = _lookup.context(contextHandle, E.QNN_GRAPH_ERROR_INVALID_HANDLE)
    _apply_configs(None, config)  # checked before the graph exists; applied once it does
    graph = context.backend.create_graph(context, graphName)
    _apply_configs(graph, config)
    return _lookup.graph_handle(graph)


@qnn_api(_OK, outputs=1)
def QnnGraph_createSubgraph(graphHandle, graphName):
    _graph(graphHandle)
    fail(E.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE, "subgraphs are not supported by the emulated HTP")


@qnn_api(_OK)
def QnnGraph_setConfig(graphHandle, config):
    _apply_configs(_graph(graphHandle), config)


@qnn_api(_OK)
def QnnGraph_getProperty(graphHandle, properties):
    _graph(graphHandle)
    if not properties:
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, "properties must be a non-empty list")
    fail(E.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE, "the emulated HTP has no custom graph properties")


@qnn_api(_OK)
def QnnGraph_addNode(graphHandle, opConfig):
    graph = _graph(graphHandle)
    backend = graph.context.backend
    spec = _marshal.node_spec(opConfig, E.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, backend.storage_dtype)
    backend.add_node(graph, spec)


@qnn_api(_OK)
def QnnGraph_finalize(graphHandle, profileHandle, signalHandle):
    graph = _graph(graphHandle)
    profile = QnnProfile.resolve(profileHandle, E.QNN_GRAPH_ERROR_SET_PROFILE)
    with _watching(signalHandle) as stop:
        if stop is not None:
            stop()  # finalize is one step on the host: a signal can only stop it before it starts
        with QnnProfile.timed(profile, QnnProfile.QNN_PROFILE_EVENTTYPE_FINALIZE, graph.name):
            graph.context.backend.finalize(graph)


@qnn_api(_OK, outputs=1)
def QnnGraph_retrieve(contextHandle, graphName):
    if _handles.is_null(contextHandle):  # NULL is an argument error on the real backend, a stale handle 6001
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, "contextHandle is NULL")
    context = _lookup.context(contextHandle, E.QNN_GRAPH_ERROR_INVALID_HANDLE)
    if not isinstance(graphName, str):
        fail(E.QNN_GRAPH_ERROR_INVALID_NAME, "graphName must be a string")
    try:
        graph = context.backend.retrieve(context, graphName)
    finally:
        QnnProfile.report_residency(None, context)
    return _lookup.graph_handle(graph)


def _watching(signal):
    return QnnSignal.watching(signal, E.QNN_GRAPH_ERROR_SIGNAL_IN_USE, E.QNN_GRAPH_ERROR_INVALID_ARGUMENT,
                              E.QNN_GRAPH_ERROR_ABORTED, E.QNN_GRAPH_ERROR_TIMED_OUT)


def _tensor_list(tensors, count, what, context):
    if tensors is None:
        if count:
            fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"{what} is NULL but num{what} is {count}")
        return []
    tensors = list(tensors)
    if count != len(tensors) or (tensors and count == 0):
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"num{what} is {count} but {len(tensors)} {what} are given")

    def memory(handle):
        return QnnMem.resolve(handle, context, E.QNN_GRAPH_ERROR_INVALID_TENSOR)
    return [_marshal.io_binding(t, E.QNN_GRAPH_ERROR_INVALID_TENSOR, memory) for t in tensors]


@qnn_api(_OK)
def QnnGraph_execute(graphHandle, inputs, numInputs, outputs, numOutputs, profileHandle, signalHandle):
    graph = _graph(graphHandle)
    profile = QnnProfile.resolve(profileHandle, E.QNN_GRAPH_ERROR_INVALID_ARGUMENT)
    ins = _tensor_list(inputs, numInputs, "Inputs", graph.context)
    outs = _tensor_list(outputs, numOutputs, "Outputs", graph.context)
    with _watching(signalHandle) as stop:
        try:
            with QnnProfile.timed(profile, QnnProfile.QNN_PROFILE_EVENTTYPE_EXECUTE, graph.name) as nodes:
                graph.context.backend.execute(graph, ins, outs, nodes if QnnProfile.detailed(profile) else None, stop)
        finally:
            QnnProfile.report_residency(profile, graph.context)


@qnn_api(_OK)
def QnnGraph_executeAsync(graphHandle, inputs, numInputs, outputs, numOutputs, profileHandle,
                          signalHandle, notifyFn, notifyParam):
    """Checks the call's arguments, queues the execute and returns; a worker thread runs the
    queued executes in order and calls notifyFn(notifyParam, status) when each is done, with
    the code execute would have returned (the buffers must live until then). A notifyFn that
    raises is the client's fault: logged, and the execute's result stands."""
    if notifyFn is not None and not callable(notifyFn):
        fail(E.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"notifyFn is {type(notifyFn).__name__}; pass a callable or None")
    graph = _graph(graphHandle)
    QnnProfile.resolve(profileHandle, E.QNN_GRAPH_ERROR_INVALID_ARGUMENT)
    _tensor_list(inputs, numInputs, "Inputs", graph.context)  # well-formed now; the rest is checked when it runs
    _tensor_list(outputs, numOutputs, "Outputs", graph.context)

    def job():
        err = QnnGraph_execute(graphHandle, inputs, numInputs, outputs, numOutputs, profileHandle, signalHandle)
        if notifyFn is not None:
            try:
                notifyFn(notifyParam, Qnn_NotifyStatus_t(int(err)))
            except Exception as exc:  # never let the client's callback escape into the worker
                _log.emit(_log.ERROR, f"QnnGraph_executeAsync: notifyFn raised {type(exc).__name__}: {exc}")
    if not _execute_queue.QUEUE.submit(job):
        fail(E.QNN_GRAPH_ERROR_EXECUTION_ASYNC_FIFO_FULL,
             f"{_execute_queue.DEPTH} executes are already queued; wait for their notifications")


@qnn_api(_OK)
def QnnGraph_prepareExecutionEnvironment(graphHandle, envs, envSize):
    _graph(graphHandle)
    fail(E.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE, "execution environments are not supported yet")


@qnn_api(_OK)
def QnnGraph_releaseExecutionEnvironment(graphHandle, envs, envSize):
    _graph(graphHandle)
    fail(E.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE, "execution environments are not supported yet")
