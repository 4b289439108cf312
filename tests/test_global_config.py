"""QnnGlobalConfig_Set as the real backend answers it (measured through its table; the C harness
tests/c/conformance.c compares the two from C): each option once, before the first backend;
bad values are INVALID_CONFIG and nothing of a refused list is applied; a SoC without an HTP is
taken and then fails backend creation."""
import pytest

from qnnpy import QnnBackend, QnnGlobalConfig as G, QnnLog
from qnnpy.QnnCommon import QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
from qnnpy.QnnTypes import QNN_SOC_MODEL_SDM845, QNN_SOC_MODEL_SM8650

SOC, MACHINE = G.QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL, G.QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE
INVALID = G.QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG


class Lines(list):
    logger = None


@pytest.fixture
def fresh_process(monkeypatch):
    """The state of a process that has made no QNN call yet; returns the log lines."""
    monkeypatch.setattr(G, "SETTINGS", {})
    monkeypatch.setattr(G, "_LOCKED", {"why": ""})
    lines = Lines()
    err, logger = QnnLog.QnnLog_create(lambda fmt, level, ts, args: lines.append((level, fmt % args)), 5)
    assert err == 0
    lines.logger = logger
    yield lines
    QnnLog.QnnLog_free(logger)


def soc(number):
    return G.QnnGlobalConfig_t(SOC, socModel=number)


def machine(kind):
    return G.QnnGlobalConfig_t(MACHINE, machineType=kind)


def test_each_option_once_and_the_last_of_a_list_wins(fresh_process):
    assert G.QnnGlobalConfig_Set(None) == 0 and G.QnnGlobalConfig_Set([None]) == 0
    assert G.QnnGlobalConfig_Set([soc(QNN_SOC_MODEL_SDM845), soc(QNN_SOC_MODEL_SM8650), None]) == 0
    assert G.SETTINGS == {SOC: QNN_SOC_MODEL_SM8650}
    assert G.QnnGlobalConfig_Set([soc(QNN_SOC_MODEL_SM8650)]) == QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
    assert "already set" in fresh_process[-1][1]
    assert G.QnnGlobalConfig_Set([machine(G.QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_DEVICE)]) == 0
    assert G.SETTINGS == {SOC: QNN_SOC_MODEL_SM8650, MACHINE: 1}


@pytest.mark.parametrize("bad", [machine(5), machine(True), G.QnnGlobalConfig_t(7), G.QnnGlobalConfig_t(),
                                 soc(-1), soc(2 ** 31), soc(57.0), "not a config"])
def test_a_bad_item_refuses_the_whole_list(fresh_process, bad):
    assert G.QnnGlobalConfig_Set([soc(QNN_SOC_MODEL_SM8650), bad]) == INVALID
    assert G.SETTINGS == {} and fresh_process[-1][0] == QnnLog.QNN_LOG_LEVEL_ERROR
    assert G.QnnGlobalConfig_Set([soc(QNN_SOC_MODEL_SM8650)]) == 0  # the refused list applied nothing


def test_not_a_list_is_invalid(fresh_process):
    assert G.QnnGlobalConfig_Set(soc(QNN_SOC_MODEL_SM8650)) == INVALID


def test_too_late_once_a_backend_exists(fresh_process):
    err, backend = QnnBackend.QnnBackend_create(None, None)
    assert err == 0
    try:
        assert G.QnnGlobalConfig_Set([machine(0)]) == QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
        assert "QnnBackend_create came first" in fresh_process[-1][1] and G.SETTINGS == {}
    finally:
        QnnBackend.QnnBackend_free(backend)


@pytest.mark.parametrize("number", [QNN_SOC_MODEL_SDM845, 14, 999])
def test_a_soc_without_an_htp_is_taken_then_fails_backend_creation(fresh_process, number):
    assert G.QnnGlobalConfig_Set([soc(number)]) == 0
    assert any(level == QnnLog.QNN_LOG_LEVEL_WARN and "CANNOT_INITIALIZE" in line for level, line in fresh_process)
    err, backend = QnnBackend.QnnBackend_create(fresh_process.logger, None)
    assert (err, backend) == (QnnBackend.QNN_BACKEND_ERROR_CANNOT_INITIALIZE, None)
    assert f"SoC model {number}" in [line for level, line in fresh_process if level == 1][-1]


def test_a_soc_with_an_htp_creates_backends(fresh_process):
    assert G.QnnGlobalConfig_Set([soc(QNN_SOC_MODEL_SM8650)]) == 0
    err, backend = QnnBackend.QnnBackend_create(None, None)
    assert err == 0
    QnnBackend.QnnBackend_free(backend)
