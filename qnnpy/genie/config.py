"""The Genie dialog JSON (GenieDialogConfig_createFromJson), checked the way Genie checks it:
text that is not JSON is a format error; a key the schema does not know, anywhere, or a
missing mandatory key is a schema error; a value of the wrong kind or out of range is a value
error. The schema is the one Genie documents for the QnnHtp engine (../shared/spec §10.1,
docs/genie.md): every key a device config may carry is known here, whether or not the
emulator acts on it.
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
POSITIONAL = Obj({"type": STR, "rope-dim": INT, "rope-theta": NUM, "rope-scaling": ROPE_SCALING}, ("type",))
ADAPTER = Obj({"version": INT, "name": STR, "bin-sections": ListOf(STR), "alphas": ListOf(STR), "path": STR},
              ("version", "name"))
GROUP = Obj({"version": INT, "name": STR, "members": ListOf(STR), "quant-bin-sections": ListOf(STR)},
            ("version", "name", "members"))
LORA = Obj({"version": INT, "lora-version": INT, "alpha-tensor-name": STR, "adapters": ListOf(ADAPTER),
            "groups": ListOf(GROUP)}, ("version", "adapters"))
QNN_HTP = Obj({"version": INT, "use-mmap": BOOL, "spill-fill-bufsize": INT, "mmap-budget": INT, "poll": BOOL,
               "cpu-mask": STR, "kv-dim": INT, "pos-id-dim": INT, "allow-async-init": BOOL,
               "enable-graph-switching": BOOL, "skip-lora-validation": BOOL, "graph-switching-lora-policy": STR,
               "kv-update-method": STR, "rope-theta": NUM, "shared-engine": BOOL}, ("version",))
ENGINE = Obj({
    "version": INT, "n-threads": INT, "role": STR,
    "backend": Obj({"version": INT, "type": STR, "QnnHtp": QNN_HTP, "extensions": STR}, ("version", "type")),
    "model": Obj({"version": INT, "type": STR,
                  "binary": Obj({"version": INT, "ctx-bins": ListOf(STR), "lora": LORA}, ("version", "ctx-bins")),
                  "positional-encoding": POSITIONAL}, ("version", "type")),
}, ("version", "backend", "model"))
DIALOG = Obj({
    "version": INT, "type": STR, "stop-sequence": ListOf(STR),
    "context": Obj({"version": INT, "size": INT, "n-vocab": INT, "bos-token": INT, "eos-token": INT + (list,),
                    "pad-token": INT, "draft-n-vocab": INT}, ("version", "size", "n-vocab")),
    "sampler": Obj({"version": INT, "seed": INT, "temp": NUM, "top-k": INT, "top-p": NUM, "greedy": BOOL, "type": STR},
                   ("version",)),
    "tokenizer": Obj({"version": INT, "path": STR}, ("version", "path")),
    "engine": (ENGINE, ListOf(ENGINE)),
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
    """Ranges and cross-field rules the schema cannot say."""
    def need(condition, message):
        if not condition:
            raise ConfigError("value", message)
    need(dialog["type"] == "basic", f"dialog.type '{dialog['type']}' is not 'basic'")
    context = dialog["context"]
    need(context["size"] > 0 and context["n-vocab"] > 0, "dialog.context size and n-vocab must be positive")
    eos = context.get("eos-token", [])
    need(all(isinstance(t, int) and not isinstance(t, bool) for t in (eos if isinstance(eos, list) else [eos])),
         "dialog.context.eos-token must be a token id or a list of them")
    sampler = dialog.get("sampler", {})
    need(sampler.get("temp", 1.0) >= 0 and sampler.get("top-k", 0) >= 0 and 0 < sampler.get("top-p", 1.0) <= 1,
         "dialog.sampler: temp >= 0, top-k >= 0 and 0 < top-p <= 1")
    for k, engine in enumerate(engines(dialog)):
        where = f"dialog.engine[{k}]"
        need(engine["backend"]["type"] == "QnnHtp", f"{where}.backend.type '{engine['backend']['type']}' is not QnnHtp")
        need(engine["model"]["type"] == "binary" and "binary" in engine["model"],
             f"{where}.model must be of type 'binary' with a 'binary' block")
        binary = engine["model"]["binary"]
        need(bool(binary["ctx-bins"]), f"{where}.model.binary.ctx-bins is empty")
        need(engine.get("role", "primary") in ROLES, f"{where}.role '{engine.get('role')}' is not one of {sorted(ROLES)}")
        lora = binary.get("lora")
        if lora:
            need(lora.get("lora-version", 2) in (1, 2, 3), f"{where} lora-version must be 1, 2 or 3")
            names = [a["name"] for a in lora["adapters"]]
            need(len(set(names)) == len(names), f"{where}: adapter names repeat")
            for adapter in lora["adapters"]:
                sections = adapter.get("bin-sections")
                need(lora.get("lora-version", 2) == 1 or sections is not None,
                     f"adapter '{adapter['name']}' needs bin-sections (LoRA v2)")
                need(sections is None or len(sections) == len(binary["ctx-bins"]),
                     f"adapter '{adapter['name']}': bin-sections must align with ctx-bins ({len(binary['ctx-bins'])})")


ROLES = {"primary": "primary", "target": "primary", "secondary": "secondary", "draft": "secondary"}


def engines(dialog: dict) -> list[dict]:
    engine = dialog["engine"]
    return engine if isinstance(engine, list) else [engine]


def parse(text) -> dict:
    """The checked dialog block of a Genie dialog JSON string."""
    if not isinstance(text, str):
        raise ConfigError("format", f"the configuration must be a JSON string, got {type(text).__name__}")
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise ConfigError("format", f"not JSON: {err}") from None
    _check(doc, ROOT, "config")
    _values(doc["dialog"])
    return doc["dialog"]
