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
import itertools
from enum import IntEnum

from qnnpy import _handles, _log
from qnnpy._enum import export
from qnnpy.GenieCommon import Genie_PerformancePolicy_t, Genie_Status_t as S
from qnnpy.genie import config as schema
from qnnpy.genie.calls import JSON_STATUS, Refused, api, config_handle, live, need_enum, need_str, need_uint32
from qnnpy.genie import profile as timing
from qnnpy.genie.dialog import Dialog, DialogError
from qnnpy.genie.engine import EngineError
from qnnpy.GenieLog import LOG
from qnnpy.GenieProfile import PROFILE
from qnnpy.GenieTokenizer import TOKENIZER

CONFIG, DIALOG, SAMPLER = "GenieDialogConfig", "GenieDialog", "GenieSampler"
SAMPLED_TOKENS = 2  # a GenieDialog_getValue key the real library answers and its header does not name
_bound: dict[int, dict] = {}  # config handle -> {"logger": GenieLogger, "profile": Profile} bound to it
_dialogs_made = itertools.count()  # a profile names a dialog by its number in the process ("dialog3")


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


class GenieDialog_Action_t(IntEnum):
    GENIE_DIALOG_ACTION_ABORT = 0x01
    GENIE_DIALOG_ACTION_PAUSE = 0x02


class GenieDialog_Priority_t(IntEnum):
    GENIE_DIALOG_PRIORITY_LOW = 0
    GENIE_DIALOG_PRIORITY_NORMAL = 100
    GENIE_DIALOG_PRIORITY_NORMAL_HIGH = 150
    GENIE_DIALOG_PRIORITY_HIGH = 200


for _enum in (GenieDialog_SentenceCode_t, GenieDialog_Param_t, GenieDialog_Action_t, GenieDialog_Priority_t):
    export(_enum, globals())
SC = GenieDialog_SentenceCode_t


def _dialog_for(handle, engine) -> Dialog:
    """The dialog, once ``engine`` names its primary engine: a role it lacks, or one Genie does
    not know, is GENERAL (measured on the real libGenie.so for applyLora, setLoraStrength,
    releaseLoraMemory and setPriority)."""
    dialog = live(handle, DIALOG)
    role = schema.ROLES.get(need_str(engine, "engine"))
    if role != "primary":
        known = "" if role else f" (the roles are {sorted(schema.ROLES)})"
        raise Refused(S.GENIE_STATUS_ERROR_GENERAL, f"the dialog has no '{engine}' engine{known}")
    return dialog


def _run(dialog, run, emit_end):
    """A query's body: a refusal ends the stream as Genie ends it (END when the context is
    full, ABORT otherwise) before its status is returned."""
    try:
        return run()
    except DialogError as err:
        emit_end(SC.GENIE_DIALOG_SENTENCE_END if err.status == S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED
                 else SC.GENIE_DIALOG_SENTENCE_ABORT)
        raise
    except EngineError as err:
        emit_end(SC.GENIE_DIALOG_SENTENCE_ABORT)
        raise Refused(S.GENIE_STATUS_ERROR_QUERY_FAILED, str(err)) from None


@api(outputs=1)
def GenieDialogConfig_createFromJson(str_):
    return config_handle(str_, schema.parse, CONFIG)


@api()
def GenieDialogConfig_free(configHandle):
    live(configHandle, CONFIG)
    _handles.free(configHandle)
    _bound.pop(configHandle, None)
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialogConfig_bindLogger(configHandle, logHandle):
    """Dialogs created from the config from now on log to the logger too (a second bind
    replaces the first)."""
    live(configHandle, CONFIG)
    _bound.setdefault(configHandle, {})["logger"] = live(logHandle, LOG)
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialogConfig_bindProfiler(configHandle, profileHandle):
    """Dialogs created from the config from now on report their timings to the profile."""
    live(configHandle, CONFIG)
    profile = live(profileHandle, PROFILE)
    _bound.setdefault(configHandle, {})["profile"] = profile
    profile.bound.add((configHandle, CONFIG))
    return S.GENIE_STATUS_SUCCESS


@api(outputs=1)
def GenieDialog_create(configHandle):
    cfg = live(configHandle, CONFIG)
    bound = _bound.get(configHandle, {})
    logger, profile = bound.get("logger"), bound.get("profile")
    _log.genie_route(logger)  # a freed logger takes no lines (GenieLogger.deliver)
    start = timing.now_us()
    dialog = Dialog(cfg, S)
    number = next(_dialogs_made)
    dialog.logger = logger
    handle = _handles.new(DIALOG, dialog)
    if profile is not None:
        dialog.timings = profile.component(f"dialog{number}")
        profile.bound.add((handle, DIALOG))
        timing.create_event(dialog.timings, start)
    return S.GENIE_STATUS_SUCCESS, handle


def _timed_query(dialog, run):
    """A query, reported to the dialog's profile when it ran (refused queries are not)."""
    start = timing.now_us()
    status = run()
    if dialog.timings is not None:
        timing.query_event(dialog.timings, start, dialog.stats)
    return status


_PIECES = {code: code.name.rsplit("_", 1)[1] for code in SC}


@api()
def GenieDialog_query(dialogHandle, queryStr, sentenceCode, callback, userData):
    """``callback(response, sentenceCode, userData)`` receives the reply as it grows."""
    dialog = live(dialogHandle, DIALOG)
    code = need_enum(sentenceCode, SC, "sentence code")
    if not callable(callback):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the callback is NULL or not callable")
    resume = code == SC.GENIE_DIALOG_SENTENCE_RESUME
    text = "" if resume and queryStr is None else need_str(queryStr, "queryStr")  # RESUME reads no text
    if resume and text and dialog.paused is None:  # measured: with no text it fails later, QUERY_FAILED
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "a RESUME query with text needs a paused query")

    def emit(piece, piece_code):
        callback(piece, SC(piece_code), userData)
    return _timed_query(dialog, lambda: _run(dialog, lambda: dialog.query(text, emit, _PIECES[code]),
                                             lambda end: emit("", end)))


@api()
def GenieDialog_tokenQuery(dialogHandle, inputTokens, numTokens, sentenceCode, callback, userData):
    """Token ids in, token ids out: ``callback(tokens, numTokens, sentenceCode, userData)``
    gets each generated token alone (BEGIN, then CONTINUE) and ``([], 0, END)`` to close. The
    first ``numTokens`` of ``inputTokens`` are fed (None only with 0). RESUME, with no tokens,
    continues a paused query (text or tokens); with tokens, or with nothing paused, it is
    INVALID_ARGUMENT — as the real libGenie.so answers."""
    dialog = live(dialogHandle, DIALOG)
    code = need_enum(sentenceCode, SC, "sentence code")
    need_uint32(numTokens, "numTokens")
    if code == SC.GENIE_DIALOG_SENTENCE_RESUME and (numTokens != 0 or dialog.paused is None):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "RESUME takes no tokens and needs a paused query")
    if not callable(callback):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "the callback is NULL or not callable")
    try:
        tokens = [] if numTokens == 0 else [int(t) for t in list(inputTokens)[:numTokens]]
    except (TypeError, ValueError):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "inputTokens is not a sequence of token ids") from None
    if len(tokens) != numTokens:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"numTokens is {numTokens} but inputTokens holds "
                                                              f"{len(tokens)}")

    def emit(out, piece_code):
        callback(out, len(out), SC(piece_code), userData)
    return _timed_query(dialog, lambda: _run(dialog, lambda: dialog.token_query(tokens, emit, _PIECES[code]),
                                             lambda end: emit([], end)))


@api()
def GenieDialog_save(dialogHandle, path):
    """The conversation into the folder ``path`` (qnnpy's own file in it; docs/genie.md)."""
    live(dialogHandle, DIALOG).save(need_str(path, "path"))
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_restore(dialogHandle, path):
    live(dialogHandle, DIALOG).restore(need_str(path, "path"))
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_signal(dialogHandle, action):
    """ABORT or PAUSE the running query, from another thread or from its own callback
    (qnnpy.genie.dialog.Dialog.signal says what each does)."""
    dialog = live(dialogHandle, DIALOG)
    dialog.signal(need_enum(action, GenieDialog_Action_t, "action").name.rsplit("_", 1)[1])
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_setPriority(dialogHandle, engineRole, priority):
    """Accepted for the primary engine with one of the four priorities; the emulator has no
    other work to yield to, so it changes nothing (one INFO line)."""
    _dialog_for(dialogHandle, engineRole)
    priority = need_enum(priority, GenieDialog_Priority_t, "priority")
    _log.emit(_log.INFO, f"GenieDialog_setPriority: {priority.name} noted; the emulator "
                         "runs every dialog alike")
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_setPerformancePolicy(dialogHandle, perfProfile):
    """Recorded (the emulator runs alike under every policy). The real libGenie.so takes any
    integer and reads it back; qnnpy refuses one that is not a Genie_PerformancePolicy_t."""
    dialog = live(dialogHandle, DIALOG)
    dialog.performance = need_enum(perfProfile, Genie_PerformancePolicy_t, "performance policy")
    return S.GENIE_STATUS_SUCCESS


@api(outputs=1)
def GenieDialog_getPerformancePolicy(dialogHandle):
    return S.GENIE_STATUS_SUCCESS, Genie_PerformancePolicy_t(live(dialogHandle, DIALOG).performance)


@api()
def GenieDialog_setStopSequence(dialogHandle, newStopSequences):
    """Replace the dialog's stop sequences (the config's ``stop-sequence`` at creation) with
    those of ``{"stop-sequence": [...]}``; None clears them. A text reply stops where one of
    them appears, which is neither streamed nor kept in the conversation (token queries are
    not affected), as on the real libGenie.so. Not JSON is JSON_FORMAT, not an object or not a
    list JSON_SCHEMA, other than strings JSON_VALUE."""
    dialog = live(dialogHandle, DIALOG)
    if newStopSequences is None:
        dialog.set_stop_sequences([])
        return S.GENIE_STATUS_SUCCESS
    try:
        stops = schema.parse_stop_sequences(need_str(newStopSequences, "newStopSequences"))
    except schema.ConfigError as err:
        raise Refused(JSON_STATUS[err.kind], err.message) from None
    dialog.set_stop_sequences(stops)
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_setOemKey(dialogHandle, oemKey):
    """Accepted (a string; NULL is INVALID_ARGUMENT): the emulator reserves no priority."""
    live(dialogHandle, DIALOG)
    need_str(oemKey, "oemKey")
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_reset(dialogHandle):
    live(dialogHandle, DIALOG).reset()
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_applyLora(dialogHandle, engine, loraAdapterName):
    dialog = _dialog_for(dialogHandle, engine)
    start = timing.now_us()
    try:
        dialog.apply_lora(need_str(loraAdapterName, "loraAdapterName"))
    except DialogError:
        if dialog.timings is not None:  # a failed switch is an event with no measurement, as on the real library
            timing.event(dialog.timings, "GenieDialog_applyLora", start)
        raise
    if dialog.timings is not None:
        timing.lora_event(dialog.timings, start)
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_releaseLoraMemory(dialogHandle, engine, loraAdapterName):
    """Forget an adapter (its section bytes are dropped; applying it again reads its files
    again). Measured on the real libGenie.so: any adapter the config lists is SUCCESS, applied
    or not, a name it does not list GENERAL; releasing the current one leaves
    APPLIED_LORA_ADAPTER "" (its weights stay in the graphs here; the real library's next query
    then failed); an unknown role is GENERAL."""
    dialog = _dialog_for(dialogHandle, engine)
    dialog.release_lora(need_str(loraAdapterName, "loraAdapterName"))
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_setLoraStrength(dialogHandle, engine, tensorName, alpha):
    dialog = _dialog_for(dialogHandle, engine)
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"alpha must be a number, got {alpha!r}")
    dialog.set_lora_strength(need_str(tensorName, "tensorName"), float(alpha))
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieDialog_setMaxNumTokens(dialogHandle, maxNumTokens):
    dialog = live(dialogHandle, DIALOG)
    dialog.max_tokens = need_uint32(maxNumTokens, "maxNumTokens")
    return S.GENIE_STATUS_SUCCESS


@api(outputs=1)
def GenieDialog_getValue(dialogHandle, key):
    """CONTEXT_OCCUPANCY: the positions in use (an int); APPLIED_LORA_ADAPTER: the adapter's
    name, "" for none (a str); and key 2, which Genie's header does not name but the real
    libGenie.so answers (measured): the tokens the last query sampled, an eos-token or the
    token that completed a stop sequence included, 0 after a reset (an int)."""
    dialog = live(dialogHandle, DIALOG)
    if not isinstance(key, int) or isinstance(key, bool):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{key!r} is not a GenieDialog_Param_t")
    if key == GenieDialog_Param_t.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY:
        return S.GENIE_STATUS_SUCCESS, dialog.engine.filled
    if key == GenieDialog_Param_t.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER:
        return S.GENIE_STATUS_SUCCESS, dialog.applied
    if key == SAMPLED_TOKENS:
        return S.GENIE_STATUS_SUCCESS, dialog.stats["sampled"]
    raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, f"{key!r} is not a GenieDialog_Param_t")


def _part_handle(dialogHandle, kind: str) -> int:
    """The handle of a part of the dialog (its sampler or its tokenizer): one per dialog, made
    when first asked for, valid until the dialog is freed."""
    dialog = live(dialogHandle, DIALOG)
    if kind not in dialog.handles:
        dialog.handles[kind] = _handles.new(kind, dialog)
    return dialog.handles[kind]


@api(outputs=1)
def GenieDialog_getSampler(dialogHandle):
    """For qnnpy.GenieSampler.GenieSampler_applyConfig."""
    return S.GENIE_STATUS_SUCCESS, _part_handle(dialogHandle, SAMPLER)


@api(outputs=1)
def GenieDialog_getTokenizer(dialogHandle):
    """For qnnpy.GenieTokenizer."""
    return S.GENIE_STATUS_SUCCESS, _part_handle(dialogHandle, TOKENIZER)


@api()
def GenieDialog_free(dialogHandle):
    dialog = live(dialogHandle, DIALOG)
    _handles.free(dialogHandle)
    for handle in dialog.handles.values():
        _handles.free(handle)
    dialog.free()
    return S.GENIE_STATUS_SUCCESS
