"""GenieLog.h: a logger a dialog's config is bound to (GenieDialogConfig_bindLogger), so that
the lines qnnpy writes during that dialog's calls — refusals, warnings, the backend's lines —
also reach the client's callback, up to the level it asked for.

``callback(logHandle, fmt, level, timestamp, args)`` mirrors the C callback: ``fmt`` is a
printf format ("%s") and ``args`` the values it formats (in C, a va_list), ``timestamp`` a
monotonic microsecond count. A NULL callback writes the lines to stderr, Genie's "default
system logger". Codes as measured on the real libGenie.so: a level outside ERROR..VERBOSE, a
non-NULL config (a placeholder that must be NULL) or no out-pointer INVALID_ARGUMENT; a
second bindLogger replaces the first; freeing a logger a config is bound to succeeds (its
lines stop), a second free is INVALID_HANDLE.
"""
import sys
from enum import IntEnum

from qnnpy import _handles
from qnnpy._enum import export
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie.calls import Refused, api, live, need_enum

LOG = "GenieLog"


class GenieLog_Level_t(IntEnum):
    GENIE_LOG_LEVEL_ERROR = 1
    GENIE_LOG_LEVEL_WARN = 2
    GENIE_LOG_LEVEL_INFO = 3
    GENIE_LOG_LEVEL_VERBOSE = 4


export(GenieLog_Level_t, globals())


class GenieLogger:
    def __init__(self, callback, max_level: int):
        self.callback, self.max_level, self.alive, self.handle = callback, max_level, True, None

    def deliver(self, level: int, stamp: int, message: str) -> None:
        """One of qnnpy's lines (its levels are Genie's, DEBUG beyond VERBOSE)."""
        if not self.alive or level > self.max_level:
            return
        if self.callback is None:
            print(f"[{GenieLog_Level_t(level).name.rsplit('_', 1)[1]}] {message}", file=sys.stderr)
            return
        try:
            self.callback(self.handle, "%s", GenieLog_Level_t(level), stamp, (message,))
        except Exception:  # the client's code must not break the call that logs
            print(f"qnnpy: the Genie log callback raised on: {message}", file=sys.stderr)


@api(outputs=1)
def GenieLog_create(configHandle, callback, logLevel):
    if not _handles.is_null(configHandle):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "configHandle is a placeholder and must be NULL")
    if callback is not None and not callable(callback):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the callback is not callable")
    logger = GenieLogger(callback, int(need_enum(logLevel, GenieLog_Level_t, "log level")))
    logger.handle = _handles.new(LOG, logger)
    return S.GENIE_STATUS_SUCCESS, logger.handle


@api()
def GenieLog_free(logHandle):
    live(logHandle, LOG).alive = False
    _handles.free(logHandle)
    return S.GENIE_STATUS_SUCCESS
