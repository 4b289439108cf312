"""The calling convention every public function shares (see docs/architecture.md).

A public function body returns its C out-parameters (nothing, one value or a tuple) or
raises QnnError; the ``qnn_api`` wrapper turns that into ``error`` or ``(error, out...)``,
logs one line per failure, and makes sure no exception escapes. One lock serialises calls,
which is what makes the API safe to use from several threads (and C threads via the shim);
the signal functions alone run beside it (``serialized=False``), since aborting a running
call is what they are for.
"""
import contextlib
import functools
import threading

from qnnpy import _handles, _log
from qnnpy.QnnCommon import QNN_COMMON_ERROR_GENERAL

_call_lock = threading.RLock()
_UNLOCKED = contextlib.nullcontext()


class QnnError(Exception):
    """A failed call: the QNN error code and the one log line that explains it."""

    def __init__(self, code, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def fail(code, message: str):
    raise QnnError(code, message)


def config_list(config, err, what: str) -> list:
    """A C config array as Python passes it: None (NULL), or a list / tuple of configs that
    may end with None (C's terminator). Anything else, or a None before the end, gets ``err``
    and one line naming ``what``; callers check every item before applying any."""
    if _handles.is_null(config):
        return []
    if not isinstance(config, (list, tuple)):
        fail(err, f"{what} must be None or a list, got {type(config).__name__}")
    items = list(config)
    if items and items[-1] is None:
        items.pop()
    if any(item is None for item in items):
        fail(err, f"{what} has a None entry before its end")
    return items


def qnn_api(success, outputs: int = 0, serialized: bool = True):
    """Wrap a public function: ``success`` is its namespace's NO_ERROR member."""

    def wrap(fn):
        name = fn.__name__

        def failed(code):
            return code if outputs == 0 else (code,) + (None,) * outputs

        @functools.wraps(fn)
        def call(*args, **kwargs):
            with _call_lock if serialized else _UNLOCKED:
                _log.begin_call()
                try:
                    result = fn(*args, **kwargs)
                except QnnError as err:
                    _log.failure(int(err.code), f"{name}: {err.message}")
                    return failed(err.code)
                except Exception as err:  # never let an internal fault escape to the client
                    _log.py_logger.debug("internal error in %s", name, exc_info=True)
                    _log.failure(int(QNN_COMMON_ERROR_GENERAL), f"{name}: internal error ({type(err).__name__}: "
                                 f"{err}); this is a qnnpy bug, please report it with this line")
                    return failed(QNN_COMMON_ERROR_GENERAL)
            if outputs == 0:
                return success
            if outputs == 1:
                return success, result
            return (success,) + tuple(result)

        return call

    return wrap
