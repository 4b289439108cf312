"""Calls that used to succeed, or fail with GENERAL, on invalid Python arguments: each now
gets its namespace's precise code and changes nothing."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnDevice, QnnLog, QnnProfile, _handles
from qnnpy.QnnDevice import QnnDevice_Error_t
from qnnpy.QnnLog import QnnLog_Error_t
from qnnpy.QnnProfile import (QNN_PROFILE_CONFIG_OPTION_MAX_EVENTS, QNN_PROFILE_LEVEL_BASIC, QnnProfile_Config_t,
                              QnnProfile_Error_t)


def test_log_level_must_be_a_level_not_a_bool():
    _, logger = QnnLog.QnnLog_create(None, 3)
    assert QnnLog.QnnLog_setLogLevel(logger, True) == QnnLog_Error_t.QNN_LOG_ERROR_INVALID_ARGUMENT
    assert QnnLog.QnnLog_create(None, True)[0] == QnnLog_Error_t.QNN_LOG_ERROR_INVALID_ARGUMENT
    QnnLog.QnnLog_free(logger)


def test_profile_set_config_is_all_or_nothing_and_checks_counts():
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, profile = QnnProfile.QnnProfile_create(backend, QNN_PROFILE_LEVEL_BASIC)
    obj = _handles.get(profile, "profile")
    before = obj.max_events
    five = QnnProfile_Config_t(QNN_PROFILE_CONFIG_OPTION_MAX_EVENTS, numMaxEvents=5)
    assert QnnProfile.QnnProfile_setConfig(profile, [five, QnnProfile_Config_t(99)]) == \
        QnnProfile_Error_t.QNN_PROFILE_ERROR_UNSUPPORTED
    assert obj.max_events == before  # the first item did not stick
    for bad in (-5, 2.7, True, "5"):
        config = QnnProfile_Config_t(QNN_PROFILE_CONFIG_OPTION_MAX_EVENTS, numMaxEvents=bad)
        assert QnnProfile.QnnProfile_setConfig(profile, [config]) == QnnProfile_Error_t.QNN_PROFILE_ERROR_INVALID_ARGUMENT
    assert QnnProfile.QnnProfile_setConfig(profile, [five, None]) == 0 and obj.max_events == 5  # C's terminator
    assert QnnProfile.QnnProfile_setConfig(profile, np.zeros(3)) == QnnProfile_Error_t.QNN_PROFILE_ERROR_INVALID_ARGUMENT
    assert QnnProfile.QnnProfile_getEventData({})[0] == QnnProfile_Error_t.QNN_PROFILE_ERROR_INVALID_HANDLE
    QnnBackend.QnnBackend_free(backend)


def test_platform_info_needs_a_real_logger():
    for garbage in (True, b"\x00", 0x5A000, np.zeros(2)):
        assert QnnDevice.QnnDevice_getPlatformInfo(garbage)[0] == QnnDevice_Error_t.QNN_DEVICE_ERROR_INVALID_HANDLE
    assert QnnDevice.QnnDevice_getPlatformInfo(None)[0] == 0
    assert QnnDevice.QnnDevice_create(None, np.zeros(3))[0] == QnnDevice_Error_t.QNN_DEVICE_ERROR_INVALID_CONFIG


def test_section_type_must_be_an_int():
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, context = QnnContext.QnnContext_create(backend, None, None)
    for section in (True, 1.0, "1"):
        assert QnnContext.QnnContext_applyBinarySection(context, None, section, None, None, None) == \
            QnnContext.QnnContext_Error_t.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
    QnnBackend.QnnBackend_free(backend)


def test_freed_handle_bookkeeping_is_bounded():
    for _ in range(_handles.DEAD_REMEMBERED + 100):
        _, logger = QnnLog.QnnLog_create(None, 1)
        QnnLog.QnnLog_free(logger)
    assert len(_handles._dead) <= _handles.DEAD_REMEMBERED
    assert QnnLog.QnnLog_setLogLevel(logger, 2) == QnnLog_Error_t.QNN_LOG_ERROR_INVALID_HANDLE


def test_a_parameter_tensor_must_be_static(api):
    from qnnpy import QnnGraph
    from qnnpy.builder import GraphBuilder, _param
    from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE,
                                QNN_TENSOR_TYPE_NATIVE, Qnn_OpConfig_t, Qnn_OpConfigV1_t)
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (2, 3))
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, (3, 2))
    perm = _param("perm", np.array([1, 0], np.uint32))
    perm.tensorParam.v2.type = QNN_TENSOR_TYPE_NATIVE
    op = Qnn_OpConfig_t(v1=Qnn_OpConfigV1_t("t", "qti.aisw", "Transpose", 1, [perm], 1, [x], 1, [y]))
    assert QnnGraph.QnnGraph_addNode(graph, op) == QnnGraph.QnnGraph_Error_t.QNN_GRAPH_ERROR_INVALID_OP_CONFIG
    assert any("must be a STATIC INT_32/UINT_32 tensor" in line for line in api.errors())


def test_device_configs_are_all_checked_then_said_to_have_no_effect(api):
    from qnnpy.QnnDevice import QnnDevice_Config_t, QnnDevice_ConfigOption_t as Option
    custom = QnnDevice_Config_t(Option.QNN_DEVICE_CONFIG_OPTION_CUSTOM)
    platform = QnnDevice_Config_t(Option.QNN_DEVICE_CONFIG_OPTION_PLATFORM_INFO)
    # a bad config after a good one: refused, and nothing is reported as accepted
    err, _ = QnnDevice.QnnDevice_create(api.log, [custom, QnnDevice_Config_t(), None])
    assert err == QnnDevice_Error_t.QNN_DEVICE_ERROR_INVALID_CONFIG
    assert not [line for _, line in api.lines if "accepted" in line]
    err, device = QnnDevice.QnnDevice_create(api.log, [custom, platform, custom, None])
    assert err == 0
    said = [line for level, line in api.lines if level == QnnLog.QNN_LOG_LEVEL_INFO and "device config" in line]
    assert len(said) == 2 and "CUSTOM" in said[0] and "PLATFORM_INFO" in said[1] and "no effect" in said[0]
    assert QnnDevice.QnnDevice_free(device) == 0
