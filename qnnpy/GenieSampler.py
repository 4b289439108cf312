"""GenieSampler.h: a dialog's sampler, the sampler configs that change it between queries, and
custom samplers (callbacks that choose each token from the logits).

``GenieDialog_getSampler`` (in qnnpy.GenieDialog) gives the dialog's sampler handle; a config
made with ``GenieSamplerConfig_createFromJson('{"sampler": {...}}')`` (the dialog JSON's
sampler block, checked the same way) and edited with ``GenieSamplerConfig_setParam`` is
applied with ``GenieSampler_applyConfig``: the values it sets replace the sampler's, from the
next token on, the others stay. ``GenieSampler_registerCallback(name, fn)`` makes ``fn`` the
sampler of every dialog whose sampler block (or applied config) says ``"type": "custom",
"callback-name": name``; ``fn(logitsSize, logits, numTokens, tokens)`` gets the logits as a
float32 array (logitsSize is their size in bytes) and writes its choice into ``tokens[0]``.

Codes as measured on the real libGenie.so: a bad JSON is JSON_FORMAT, a bad block JSON_SCHEMA,
an unknown key or a value that does not read SET_PARAMS_FAILED (values are read as C's
stof/stoll read them, from the start of the text, and not range-checked there), a bad or NULL
handle INVALID_HANDLE, a NULL callback INVALID_ARGUMENT. Where the real library crashes or goes
wrong without a word, qnnpy refuses instead (docs/genie.md): a NULL callback name (it crashes),
a NULL key with anything but a whole sampler config (it crashes), a ``type`` other than basic or
custom (it samples garbage), and applying ``temp`` 0 without ``top-k`` 1 (its next query aborts
the process on an assertion). A ``seed`` in an applied config is ignored, as there (logged).
"""
import re

import numpy as np

from qnnpy import GenieDialog, _handles, _log
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie import config as schema
from qnnpy.genie.calls import Refused, api, config_handle, live, need_str
from qnnpy.genie.sampler import CALLBACKS

CONFIG = "GenieSamplerConfig"
_FLOAT = re.compile(r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)", re.I)
_INT = re.compile(r"\s*[+-]?\d+")


def _reads(pattern, convert):
    """The number at the start of a text, as stof/stoll read it (the rest is ignored)."""
    def read(text: str):
        match = pattern.match(text)
        if match is None:
            raise ValueError(text)
        return convert(match.group().strip())
    return read


def _kind(text: str) -> str:
    if text not in ("basic", "custom"):
        raise ValueError(text)
    return text


# what setParam may set, and how it reads the text it is given
_PARAMS = {"temp": _reads(_FLOAT, float), "top-p": _reads(_FLOAT, float), "top-k": _reads(_INT, int),
           "seed": _reads(_INT, int), "type": _kind, "callback-name": str}


@api(outputs=1)
def GenieSamplerConfig_createFromJson(str_):
    return config_handle(str_, schema.parse_sampler, CONFIG)


@api()
def GenieSamplerConfig_setParam(configHandle, keyStr, valueStr):
    """One of temp, top-k, top-p, seed, type, callback-name, from its text ("0.8"); with
    keyStr None, valueStr is a whole sampler config that replaces this one."""
    block = live(configHandle, CONFIG)
    text = need_str(valueStr, "valueStr")
    if keyStr is None:
        try:
            whole = schema.parse_sampler(text)
        except schema.ConfigError as err:
            raise Refused(S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, f"with no key, the value must be a whole sampler "
                                                                  f"config: {err.message}") from None
        block.clear()
        block.update(whole)
        return S.GENIE_STATUS_SUCCESS
    key = need_str(keyStr, "keyStr")
    if key not in _PARAMS:
        raise Refused(S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, f"'{key}' is not a sampler parameter "
                                                              f"(those are {sorted(_PARAMS)})")
    try:
        block[key] = _PARAMS[key](text)
    except ValueError:
        raise Refused(S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, f"'{text}' is not a value for {key}") from None
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieSamplerConfig_free(configHandle):
    live(configHandle, CONFIG)
    _handles.free(configHandle)
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieSampler_applyConfig(samplerHandle, configHandle):
    dialog = live(samplerHandle, GenieDialog.SAMPLER)
    block = live(configHandle, CONFIG)
    try:
        schema.check_sampler_values(block, "sampler config")
    except schema.ConfigError as err:  # values setParam let through (the real library applies them as they are)
        raise Refused(S.GENIE_STATUS_ERROR_APPLY_CONFIG_FAILED, err.message) from None
    top_k = block.get("top-k", dialog.sampler.top_k)
    if block.get("temp", 1.0) <= 0 and top_k != 1 and block.get("type", dialog.sampler.kind) == "basic":
        raise Refused(S.GENIE_STATUS_ERROR_APPLY_CONFIG_FAILED,
                      f"temp {block['temp']} with top-k {top_k}: the real libGenie.so accepts this and then aborts the "
                      "process at the next query (it asserts temp > 0); use top-k 1 for greedy decoding")
    if "seed" in block:
        _log.emit(_log.WARN, f"GenieSampler_applyConfig: seed {block['seed']} is not applied (the real libGenie.so keeps "
                             "drawing from the dialog's generator); a seed takes effect in the dialog's sampler block")
    dialog.sampler.apply(block)
    return S.GENIE_STATUS_SUCCESS


def _register(name, samplerCallback, extra: tuple) -> int:
    """fn(logitsSize, logits, numTokens, tokens[, userData]) becomes the custom sampler 'name'."""
    if samplerCallback is None or not callable(samplerCallback):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "samplerCallback must be a function")
    name = need_str(name, "name")

    def choose(logits: np.ndarray) -> int:
        tokens = np.zeros(1, np.int32)
        samplerCallback(logits.nbytes, logits, 1, tokens, *extra)
        return int(tokens[0])
    CALLBACKS[name] = choose  # a second registration under a name replaces the first, as in Genie
    return S.GENIE_STATUS_SUCCESS


@api()
def GenieSampler_registerCallback(name, samplerCallback):
    return _register(name, samplerCallback, ())


@api()
def GenieSampler_registerUserDataCallback(name, samplerCallback, userData):
    return _register(name, samplerCallback, (userData,))
