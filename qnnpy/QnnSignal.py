"""QnnSignal.h: abort and timeout control of a running call.

A signal is created with ABORT and/or TIMEOUT configs and handed to one call at a time
(QnnGraph_execute / executeAsync, QnnGraph_finalize, QnnContext_createFromBinaryWithSignal).
The emulator checks it between nodes: QnnSignal_trigger from another thread stops the call
with ABORTED, and a call running past its timeout stops with TIMED_OUT; a stopped execute
writes no output. A signal in use by one call is refused to another (SIGNAL_IN_USE), and can
be neither reconfigured nor freed until the call returns. The signal functions run beside
the lock that serialises the other calls (qnnpy._api), so they reach a running call.
"""
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum

from qnnpy import _handles, _lookup
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export


class QnnSignal_Error_t(IntEnum):
    QNN_SIGNAL_MIN_ERROR = 9000
    QNN_SIGNAL_NO_ERROR = 0
    QNN_SIGNAL_ERROR_UNSUPPORTED = 1000
    QNN_SIGNAL_ERROR_MEM_ALLOC = 1002
    QNN_SIGNAL_ERROR_SIGNAL_IN_USE = 9000
    QNN_SIGNAL_ERROR_SIGNAL_IDLE = 9001
    QNN_SIGNAL_ERROR_INVALID_ARGUMENT = 9002
    QNN_SIGNAL_ERROR_INVALID_HANDLE = 9003
    QNN_SIGNAL_ERROR_TIMEOUT = 9004
    QNN_SIGNAL_ERROR_INCOMPATIBLE_SIGNAL_TYPE = 9005
    QNN_SIGNAL_MAX_ERROR = 9999
    QNN_SIGNAL_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnSignal_ConfigOption_t(IntEnum):
    QNN_SIGNAL_CONFIG_OPTION_CUSTOM = 0
    QNN_SIGNAL_CONFIG_OPTION_ABORT = 1
    QNN_SIGNAL_CONFIG_OPTION_TIMEOUT = 2
    QNN_SIGNAL_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnSignal_Error_t, QnnSignal_ConfigOption_t):
    export(_enum, globals())
E = QnnSignal_Error_t
O = QnnSignal_ConfigOption_t
_OK = E.QNN_SIGNAL_NO_ERROR


@dataclass(slots=True)
class QnnSignal_Config_t:
    option: int = O.QNN_SIGNAL_CONFIG_OPTION_UNDEFINED
    customConfig: object = None
    timeoutDurationUs: int = 0


def QNN_SIGNAL_CONFIG_INIT() -> QnnSignal_Config_t:
    return QnnSignal_Config_t()


class Signal:
    def __init__(self):
        self.abort = False
        self.timeout_us: int | None = None
        self.lock = threading.Lock()
        self.busy = False
        self.triggered = False
        self.deadline: float | None = None


def _signal(handle) -> Signal:
    obj = _handles.get(handle, _lookup.SIGNAL)
    if obj is None:
        fail(E.QNN_SIGNAL_ERROR_INVALID_HANDLE, _lookup._why(handle, "signal", "QnnSignal_create"))
    return obj


def _settings(config) -> tuple[bool, int | None]:
    abort, timeout = False, None
    for item in config_list(config, E.QNN_SIGNAL_ERROR_INVALID_ARGUMENT, "config"):
        if not isinstance(item, QnnSignal_Config_t):
            fail(E.QNN_SIGNAL_ERROR_INVALID_ARGUMENT, f"{item!r} is not a QnnSignal_Config_t")
        if item.option == O.QNN_SIGNAL_CONFIG_OPTION_ABORT:
            abort = True
        elif item.option == O.QNN_SIGNAL_CONFIG_OPTION_TIMEOUT:
            us = item.timeoutDurationUs
            if not isinstance(us, int) or isinstance(us, bool) or not 0 < us < 1 << 64:
                fail(E.QNN_SIGNAL_ERROR_INVALID_ARGUMENT, f"timeoutDurationUs must be a positive uint64, got {us!r}")
            timeout = us
        elif item.option == O.QNN_SIGNAL_CONFIG_OPTION_CUSTOM:
            fail(E.QNN_SIGNAL_ERROR_UNSUPPORTED, "the emulated HTP has no custom signal configs")
        else:
            fail(E.QNN_SIGNAL_ERROR_INVALID_ARGUMENT, f"signal config option {item.option!r} is unknown")
    return abort, timeout


@qnn_api(_OK, outputs=1, serialized=False)
def QnnSignal_create(backend, config):
    _lookup.backend(backend, E.QNN_SIGNAL_ERROR_INVALID_HANDLE)
    signal = Signal()
    signal.abort, signal.timeout_us = _settings(config)
    return _handles.new(_lookup.SIGNAL, signal)


@qnn_api(_OK, serialized=False)
def QnnSignal_setConfig(signal, config):
    obj = _signal(signal)
    abort, timeout = _settings(config)  # all checked before anything changes
    with obj.lock:
        if obj.busy:
            fail(E.QNN_SIGNAL_ERROR_SIGNAL_IN_USE, "the signal is in use by a running call")
        obj.abort, obj.timeout_us = abort or obj.abort, timeout if timeout is not None else obj.timeout_us


@qnn_api(_OK, serialized=False)
def QnnSignal_trigger(signal):
    obj = _signal(signal)
    with obj.lock:
        if not obj.abort:
            fail(E.QNN_SIGNAL_ERROR_INCOMPATIBLE_SIGNAL_TYPE, "the signal was not created with the ABORT config")
        if not obj.busy:
            fail(E.QNN_SIGNAL_ERROR_SIGNAL_IDLE, "no call is using the signal; nothing to abort")
        obj.triggered = True


@qnn_api(_OK, serialized=False)
def QnnSignal_free(signal):
    obj = _signal(signal)
    with obj.lock:
        if obj.busy:
            fail(E.QNN_SIGNAL_ERROR_SIGNAL_IN_USE, "the signal is in use by a running call")
        _handles.free(signal)


@contextmanager
def watching(handle, err_in_use, err_handle, err_aborted, err_timed_out):
    """The signal (or None) for one call: yields a check the call runs between steps, which
    stops it with ``err_aborted`` / ``err_timed_out``. The caller's own codes, since each API
    family has its own."""
    if _handles.is_null(handle):
        yield None
        return
    obj = _handles.get(handle, _lookup.SIGNAL)
    if obj is None:
        fail(err_handle, _lookup._why(handle, "signal", "QnnSignal_create"))
    with obj.lock:
        if obj.busy:
            fail(err_in_use, "the signal is already in use by another call")
        obj.busy, obj.triggered = True, False
        obj.deadline = None if obj.timeout_us is None else time.monotonic() + obj.timeout_us / 1e6

    def check() -> None:
        if obj.triggered:
            fail(err_aborted, "aborted through QnnSignal_trigger")
        if obj.deadline is not None and time.monotonic() > obj.deadline:
            fail(err_timed_out, f"the signal's timeout ({obj.timeout_us} us) passed")
    try:
        yield check
    finally:
        with obj.lock:
            obj.busy, obj.triggered = False, False
