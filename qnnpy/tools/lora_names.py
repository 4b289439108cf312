"""``qnnpy lora-tensor-names``: which ONNX initializer carries each adapter tensor.

Without a model it writes the adapter's keys, one per line in natural order (the documented
recipe; PEFT keys are not ONNX names). With ``--input_network`` it finds, for every adapter
tensor, the initializer that carries it and writes those names (the converter's
``--lora_weight_list``) and, with ``--map``, a YAML map — ONNX name, adapter key, layout
transform, the branch's exported scaling, how it was matched — that the importer uses so that
any adapter of the same architecture imports correctly. Matching, per LoRA module:

1. by name: exact, then after normalising both sides (PEFT's ``base_model.model.`` prefix
   and an adapter-name segment such as ``lora_A.default.weight`` dropped, ``/`` and ``:``
   read as ``.``) as a unique dotted-suffix match;
2. when names are gone (exporters fold ``Aᵀ`` into ``val_106``): over the LoRA branches
   found by structure (lora_branches), by value — the initializer equals the adapter's A
   (or its transpose), the adapter used at export time being the usual case;
3. then by the base projection's weight name (``...q_proj.weight``) next to a branch;
4. last, for a zero-initialised export, by order along the graph among the branches left,
   when their count and shapes fit — reported as such, so a reader can check.

Every tensor unmatched or matched ambiguously is an error naming it; nothing is guessed
silently.
"""
import os
import re
import sys
from dataclasses import asdict, dataclass

import numpy as np
import yaml

from qnnpy.tools import onnx_file
from qnnpy.tools.lora_branches import find_branches, flip, peft_shape

PREFIXES = ("base_model.model.",)
_ADAPTER_SEGMENT = re.compile(r"\.lora_(A|B)\.[^.]+\.weight$")
_MODULE = re.compile(r"^(.*)\.lora_(A|B)\.weight$")
MAP_VERSION = 1


class MappingError(Exception):
    pass


@dataclass
class Match:
    adapter_key: str
    onnx_name: str
    transform: str          # "none" | "transpose": PEFT layout -> initializer layout
    scale: float            # constant multipliers on the branch as exported (1 if none or unknown)
    matched_by: str         # "name" | "value" | "base weight name" | "graph order" | ANOTHER_PART


# A map entry of one part of a split LLM (llm-split) for an adapter tensor another part holds:
# onnx_name is empty, and the importer leaves the tensor to that part's map.
ANOTHER_PART = "another part"


def natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def safetensors_path(path: str) -> str:
    """An adapter is a safetensors file or a PEFT folder holding adapter_model.safetensors."""
    if os.path.isdir(path):
        path = os.path.join(path, "adapter_model.safetensors")
    if not os.path.isfile(path):
        raise MappingError(f"no adapter at {path} (expected a .safetensors file or a PEFT folder)")
    return path


def load_adapter(path: str) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file
    return load_file(safetensors_path(path))


def normalize(name: str) -> str:
    name = name.replace("/", ".").replace(":", ".").strip(".")
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    return _ADAPTER_SEGMENT.sub(lambda m: f".lora_{m.group(1)}.weight", name)


def modules(keys) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{module: {"A": key, "B": key}} and the keys that are not LoRA A/B weights."""
    found, other = {}, []
    for key in keys:
        m = _MODULE.match(normalize(key))
        if m:
            found.setdefault(m.group(1), {})[m.group(2)] = key
        else:
            other.append(key)
    return found, other


def _by_name(key: str, normalized: dict[str, list[str]], exact: set[str]) -> list[str]:
    if key in exact:
        return [key]
    norm = normalize(key)
    return normalized.get(norm) or [i for n, group in normalized.items() for i in group
                                    if n.endswith("." + norm) or norm.endswith("." + n)]


def _fits(adapter: np.ndarray, shape: tuple, transform: str, ab: str) -> bool:
    """The adapter tensor (PEFT layout, rank <= the model's) fits an initializer of ``shape``."""
    peft = peft_shape(shape, transform)
    rank_axis = 0 if ab == "A" else 1
    other = 1 - rank_axis
    return len(peft) == 2 and adapter.shape[other] == peft[other] and adapter.shape[rank_axis] <= peft[rank_axis]


def _transform_for(adapter: np.ndarray, shape: tuple, ab: str) -> str | None:
    """The layout a name-matched initializer holds, told by the dimension that is not the rank
    (the rank itself is the importer's to check, with a message about ranks)."""
    other = 1 if ab == "A" else 0
    for transform in ("none", "transpose"):
        peft = peft_shape(shape, transform)
        if len(peft) == 2 and peft[other] == adapter.shape[other]:
            return transform
    return None


def _projection_named(module: str, branch) -> bool:
    """The branch adds into a base projection whose weight still carries the module's name."""
    if branch.base_weight is None:
        return False
    base = normalize(branch.base_weight)
    return any(base == f"{module}.{leaf}" or base.endswith(f".{module}.{leaf}") for leaf in ("weight", "base_layer.weight"))


def match(adapter: dict[str, np.ndarray], shapes: dict[str, tuple], model=None) -> list[Match]:
    """Every adapter tensor's tensor among ``shapes`` ({name: shape}: a model's initializers or
    LoRA weights); with ``model`` (an onnx.ModelProto) also by structure and value.
    MappingError lists every tensor left unmatched or ambiguous."""
    from onnx import numpy_helper
    inits = {i.name: i for i in model.graph.initializer} if model is not None else {}
    branches = find_branches(model) if model is not None else []
    role = {}
    for b in branches:
        role[b.down.name], role[b.up.name] = (b, "A"), (b, "B")
    mods, other = modules(adapter)
    problems = [f"'{k}' is not a LoRA A/B weight (lora_A / lora_B ... .weight)" for k in sorted(other, key=natural_key)]
    normalized = {}
    for name in shapes:
        normalized.setdefault(normalize(name), []).append(name)
    exact = set(shapes)
    matches, taken = [], set()

    def assign(module, branch, how):
        for ab, use in (("A", branch.down), ("B", branch.up)):
            key = mods[module][ab]
            matches.append(Match(key, use.name, use.transform, branch.scale, how))
            taken.add(use.name)

    pending = []
    for module in sorted(mods, key=natural_key):
        pair = mods[module]
        missing = {"A", "B"} - set(pair)
        if missing:
            problems.append(f"module '{module}' has no lora_{'/'.join(sorted(missing))} weight in the adapter")
            continue
        named = {ab: _by_name(pair[ab], normalized, exact) for ab in "AB"}
        if all(len(found) == 1 for found in named.values()):
            for ab in "AB":
                init = named[ab][0]
                branch_role = role.get(init)
                if branch_role and branch_role[1] == ab:
                    use = branch_role[0].down if ab == "A" else branch_role[0].up
                    transform, scale = use.transform, branch_role[0].scale
                elif model is not None:
                    problems.append(f"'{pair[ab]}' matches '{init}' by name, but no LoRA branch (MatMul -> MatMul "
                                    "-> Add into the projection) uses it as lora_" + ab + ": the scaling the export "
                                    "applies cannot be read, and assuming none could apply PEFT's scaling twice")
                    transform, scale = _transform_for(adapter[pair[ab]], tuple(shapes[init]), ab), 1.0
                else:
                    transform, scale = _transform_for(adapter[pair[ab]], tuple(shapes[init]), ab), 1.0
                if transform is None:
                    problems.append(f"'{pair[ab]}' {list(adapter[pair[ab]].shape)} does not fit '{init}' "
                                    f"{list(shapes[init])} in either layout")
                    continue
                matches.append(Match(pair[ab], init, transform, scale, "name"))
                taken.add(init)
            continue
        ambiguous = [f"'{pair[ab]}' is ambiguous by name: {sorted(f, key=natural_key)}" for ab, f in named.items()
                     if len(f) > 1]
        if ambiguous:
            problems += ambiguous
            continue
        pending.append(module)

    free = [b for b in branches if b.down.name not in taken and b.up.name not in taken]

    def fits(module, b):
        return _fits(adapter[mods[module]["A"]], b.down.shape, b.down.transform, "A") and \
            _fits(adapter[mods[module]["B"]], b.up.shape, b.up.transform, "B")

    def equal(module, b) -> bool:
        a = adapter[mods[module]["A"]].astype(np.float32)
        value = flip(numpy_helper.to_array(inits[b.down.name]).astype(np.float32), b.down.transform)
        return value.shape == a.shape and np.any(a) and np.allclose(value, a, rtol=1e-3, atol=1e-6 * np.abs(a).max())

    for how, test in (("value", equal), ("base weight name", _projection_named)):
        still = []
        for module in pending:
            hits = [b for b in free if fits(module, b) and test(module, b)]
            if len(hits) == 1:
                assign(module, hits[0], how)
                free.remove(hits[0])
            elif len(hits) > 1:
                problems.append(f"module '{module}' matches {len(hits)} LoRA branches by {how}: "
                                f"{[h.down.name for h in hits]}")
            else:
                still.append(module)
        pending = still
    if pending and len(pending) == len(free) and all(fits(m, b) for m, b in zip(pending, free)):
        for module, b in zip(pending, free):
            assign(module, b, "graph order")
        pending = []
    problems += [f"module '{m}' ({mods[m]['A']}) matches no initializer by name, value, base weight name or graph "
                 f"order ({len(free)} LoRA branch(es) left unmatched)" for m in pending]
    keys_of = {}
    for m in matches:
        keys_of.setdefault(m.onnx_name, []).append(m.adapter_key)
    problems += [f"{sorted(keys, key=natural_key)} all map to '{name}'" for name, keys in keys_of.items() if len(keys) > 1]
    if problems:
        raise MappingError("cannot map the adapter onto the model: " + "; ".join(problems))
    return sorted(matches, key=lambda m: natural_key(m.adapter_key))


def weight_list(tensors: dict, matches: list[Match] | None) -> list[str]:
    """The converter's weight list: the matched initializers, or without a model the keys."""
    if matches is None:
        return sorted(tensors, key=natural_key)
    return sorted({m.onnx_name for m in matches}, key=natural_key)


def tensor_names(adapter: str, input_network: str | None = None) -> list[str]:
    tensors = load_adapter(adapter)
    return weight_list(tensors, match_onnx(tensors, input_network) if input_network else None)


def match_onnx(adapter: dict[str, np.ndarray], input_network: str) -> list[Match]:
    try:
        model = onnx_file.load(input_network)
    except onnx_file.OnnxFileError as err:
        raise MappingError(str(err)) from None
    return match(adapter, {i.name: tuple(i.dims) for i in model.graph.initializer}, model)


def write_map(path: str, matches: list[Match]) -> None:
    with open(path, "w") as f:
        yaml.safe_dump({"version": MAP_VERSION, "tensors": [asdict(m) for m in matches]}, f, sort_keys=False)


def read_map(path: str) -> list[Match]:
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
        if not isinstance(doc, dict) or doc.get("version") != MAP_VERSION or not isinstance(doc.get("tensors"), list):
            raise ValueError(f"expected 'version: {MAP_VERSION}' and a 'tensors' list")
        return [Match(str(t["adapter_key"]), str(t["onnx_name"]), str(t["transform"]), float(t.get("scale", 1.0)),
                      str(t.get("matched_by", "map"))) for t in doc["tensors"]]
    except (OSError, yaml.YAMLError, ValueError, KeyError, TypeError) as err:
        raise MappingError(f"cannot read the LoRA map {path}: {err}") from None


def add_arguments(parser) -> None:
    parser.add_argument("adapter", nargs="?", help="adapter safetensors file or PEFT folder")
    parser.add_argument("--adapter", dest="adapter_option", help="the same, as an option")
    parser.add_argument("-o", "--output", help="write the names here (default: print them)")
    parser.add_argument("--input_network", help="the ONNX model: write its initializer names, not adapter keys")
    parser.add_argument("--map", help="with --input_network: write the map (for lora-importer --lora_map) here")


def run(args) -> int:
    adapter = args.adapter_option or args.adapter
    try:
        if adapter is None:
            raise MappingError("name the adapter (positional or --adapter)")
        if args.map and not args.input_network:
            raise MappingError("--map needs --input_network")
        tensors = load_adapter(adapter)
        matches = match_onnx(tensors, args.input_network) if args.input_network else None
        names = weight_list(tensors, matches)
        guessed = [m.adapter_key for m in matches or [] if m.matched_by == "graph order"]
        if guessed:
            print(f"qnnpy lora-tensor-names: warning: {len(guessed)} tensors matched only by their order along "
                  f"the graph (a zero-initialised export?); check the map: {guessed[:4]}", file=sys.stderr)
    except MappingError as err:
        print(f"qnnpy lora-tensor-names: error: {err}", file=sys.stderr)
        return 1
    text = "".join(name + "\n" for name in names)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.map:
        write_map(args.map, matches)
    return 0
