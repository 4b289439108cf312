"""Where every log line goes: the QnnLog callbacks of the backend in use, the Genie logger of
the Genie call running, and Python logging.

A call that can be tied to a backend (through any handle it names) logs to that backend's
logger only; a call that cannot (a foreign handle, say) logs to every live logger, so the
line is never lost.
"""
import logging
import threading
import time

from qnnpy.QnnCommon import QNN_GET_ERROR_CODE

ERROR, WARN, INFO, VERBOSE, DEBUG = 1, 2, 3, 4, 5
_PY_LEVELS = {ERROR: logging.ERROR, WARN: logging.WARNING, INFO: logging.INFO,
              VERBOSE: logging.DEBUG, DEBUG: logging.DEBUG}
py_logger = logging.getLogger("qnnpy")
py_logger.addHandler(logging.NullHandler())  # a library: the application decides where lines go


class Logger:
    """State behind a Qnn_LogHandle_t."""

    def __init__(self, callback, max_level: int):
        self.callback = callback
        self.max_level = max_level
        self.alive = True


_all_loggers: list[Logger] = []
_route = threading.local()
_genie = threading.local()  # .logger: the Genie logger (qnnpy.GenieLog) of the Genie call running on this thread
_failures: dict[int, str] = {}  # error code -> the last line logged for a failure with it (QnnError.h)


def failure(code: int, line: str) -> None:
    """Log the line that explains a failed call, and keep it as that code's message."""
    emit(ERROR, line)
    _failures[QNN_GET_ERROR_CODE(code)] = line


def last_failure(code: int) -> str | None:
    return _failures.get(code)


def register(logger: Logger) -> None:
    _all_loggers.append(logger)


def unregister(logger: Logger) -> None:
    logger.alive = False
    _all_loggers.remove(logger)


def begin_call() -> None:
    _route.logger = None
    _route.routed = False


def route_to(logger: "Logger | None") -> None:
    """Tie the current call to one backend's logger (None: that backend has no logger)."""
    _route.logger = logger
    _route.routed = True


def genie_route(logger) -> None:
    """Also send this thread's lines to a Genie logger (one a dialog's config was bound to),
    until called again with None."""
    _genie.logger = logger


def emit(level: int, message: str) -> None:
    py_logger.log(_PY_LEVELS.get(level, logging.DEBUG), message)
    if getattr(_route, "routed", False):
        targets = [_route.logger] if _route.logger is not None else []
    else:
        targets = list(_all_loggers)
    stamp = time.monotonic_ns() // 1000
    for logger in targets:
        if logger.alive and logger.callback is not None and level <= logger.max_level:
            try:
                logger.callback("%s", level, stamp, (message,))
            except Exception:  # a client callback must never break the call that logs
                py_logger.exception("QnnLog callback raised")
    genie = getattr(_genie, "logger", None)
    if genie is not None:
        genie.deliver(level, stamp, message)
