"""The Genie dialog JSON (GenieDialogConfig_createFromJson), checked the way Genie checks it:
text that is not JSON is a format error; everything else — a key the schema does not know,
anywhere, a missing mandatory key, a value of the wrong kind, out of range or not one of the
fixed ones — is a schema error. The keys, which of them are mandatory, and which values are
refused here rather than when the dialog is created were measured on the real libGenie.so
(QAIRT 2.51, x86-64) with mutated configs (tests/genie/test_config_oracle.py): a basic dialog
has one engine object; its QnnHtp block requires use-mmap, spill-fill-bufsize, mmap-budget,
poll and cpu-mask.
"""
import json
from dataclasses import dataclass


class ConfigError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message  # kind: "format", "schema" or "value"


INT, NUM, STR, BOOL = (int,), (int, float), (str,), (bool,)


@dataclass(frozen=True)
class ListOf:
    item: object


@dataclass(frozen=True)
class Obj:
    keys: dict
    required: tuple = ()


ROPE_SCALING = Obj({"rope-type": STR, "factor": NUM, "low-freq-factor": NUM, "high-freq-factor": NUM,
                    "original-max-position-embeddings": INT, "short-factor": ListOf(NUM), "long-factor": ListOf(NUM)})
POSITIONAL = Obj({"type": STR, "rope-dim": INT, "rope-theta": NUM, "rope-scaling": ROPE_SCALING})
ADAPTER = Obj({"version": INT, "name": STR, "bin-sections": ListOf(STR), "alphas": ListOf(STR)}, ("version", "name"))
GROUP = Obj({"version": INT, "name": STR, "members": ListOf(STR), "quant-bin-sections": ListOf(STR)},
            ("version", "name", "members"))
LORA = Obj({"version": INT, "lora-version": INT, "alpha-tensor-name": STR, "adapters": ListOf(ADAPTER),
            "groups": ListOf(GROUP)}, ("version", "adapters"))
QNN_HTP = Obj({"version": INT, "use-mmap": BOOL, "spill-fill-bufsize": INT, "mmap-budget": INT, "poll": BOOL,
               "cpu-mask": STR, "kv-dim": INT, "allow-async-init": BOOL, "enable-graph-switching": BOOL,
               "skip-lora-validation": BOOL, "kv-update-method": STR},
              ("version", "use-mmap", "spill-fill-bufsize", "mmap-budget", "poll", "cpu-mask"))
ENGINE = Obj({
    "version": INT, "n-threads": INT,
    "backend": Obj({"version": INT, "type": STR, "QnnHtp": QNN_HTP, "extensions": STR}, ("version", "type", "QnnHtp")),
    "model": Obj({"version": INT, "type": STR,
                  "binary": Obj({"version": INT, "ctx-bins": ListOf(STR), "lora": LORA}, ("version", "ctx-bins")),
                  "positional-encoding": POSITIONAL}, ("version", "type", "binary")),
}, ("version", "n-threads", "backend", "model"))
SAMPLER = Obj({"version": INT, "seed": INT, "temp": NUM, "top-k": INT, "top-p": NUM, "greedy": BOOL, "type": STR,
               "callback-name": STR}, ("version",))
DIALOG = Obj({
    "version": INT, "type": STR, "stop-sequence": ListOf(STR),
    "context": Obj({"version": INT, "size": INT, "n-vocab": INT, "bos-token": INT, "eos-token": INT + (list,),
                    "pad-token": INT}, ("version", "size", "n-vocab", "bos-token", "eos-token")),
    "sampler": SAMPLER,
    "tokenizer": Obj({"version": INT, "path": STR}, ("version", "path")),
    "engine": ENGINE,
}, ("version", "type", "context", "tokenizer", "engine"))
ROOT = Obj({"dialog": DIALOG}, ("dialog",))


def _check(value, spec, path: str) -> None:
    if isinstance(spec, tuple) and spec and not isinstance(spec[0], type):  # alternatives
        errors = []
        for option in spec:
            try:
                return _check(value, option, path)
            except ConfigError as err:
                errors.append(err)
        raise errors[0]
    if isinstance(spec, Obj):
        if not isinstance(value, dict):
            raise ConfigError("schema", f"{path} must be an object")
        for key in value:
            if key not in spec.keys:
                raise ConfigError("schema", f"{path}: unknown key '{key}'")
        for key in spec.required:
            if key not in value:
                raise ConfigError("schema", f"{path}: missing mandatory key '{key}'")
        for key, item in value.items():
            _check(item, spec.keys[key], f"{path}.{key}")
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise ConfigError("schema", f"{path} must be a list")
        for k, item in enumerate(value):
            _check(item, spec.item, f"{path}[{k}]")
    elif not isinstance(value, spec) or (isinstance(value, bool) and bool not in spec):
        raise ConfigError("schema", f"{path} must be {' or '.join(t.__name__ for t in spec)}, got {value!r}")


def _values(dialog: dict) -> None:
    """Ranges and fixed values, which Genie reports as schema errors too."""
    def need(condition, message):
        if not condition:
            raise ConfigError("schema", message)
    need(dialog["version"] == 1 and dialog["type"] == "basic", "dialog: version 1, type 'basic' is what a dialog is")
    context = dialog["context"]
    need(context["n-vocab"] > 0 and context["size"] >= 0, "dialog.context: n-vocab must be positive, size not negative")
    eos = context["eos-token"]
    need(all(isinstance(t, int) and not isinstance(t, bool) for t in (eos if isinstance(eos, list) else [eos])),
         "dialog.context.eos-token must be a token id or a list of them")
    check_sampler_values(dialog.get("sampler", {"version": 1}), "dialog.sampler")
    engine = dialog["engine"]
    need(engine["backend"]["type"] == "QnnHtp", f"dialog.engine.backend.type '{engine['backend']['type']}' is not QnnHtp")
    need(engine["model"]["type"] == "binary", f"dialog.engine.model.type '{engine['model']['type']}' is not 'binary'")
    lora = engine["model"]["binary"].get("lora")
    if lora:
        need(lora["version"] == 1 and lora.get("lora-version", 2) in (1, 2, 3), "lora: version 1, lora-version 1..3")
        need(all(a["version"] == 1 for a in lora["adapters"]), "lora.adapters: version 1")


def check_sampler_values(sampler: dict, path: str) -> None:
    """A sampler block's values, in the dialog, a sampler config or one about to be applied:
    Genie's schema errors."""
    if not (sampler["version"] == 1 and sampler.get("temp", 1.0) >= 0 and sampler.get("top-k", 0) >= 0
            and 0 < sampler.get("top-p", 1.0) <= 1):
        raise ConfigError("schema", f"{path}: version 1, temp >= 0, top-k >= 0 and 0 < top-p <= 1")
    if sampler.get("type", "basic") not in ("basic", "custom"):
        raise ConfigError("schema", f"{path}.type must be 'basic' or 'custom'")
    if sampler.get("type") == "custom" and "callback-name" not in sampler:
        raise ConfigError("schema", f"{path}: a custom sampler needs its callback-name")


def _json(text, what: str):
    if not isinstance(text, str):
        raise ConfigError("format", f"{what} must be a JSON string, got {type(text).__name__}")
    try:
        return json.loads(utf8(text, what))
    except ValueError as err:
        raise ConfigError("format", f"not JSON: {err}") from None


def utf8(text: str, what: str) -> str:
    """``text`` if it came from valid UTF-8 (a C string with other bytes reaches Python with them
    as lone surrogates); ValueError naming the first bad byte otherwise — the real libGenie.so
    refuses such JSON as a format error and such a prompt as a failed tokenization."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start]
        shown = f"0x{ord(bad) - 0xDC00:02x}" if 0xDC80 <= ord(bad) <= 0xDCFF else repr(bad)
        raise ValueError(f"{what} is not valid UTF-8 (byte {shown} at character {err.start})") from None
    return text


def parse_sampler(text) -> dict:
    """GenieSamplerConfig_createFromJson's argument: ``{"sampler": {...}}``, the block checked as
    the dialog's sampler block is (measured on the real libGenie.so)."""
    doc = _json(text, "the sampler configuration")
    _check(doc, Obj({"sampler": SAMPLER}, ("sampler",)), "config")
    check_sampler_values(doc["sampler"], "sampler")
    return doc["sampler"]


ROLES = {"primary": "primary", "target": "primary", "secondary": "secondary", "draft": "secondary"}


def parse(text) -> dict:
    """The checked dialog block of a Genie dialog JSON string."""
    doc = _json(text, "the configuration")
    _check(doc, ROOT, "config")
    _values(doc["dialog"])
    return doc["dialog"]


def parse_stop_sequences(text: str) -> list[str]:
    """GenieDialog_setStopSequence's argument, checked as the real libGenie.so checks it:
    not JSON (an empty string too) is a format error, anything but an object, or a
    ``stop-sequence`` that is not a list, a schema error, a list holding other than strings
    a value error; other keys are ignored, and an object without the key clears the list."""
    try:
        doc = json.loads(utf8(text, "the stop sequences"))
    except ValueError as err:
        raise ConfigError("format", f"the stop sequences are not JSON ({err})") from None
    if not isinstance(doc, dict):
        raise ConfigError("schema", 'the stop sequences must be a JSON object {"stop-sequence": [...]}')
    stops = doc.get("stop-sequence", [])
    if not isinstance(stops, list):
        raise ConfigError("schema", "stop-sequence must be a list of strings")
    if not all(isinstance(v, str) for v in stops):
        raise ConfigError("value", "stop-sequence must hold strings only")
    return stops
