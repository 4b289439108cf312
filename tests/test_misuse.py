"""Every misuse the fact sheets list for the foundation functions returns its documented code,
logs one line, and leaves state as it was."""
import numpy as np
import pytest

from qnnpy import (QnnBackend, QnnContext, QnnGraph, QnnLog, QnnProfile, QnnProperty, QnnTensor,
                   QnnInterface, QnnSystemInterface)
from qnnpy.builder import GraphBuilder, io_tensor, make_tensor, quantize_params
from qnnpy.QnnTypes import *  # noqa: F403 (the C names)
from qnnpy.QnnCommon import QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
from qnnpy.QnnOpDef import QNN_OP_PACKAGE_NAME_QTI_AISW

F32 = QNN_DATATYPE_FLOAT_32


def _mlp(api):
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, (2, 4))
    w = b.static("w", np.arange(32, dtype=np.float32).reshape(4, 8) / 32)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, (2, 8))
    b.node("MatMul", [x, w], [y])
    return graph, b, x, w, y


def _run(graph, x, y, xs=None, out=None):
    xs = np.ones((2, 4), np.float32) if xs is None else xs
    out = np.zeros((2, 8), np.float32) if out is None else out
    return QnnGraph.QnnGraph_execute(graph, [io_tensor(x, xs)], 1, [io_tensor(y, out)], 1, None, None), out


def _ghost():
    t = make_tensor("ghost", QNN_TENSOR_TYPE_NATIVE, F32, (2, 4))
    t.v2.id = 9999
    return t


def _op(name, op_type, ins, outs, params=(), package=QNN_OP_PACKAGE_NAME_QTI_AISW):
    return Qnn_OpConfig_t(v1=Qnn_OpConfigV1_t(name, package, op_type, len(params), list(params),
                                              len(ins), list(ins), len(outs), list(outs)))


@pytest.mark.parametrize("handle", [None, 0, 12345, "graph", 3.5])
def test_foreign_graph_handles(api, handle):
    assert QnnGraph.QnnGraph_execute(handle, [], 0, [], 0, None, None) == QnnGraph.QNN_GRAPH_ERROR_INVALID_HANDLE
    assert QnnGraph.QnnGraph_finalize(handle, None, None) == QnnGraph.QNN_GRAPH_ERROR_INVALID_HANDLE
    assert len(api.errors()) == 2


def test_freed_handles(api):
    graph, _, x, _, y = _mlp(api)
    assert QnnContext.QnnContext_free(api.context, None) == 0
    assert QnnContext.QnnContext_free(api.context, None) == QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE
    assert _run(graph, x, y)[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_CONTEXT
    assert "already freed" in api.errors()[0]
    err, log = QnnLog.QnnLog_create(None, 1)
    assert QnnLog.QnnLog_free(log) == 0 and QnnLog.QnnLog_free(log) == QnnLog.QNN_LOG_ERROR_INVALID_HANDLE
    assert QnnContext.QnnContext_create(12345, None, None) == (QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE, None)
    assert QnnBackend.QnnBackend_create(999, None) == (QnnBackend.QNN_BACKEND_ERROR_INVALID_HANDLE, None)


def test_execute_before_finalize_and_add_node_after(api):
    graph, b, x, w, y = _mlp(api)
    assert _run(graph, x, y)[0] == QnnGraph.QNN_GRAPH_ERROR_GRAPH_NOT_FINALIZED
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    z = make_tensor("z", QNN_TENSOR_TYPE_NATIVE, F32, (2, 8))
    assert QnnTensor.QnnTensor_createGraphTensor(graph, z) == QnnGraph.QNN_GRAPH_ERROR_GRAPH_FINALIZED
    assert QnnGraph.QnnGraph_addNode(graph, _op("late", "Relu", [y], [y])) == QnnGraph.QNN_GRAPH_ERROR_GRAPH_FINALIZED
    assert _run(graph, x, y)[0] == 0


def test_empty_graph_does_not_finalize(api):
    assert QnnGraph.QnnGraph_finalize(api.graph(), None, None) == QnnGraph.QNN_GRAPH_ERROR_FINALIZE_FAILED


def test_add_node_errors_leave_the_graph_usable(api):
    graph, b, x, w, y = _mlp(api)
    h = b.tensor("h", QNN_TENSOR_TYPE_NATIVE, F32, (2, 8))
    bad = [
        (_op("n1", "MatMull", [x, w], [h]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "did you mean"),
        (_op("n1b", "Lstm", [x, w], [h]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "does not implement"),
        (_op("n2", "MatMul", [x, w], [h], package="my.pkg"), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "my.pkg"),
        (_op("n3", "MatMul", [x], [h]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "2..3 inputs"),
        (_op("n4", "Transpose", [x], [h]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "'perm' is missing"),
        (_op("n5", "Relu", [x], [h], [Qnn_Param_t(QNN_PARAMTYPE_SCALAR, "alpha",
                                                  Qnn_Scalar_t(F32, floatValue=1.0))]),
         QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "unknown parameter 'alpha'"),
        (_op("n6", "Relu", [x], [h]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "declared [2, 8]"),
        (_op("n7", "Relu", [_ghost()], [h]),
         QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "not registered"),  # the real backend's code
        (_op("n8", "Relu", [h], [y]), QnnGraph.QNN_GRAPH_ERROR_UNCONNECTED_NODE, "dependency order"),
        (_op("n9", "Relu", [x], [w]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "outputs must be"),
        (_op("n10", "Relu", [x], [y]), QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "already produced"),
        ("not an op config", QnnGraph.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "Qnn_OpConfig_t"),
    ]
    for op, code, words in bad:
        before = len(api.errors())
        assert QnnGraph.QnnGraph_addNode(graph, op) == code, words
        assert len(api.errors()) == before + 1 and words in api.errors()[-1]
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    err, out = _run(graph, x, y)
    assert err == 0
    np.testing.assert_allclose(out, np.ones((2, 4)) @ (np.arange(32).reshape(4, 8) / 32), rtol=1e-6)


def test_execute_checks_client_tensors_before_writing(api):
    graph, _, x, _, y = _mlp(api)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    out = np.full((2, 8), 7.0, np.float32)
    small = np.zeros(3, np.float32)
    wrong_dtype = io_tensor(x, np.ones((2, 4), np.float32))
    wrong_dtype.v2.dataType = QNN_DATATYPE_FLOAT_16
    cases = [
        ([io_tensor(x, small)], QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT, "needs 32 bytes"),
        ([wrong_dtype], QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR, "registered as FLOAT_32"),
        ([], QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT, "no inputs are given"),  # the real backend's code
        ([io_tensor(y, np.ones((2, 8), np.float32))], QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR, "not a graph input"),
    ]
    for inputs, code, words in cases:
        err = QnnGraph.QnnGraph_execute(graph, inputs, len(inputs), [io_tensor(y, out)], 1, None, None)
        assert err == code and words in api.errors()[-1]
        assert (out == 7.0).all()
    assert QnnGraph.QnnGraph_execute(graph, [io_tensor(x, np.ones((2, 4), np.float32))], 2,
                                     [io_tensor(y, out)], 1, None, None) == QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT
    readonly = np.zeros((2, 8), np.float32)
    readonly.flags.writeable = False
    assert _run(graph, x, y, out=readonly)[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT


@pytest.mark.parametrize("kind, dtype, data, quant, code, words", [
    (QNN_TENSOR_TYPE_STATIC, F32, None, None, QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "needs 32 bytes"),
    (QNN_TENSOR_TYPE_NATIVE, F32, np.zeros((2, 4), np.float32), None,
     QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "NULL client buffer"),
    (QNN_TENSOR_TYPE_APP_READWRITE, F32, None, None, QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "context tensors"),
    (QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_UFIXED_POINT_8, None, None,
     QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "no quantization encoding"),
    (QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_UFIXED_POINT_8, None, quantize_params(-1.0, 0),
     QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "scale must be finite and > 0"),
    (QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_UFIXED_POINT_8, None, quantize_params([1.0] * 3, [0] * 3, axis=1),
     QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "per-axis"),
    (QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_BFLOAT_16, None, None,
     QnnTensor.QNN_TENSOR_ERROR_UNSUPPORTED_TENSOR_PARAM, "not supported"),
    (QNN_TENSOR_TYPE_NATIVE, QNN_DATATYPE_STRING, None, None, QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "STRING"),
])
def test_create_graph_tensor_errors(api, kind, dtype, data, quant, code, words):
    graph = api.graph()
    t = make_tensor("t", kind, dtype, (2, 4), data, quant)
    assert QnnTensor.QnnTensor_createGraphTensor(graph, t) == code
    assert words in api.errors()[-1]
    ok = make_tensor("t", QNN_TENSOR_TYPE_NATIVE, F32, (2, 4))  # the failed name is still free
    assert QnnTensor.QnnTensor_createGraphTensor(graph, ok) == 0 and ok.v2.id > 0


def test_tensor_names_and_scopes(api):
    graph = api.graph()
    assert QnnTensor.QnnTensor_createGraphTensor(graph, make_tensor("a", QNN_TENSOR_TYPE_NATIVE, F32, (1,))) == 0
    dup = make_tensor("a", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))
    assert QnnTensor.QnnTensor_createContextTensor(api.context, dup) == QnnTensor.QNN_TENSOR_ERROR_ALREADY_EXISTS
    native = make_tensor("n", QNN_TENSOR_TYPE_NATIVE, F32, (1,))
    assert QnnTensor.QnnTensor_createContextTensor(api.context, native) == QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM
    rw = make_tensor("rw", QNN_TENSOR_TYPE_APP_READWRITE, F32, (1,))
    assert QnnTensor.QnnTensor_createContextTensor(api.context, rw) == 0
    assert QnnTensor.QnnTensor_createGraphTensor(12345, native) == QnnGraph.QNN_GRAPH_ERROR_INVALID_HANDLE  # as real


def test_binary_misuse(api):
    graph, _, x, _, y = _mlp(api)
    assert QnnContext.QnnContext_getBinarySize(api.context) == (QnnContext.QNN_CONTEXT_ERROR_NOT_FINALIZED, None)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    assert QnnContext.QnnContext_getBinary(api.context, bytearray(size - 1), size - 1)[0] == \
        QnnContext.QNN_CONTEXT_ERROR_GET_BINARY_FAILED  # the real backend's code for a buffer too small
    assert QnnContext.QnnContext_getBinary(api.context, bytes(size), size)[0] == QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
    assert QnnContext.QnnContext_addToDlc(api.context, 1) == QnnContext.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE
    assert QnnContext.QnnContext_addToDlc(4242, 1) == QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE
    buf = bytearray(size)
    QnnContext.QnnContext_getBinary(api.context, buf, size)
    assert QnnContext.QnnContext_createFromBinary(api.backend, None, None, None, 0, None)[0] == \
        QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), size, None)
    assert err == 0
    assert QnnContext.QnnContext_getBinarySize(ctx)[0] == QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
    assert QnnGraph.QnnGraph_create(ctx, "new", None)[0] == QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
    assert QnnGraph.QnnGraph_retrieve(ctx, "nope")[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_NAME
    assert QnnGraph.QnnGraph_create(api.context, "g", None)[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_NAME
    unknown = [QnnContext.QnnContext_Config_t(QnnContext.QNN_CONTEXT_CONFIG_ENABLE_GRAPHS, enableGraphs=["h"])]
    assert QnnContext.QnnContext_createFromBinary(api.backend, None, unknown, bytes(buf), size, None)[0] == \
        QnnContext.QNN_CONTEXT_ERROR_INVALID_CONFIG
    assert "'h'" in api.errors()[-1] and "'g'" in api.errors()[-1]
    order = [QnnContext.QnnContext_Config_t(QnnContext.QNN_CONTEXT_CONFIG_GRAPH_RETENTION_ORDER, graphRetentionOrder=["g"])]
    assert QnnContext.QnnContext_createFromBinary(api.backend, None, order, bytes(buf), size, None)[0] == \
        QnnContext.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE


def test_log_levels_filter_and_validate():
    lines = []
    err, log = QnnLog.QnnLog_create(lambda f, lvl, ts, a: lines.append((lvl, f % a)), QnnLog.QNN_LOG_LEVEL_ERROR)
    assert QnnLog.QnnLog_setLogLevel(log, 0) == QnnLog.QNN_LOG_ERROR_INVALID_ARGUMENT
    err, be = QnnBackend.QnnBackend_create(log, None)
    QnnGraph.QnnGraph_retrieve(123, "x")
    assert lines and all(lvl == 1 for lvl, _ in lines)
    QnnBackend.QnnBackend_free(be)
    QnnLog.QnnLog_free(log)


def test_properties_versions_and_interface():
    assert QnnProperty.QnnProperty_hasCapability(QnnProperty.QNN_PROPERTY_CONTEXT_SUPPORT_CACHING) == 0
    assert QnnProperty.QnnProperty_hasCapability(QnnProperty.QNN_PROPERTY_BACKEND_SUPPORT_OP_PACKAGE) == 1000
    assert QnnProperty.QnnProperty_hasCapability(99999) == QnnProperty.QNN_PROPERTY_ERROR_UNKNOWN_KEY
    err, version = QnnBackend.QnnBackend_getApiVersion()
    # the versions of the onnxruntime-qnn 2.7.0 wheel's libQnnHtp.so (QAIRT 2.51)
    assert (version.coreApiVersion.major, version.coreApiVersion.minor) == (2, 40)
    assert (version.backendApiVersion.major, version.backendApiVersion.minor) == (5, 51)
    err, providers, n = QnnInterface.QnnInterface_getProviders()
    assert (err, n, providers[0].backendId, providers[0].providerName) == (0, 1, 6, "HTP_QTI_AISW")
    table = providers[0].v2_40
    assert len(QnnInterface.MEMBERS) == 75 and QnnInterface.MEMBERS[21] == "graphExecute"
    assert QnnInterface.MEMBERS[61] == "contextApplyBinarySection"
    assert table.graphExecute is QnnGraph.QnnGraph_execute and table.contextGetIncrementalBinary is None
    err, sys_providers, n = QnnSystemInterface.QnnSystemInterface_getProviders()
    assert len(QnnSystemInterface.MEMBERS) == 90 and sys_providers[0].v1_15.systemContextGetBinaryInfo


def test_supported_operations_and_validate_op_config(api):
    err, n, ops = QnnBackend.QnnBackend_getSupportedOperations(api.backend)
    names = {o.name for o in ops}
    assert err == 0 and n == len(ops) and {"MatMul", "Conv2d", "RmsNorm", "StridedSlice"} <= names
    x = make_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, (2, 4))
    good = _op("r", "Relu", [x], [make_tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, (2, 4))])
    bad = _op("r", "Relu", [x], [make_tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, (4, 2))])
    assert QnnBackend.QnnBackend_validateOpConfig(api.backend, good) == 0
    assert QnnBackend.QnnBackend_validateOpConfig(api.backend, bad) == QnnBackend.QNN_OP_PACKAGE_ERROR_VALIDATION_FAILURE
    assert QnnBackend.QnnBackend_registerOpPackage(api.backend, "libX.so", "prov", None) == \
        QnnBackend.QNN_BACKEND_ERROR_NOT_SUPPORTED


def _event_types(prof) -> list:
    err, events, n = QnnProfile.QnnProfile_getEvents(prof)
    assert err == 0 and n == len(events)
    return [QnnProfile.QnnProfile_getEventData(e)[1] for e in events]


@pytest.mark.parametrize("level", [QnnProfile.QNN_PROFILE_LEVEL_BASIC, QnnProfile.QNN_PROFILE_LEVEL_DETAILED])
def test_profile_records_each_calls_wall_time_events(api, level):
    """A profiled call replaces the profile's events with its own, as the real backend does;
    at DETAILED the execute event has one NODE sub-event per node, in execution order."""
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, (2, 4))
    h = b.tensor("h", QNN_TENSOR_TYPE_NATIVE, F32, (2, 8))
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, (2, 8))
    b.node("MatMul", [x, b.static("w", np.ones((4, 8), np.float32))], [h], name="project")
    b.node("Relu", [h], [y], name="activate")
    err, prof = QnnProfile.QnnProfile_create(api.backend, level)
    assert QnnGraph.QnnGraph_finalize(graph, prof, None) == 0
    (finalize,) = _event_types(prof)
    assert finalize.type == QnnProfile.QNN_PROFILE_EVENTTYPE_FINALIZE
    assert finalize.unit == QnnProfile.QNN_PROFILE_EVENTUNIT_MICROSEC
    _, (old_event,), _ = QnnProfile.QnnProfile_getEvents(prof)
    out = np.zeros((2, 8), np.float32)
    assert QnnGraph.QnnGraph_execute(graph, [io_tensor(x, np.ones((2, 4), np.float32))], 1,
                                     [io_tensor(y, out)], 1, prof, None) == 0
    assert [e.type for e in _event_types(prof)] == [QnnProfile.QNN_PROFILE_EVENTTYPE_EXECUTE]
    assert QnnProfile.QnnProfile_getEventData(old_event)[0] == QnnProfile.QNN_PROFILE_ERROR_INVALID_HANDLE
    _, (execute,), _ = QnnProfile.QnnProfile_getEvents(prof)
    err, subs, n = QnnProfile.QnnProfile_getSubEvents(execute)
    nodes = [QnnProfile.QnnProfile_getEventData(s)[1] for s in subs]
    if level == QnnProfile.QNN_PROFILE_LEVEL_DETAILED:
        assert [(e.type, e.identifier) for e in nodes] == [(QnnProfile.QNN_PROFILE_EVENTTYPE_NODE, "project"),
                                                           (QnnProfile.QNN_PROFILE_EVENTTYPE_NODE, "activate")]
    else:
        assert nodes == []
    assert QnnGraph.QnnGraph_finalize(graph, 777, None) == QnnGraph.QNN_GRAPH_ERROR_SET_PROFILE
    assert QnnProfile.QnnProfile_free(prof) == 0
    assert QnnProfile.QnnProfile_getEventData(execute)[0] == QnnProfile.QNN_PROFILE_ERROR_INVALID_HANDLE


def test_version_1_tensors_work_everywhere(api):
    """Qnn_Tensor_t v1 (the QNN_TENSOR_INIT default) for registration, ops and execute."""
    graph = api.graph()

    def v1(name, kind, dims, data=None):
        t = QNN_TENSOR_INIT()
        b = t.v1
        b.name, b.type, b.dataType, b.rank, b.dimensions = name, kind, F32, len(dims), list(dims)
        b.memType = QNN_TENSORMEMTYPE_RAW
        if data is not None:
            b.clientBuf = Qnn_ClientBuffer_t(data, data.nbytes)
        return t

    x, y = v1("x", QNN_TENSOR_TYPE_APP_WRITE, (2, 3)), v1("y", QNN_TENSOR_TYPE_APP_READ, (2, 3))
    assert x.version == QNN_TENSOR_VERSION_1
    for t in (x, y):
        assert QnnTensor.QnnTensor_createGraphTensor(graph, t) == 0
    assert QnnGraph.QnnGraph_addNode(graph, _op("relu", "Relu", [x], [y])) == 0
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    data, out = np.array([[-1, 2, -3], [4, -5, 6]], np.float32), np.zeros((2, 3), np.float32)
    xi, yo = v1("x", 0, (2, 3), data), v1("y", 1, (2, 3), out)
    xi.v1.id, yo.v1.id = x.v1.id, y.v1.id
    assert QnnGraph.QnnGraph_execute(graph, [xi], 1, [yo], 1, None, None) == 0
    assert np.array_equal(out, np.maximum(data, 0))


def test_create_from_binary_records_an_init_event(api):
    graph, _, x, _, y = _mlp(api)
    QnnGraph.QnnGraph_finalize(graph, None, None)
    err, size = QnnContext.QnnContext_getBinarySize(api.context)
    buf = bytearray(size)
    QnnContext.QnnContext_getBinary(api.context, buf, size)
    _, prof = QnnProfile.QnnProfile_create(api.backend, QnnProfile.QNN_PROFILE_LEVEL_BASIC)
    assert QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), size, prof)[0] == 0
    _, events, n = QnnProfile.QnnProfile_getEvents(prof)
    assert n == 1 and QnnProfile.QnnProfile_getEventData(events[0])[1].type == QnnProfile.QNN_PROFILE_EVENTTYPE_INIT
    assert QnnContext.QnnContext_createFromBinary(api.backend, None, None, bytes(buf), size, 4242)[0] == \
        QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE


def test_graphs_may_reuse_names_but_not_context_tensor_names(api):
    g1, g2 = api.graph("a"), api.graph("b")
    for g in (g1, g2):
        assert QnnTensor.QnnTensor_createGraphTensor(g, make_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))) == 0
    assert QnnTensor.QnnTensor_createGraphTensor(g1, make_tensor("x", QNN_TENSOR_TYPE_NATIVE, F32, (1,))) == \
        QnnTensor.QNN_TENSOR_ERROR_ALREADY_EXISTS
    assert QnnTensor.QnnTensor_createContextTensor(api.context, make_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))) == \
        QnnTensor.QNN_TENSOR_ERROR_ALREADY_EXISTS
    assert "in graph 'a'" in api.errors()[-1]
    assert QnnTensor.QnnTensor_createContextTensor(api.context, make_tensor("shared", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))) == 0
    assert QnnTensor.QnnTensor_createGraphTensor(g2, make_tensor("shared", QNN_TENSOR_TYPE_NATIVE, F32, (1,))) == \
        QnnTensor.QNN_TENSOR_ERROR_ALREADY_EXISTS


def test_error_messages_name_the_code_and_say_what_was_wrong():
    from qnnpy import QnnContext, QnnError
    assert QnnContext.QnnContext_free(0xBAD, None) == QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE
    err, text = QnnError.QnnError_getMessage(QnnContext.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    assert err == 0 and text.startswith("QNN_CONTEXT_ERROR_INVALID_HANDLE: QnnContext_free: 0xbad")
    assert QnnError.QnnError_getVerboseMessage(5002) == (0, text)
    assert QnnError.QnnError_getMessage(0) == (0, "QNN_SUCCESS")
    # the real backend's answers for a code no API returns and for a wrong argument
    assert QnnError.QnnError_getMessage(12345)[0] == QnnError.QNN_ERROR_INVALID_ERROR_HANDLE == 10001
    assert QnnError.QnnError_getMessage("5002")[0] == QnnError.QNN_ERROR_INVALID_ARGUMENT
    assert QnnError.QnnError_freeVerboseMessage(text) == 0
    assert QnnError.QnnError_freeVerboseMessage(5) == QnnError.QNN_ERROR_INVALID_ARGUMENT
