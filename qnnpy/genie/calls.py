"""What every Genie entry point shares (qnnpy.GenieDialog, qnnpy.GenieSampler): a refusal is
its Genie_Status_t plus one log line, an internal fault GENERAL with a line saying it is a qnnpy
bug, and no exception ever reaches the caller."""
import functools

from qnnpy import _handles, _log
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie import config as schema
from qnnpy.genie.dialog import DialogError

JSON_STATUS = {"format": S.GENIE_STATUS_ERROR_JSON_FORMAT, "schema": S.GENIE_STATUS_ERROR_JSON_SCHEMA,
                "value": S.GENIE_STATUS_ERROR_JSON_VALUE}  # a ConfigError's kind -> its status


class Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def api(outputs: int = 0):
    """A Genie entry point: a refusal is its status plus one log line; an internal fault is
    GENERAL with a line saying it is a qnnpy bug."""
    def wrap(fn):
        @functools.wraps(fn)
        def call(*args):
            _log.genie_route(None)
            try:
                result = fn(*args)
            except (Refused, DialogError) as err:
                _log.emit(_log.ERROR, f"{fn.__name__}: {err.message}")
                return err.status if not outputs else (err.status,) + (None,) * outputs
            except Exception as err:  # never let an internal fault reach the client
                _log.emit(_log.ERROR, f"{fn.__name__}: internal error ({type(err).__name__}: {err}); this is a qnnpy "
                                      "bug, please report it")
                return S.GENIE_STATUS_ERROR_GENERAL if not outputs else (S.GENIE_STATUS_ERROR_GENERAL,) + (None,) * outputs
            finally:
                _log.genie_route(None)
            return result
        return call
    return wrap


def need_enum(value, enum, what: str):
    """``value`` as a member of ``enum``; anything else (another type, an array) INVALID_ARGUMENT."""
    if not isinstance(value, int) or isinstance(value, bool) or value not in enum._value2member_map_:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{what} {value!r} is not a {enum.__name__} "
                                                              f"({sorted(m.value for m in enum)})")
    return enum(value)


def need_uint32(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2 ** 32:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{what} {value!r} is not a uint32")
    return value


def need_str(value, what: str) -> str:
    if not isinstance(value, str):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{what} must be a string, got {type(value).__name__}")
    return value


def live(handle, kind: str):
    obj = _handles.get(handle, kind)
    if obj is None:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_HANDLE, f"{handle!r} is not a live {kind} handle")
    _log.genie_route(getattr(obj, "logger", None))  # a dialog's lines also go to the logger its config had
    return obj


def config_handle(text, parse, kind: str):
    """A ``*Config_createFromJson`` body: the text parsed and checked by ``parse``, a handle
    of ``kind`` to the result; NULL is INVALID_ARGUMENT, a bad JSON its JSON_* status."""
    if text is None:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the JSON string is NULL")
    try:
        parsed = parse(text)
    except schema.ConfigError as err:
        raise Refused(JSON_STATUS[err.kind], err.message) from None
    return S.GENIE_STATUS_SUCCESS, _handles.new(kind, parsed)
