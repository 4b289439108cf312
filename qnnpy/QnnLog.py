"""QnnLog.h: loggers. The callback gets (fmt, level, timestamp, args) like the C va_list form;
qnnpy always passes fmt "%s" and args (message,), so ``fmt % args`` is the line."""
from enum import IntEnum

from qnnpy import _handles, _log, _lookup
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export


class QnnLog_Error_t(IntEnum):
    QNN_LOG_NO_ERROR = 0
    QNN_LOG_ERROR_MEM_ALLOC = 1002
    QNN_LOG_ERROR_INITIALIZATION = 11002
    QNN_LOG_ERROR_INVALID_ARGUMENT = 11003
    QNN_LOG_ERROR_INVALID_HANDLE = 11004
    QNN_LOG_MIN_ERROR = 11000
    QNN_LOG_MAX_ERROR = 11999
    QNN_LOG_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnLog_Level_t(IntEnum):
    QNN_LOG_LEVEL_ERROR = 1
    QNN_LOG_LEVEL_WARN = 2
    QNN_LOG_LEVEL_INFO = 3
    QNN_LOG_LEVEL_VERBOSE = 4
    QNN_LOG_LEVEL_DEBUG = 5
    QNN_LOG_LEVEL_MAX = 0x7FFFFFFF


export(QnnLog_Error_t, globals())
export(QnnLog_Level_t, globals())
_OK = QnnLog_Error_t.QNN_LOG_NO_ERROR


def _level(level):
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        fail(QnnLog_Error_t.QNN_LOG_ERROR_INVALID_ARGUMENT,
             f"log level {level!r} is not one of QNN_LOG_LEVEL_ERROR..QNN_LOG_LEVEL_DEBUG (1..5)")
    return int(level)


def _logger(handle):
    obj = _handles.get(handle, _lookup.LOG)
    if obj is None:
        fail(QnnLog_Error_t.QNN_LOG_ERROR_INVALID_HANDLE, _lookup._why(handle, "log", "QnnLog_create"))
    return obj


@qnn_api(_OK, outputs=1)
def QnnLog_create(callback, maxLogLevel):
    if callback is not None and not callable(callback):
        fail(QnnLog_Error_t.QNN_LOG_ERROR_INVALID_ARGUMENT, "callback must be callable or None")
    logger = _log.Logger(callback, _level(maxLogLevel))
    _log.register(logger)
    return _handles.new(_lookup.LOG, logger)


@qnn_api(_OK)
def QnnLog_setLogLevel(logger, maxLogLevel):
    obj = _logger(logger)
    obj.max_level = _level(maxLogLevel)


@qnn_api(_OK)
def QnnLog_free(logger):
    obj = _logger(logger)
    _log.unregister(obj)
    _handles.free(logger)
