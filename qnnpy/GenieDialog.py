"""GenieDialog.h: text generation on qnnpy's emulated HTP with Genie's dialog API.

Functions keep the C names and argument order; out-parameters come back after the status, as
in the rest of qnnpy's API: ``status, handle = GenieDialog_create(config)``. A None where C
passes NULL, or an argument of the wrong Python type, gets the code Genie gives a NULL or bad
argument, with one log line; no exception escapes. Codes follow Genie's own dialog entry
points: a bad handle is INVALID_HANDLE, a missing string or callback INVALID_ARGUMENT, text
that is not JSON JSON_FORMAT, an unknown or missing key JSON_SCHEMA, a bad value JSON_VALUE,
a failed create, apply or strength GENERAL. A query that fills the context ends its stream
with END and returns WARNING_CONTEXT_EXCEEDED; a query that fails otherwise ends it with ABORT.
"""
import functools
from enum import IntEnum

from qnnpy import _handles, _log
from qnnpy._enum import export
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie import config as schema
from qnnpy.genie.dialog import Dialog, DialogError
from qnnpy.genie.engine import EngineError

CONFIG, DIALOG = "GenieDialogConfig", "GenieDialog"


class GenieDialog_SentenceCode_t(IntEnum):
    GENIE_DIALOG_SENTENCE_COMPLETE = 0
    GENIE_DIALOG_SENTENCE_BEGIN = 1
    GENIE_DIALOG_SENTENCE_CONTINUE = 2
    GENIE_DIALOG_SENTENCE_END = 3
    GENIE_DIALOG_SENTENCE_ABORT = 4
    GENIE_DIALOG_SENTENCE_REWIND = 5
    GENIE_DIALOG_SENTENCE_RESUME = 6


class GenieDialog_Param_t(IntEnum):
    GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY = 0
    GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER = 1


export(GenieDialog_SentenceCode_t, globals())
export(GenieDialog_Param_t, globals())
SC = GenieDialog_SentenceCode_t


class _Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _api(outputs: int = 0):
    """A Genie entry point: a refusal is its status plus one log line; an internal fault is
    GENERAL with a line saying it is a qnnpy bug."""
    def wrap(fn):
        @functools.wraps(fn)
        def call(*args):
            try:
                result = fn(*args)
            except (_Refused, DialogError) as err:
                _log.emit(_log.ERROR, f"{fn.__name__}: {err.message}")
                return err.status if not outputs else (err.status,) + (None,) * outputs
            except Exception as err:  # never let an internal fault reach the client
                _log.emit(_log.ERROR, f"{fn.__name__}: internal error ({type(err).__name__}: {err}); this is a qnnpy "
                                      "bug, please report it")
                return S.GENIE_STATUS_ERROR_GENERAL if not outputs else (S.GENIE_STATUS_ERROR_GENERAL,) + (None,) * outputs
            return result
        return call
    return wrap


def _need_str(value, what: str) -> str:
    if not isinstance(value, str):
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{what} must be a string, got {type(value).__name__}")
    return value


def _get(handle, kind: str):
    obj = _handles.get(handle, kind)
    if obj is None:
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_HANDLE, f"{handle!r} is not a live {kind} handle")
    return obj


def _dialog_for(handle, engine) -> Dialog:
    dialog = _get(handle, DIALOG)
    role = schema.ROLES.get(_need_str(engine, "engine"))
    if role is None:
        raise _Refused(S.GENIE_STATUS_ERROR_JSON_SCHEMA,
                       f"engine role '{engine}' is not one of {sorted(schema.ROLES)}")
    if role != "primary":
        raise _Refused(S.GENIE_STATUS_ERROR_GENERAL, f"the dialog has no {engine} engine")
    return dialog


@_api(outputs=1)
def GenieDialogConfig_createFromJson(str_):
    if str_ is None:
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the JSON string is NULL")
    try:
        cfg = schema.parse(str_)
    except schema.ConfigError as err:
        status = {"format": S.GENIE_STATUS_ERROR_JSON_FORMAT, "schema": S.GENIE_STATUS_ERROR_JSON_SCHEMA,
                  "value": S.GENIE_STATUS_ERROR_JSON_VALUE}[err.kind]
        raise _Refused(status, err.message) from None
    return S.GENIE_STATUS_SUCCESS, _handles.new(CONFIG, cfg)


@_api()
def GenieDialogConfig_free(configHandle):
    _get(configHandle, CONFIG)
    _handles.free(configHandle)
    return S.GENIE_STATUS_SUCCESS


@_api(outputs=1)
def GenieDialog_create(configHandle):
    cfg = _get(configHandle, CONFIG)
    return S.GENIE_STATUS_SUCCESS, _handles.new(DIALOG, Dialog(cfg, S))


_PIECES = {code: code.name.rsplit("_", 1)[1] for code in SC}


@_api()
def GenieDialog_query(dialogHandle, queryStr, sentenceCode, callback, userData):
    """``callback(response, sentenceCode, userData)`` receives the reply as it grows."""
    dialog = _get(dialogHandle, DIALOG)
    if not isinstance(sentenceCode, int) or isinstance(sentenceCode, bool) or sentenceCode not in SC._value2member_map_:
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"sentence code {sentenceCode!r} is not a "
                                                              "GenieDialog_SentenceCode_t")
    if not callable(callback):
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the callback is NULL or not callable")
    text = _need_str(queryStr, "queryStr")

    def emit(piece, code):
        callback(piece, SC(code), userData)
    try:
        return dialog.query(text, emit, _PIECES[sentenceCode])
    except DialogError as err:
        emit("", SC.GENIE_DIALOG_SENTENCE_END if err.status == S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED
             else SC.GENIE_DIALOG_SENTENCE_ABORT)
        raise
    except EngineError as err:
        emit("", SC.GENIE_DIALOG_SENTENCE_ABORT)
        raise _Refused(S.GENIE_STATUS_ERROR_QUERY_FAILED, str(err)) from None


@_api()
def GenieDialog_reset(dialogHandle):
    _get(dialogHandle, DIALOG).reset()
    return S.GENIE_STATUS_SUCCESS


@_api()
def GenieDialog_applyLora(dialogHandle, engine, loraAdapterName):
    dialog = _dialog_for(dialogHandle, engine)
    dialog.apply_lora(_need_str(loraAdapterName, "loraAdapterName"))
    return S.GENIE_STATUS_SUCCESS


@_api()
def GenieDialog_releaseLoraMemory(dialogHandle, engine, loraAdapterName):
    """Forget an adapter applied before (its section bytes are dropped; applying it again
    reads its files again). Measured on the real libGenie.so: an adapter never applied is
    GENERAL; releasing the current one leaves APPLIED_LORA_ADAPTER "" (its weights stay in
    the graphs here; the real library's next query then failed); an unknown role is GENERAL."""
    dialog = _get(dialogHandle, DIALOG)
    role = schema.ROLES.get(_need_str(engine, "engine"))
    name = _need_str(loraAdapterName, "loraAdapterName")
    if role != "primary":
        raise _Refused(S.GENIE_STATUS_ERROR_GENERAL, f"the dialog has no '{engine}' engine")
    dialog.release_lora(name)
    return S.GENIE_STATUS_SUCCESS


@_api()
def GenieDialog_setLoraStrength(dialogHandle, engine, tensorName, alpha):
    dialog = _dialog_for(dialogHandle, engine)
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"alpha must be a number, got {alpha!r}")
    dialog.set_lora_strength(_need_str(tensorName, "tensorName"), float(alpha))
    return S.GENIE_STATUS_SUCCESS


@_api()
def GenieDialog_setMaxNumTokens(dialogHandle, maxNumTokens):
    dialog = _get(dialogHandle, DIALOG)
    if not isinstance(maxNumTokens, int) or isinstance(maxNumTokens, bool) or not 0 <= maxNumTokens < 2 ** 32:
        raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"maxNumTokens {maxNumTokens!r} is not a uint32")
    dialog.max_tokens = maxNumTokens
    return S.GENIE_STATUS_SUCCESS


@_api(outputs=1)
def GenieDialog_getValue(dialogHandle, key):
    """CONTEXT_OCCUPANCY: the positions in use (an int); APPLIED_LORA_ADAPTER: the adapter's
    name, "" for none (a str)."""
    dialog = _get(dialogHandle, DIALOG)
    if key == GenieDialog_Param_t.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY:
        return S.GENIE_STATUS_SUCCESS, dialog.engine.filled
    if key == GenieDialog_Param_t.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER:
        return S.GENIE_STATUS_SUCCESS, dialog.applied
    raise _Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{key!r} is not a GenieDialog_Param_t")


@_api()
def GenieDialog_free(dialogHandle):
    dialog = _get(dialogHandle, DIALOG)
    _handles.free(dialogHandle)
    dialog.free()
    return S.GENIE_STATUS_SUCCESS
