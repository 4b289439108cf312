"""``qnnpy lora-tensor-names``: the LoRA weight list for the converter, from an adapter.

Without ``--input_network`` it writes the adapter's keys, one per line in natural order (the
documented recipe; note that PEFT keys are not ONNX names). With ``--input_network`` it maps
every adapter key onto the ONNX initializer that carries it and writes those names:
exact match first, then after normalising both sides — dropping PEFT's
``base_model.model.`` prefix and an adapter-name segment (``lora_A.default.weight`` →
``lora_A.weight``), reading ``/`` and ``:`` as ``.`` — a unique suffix match. Unmatched and
ambiguous keys are errors that list the candidates; nothing is guessed.
"""
import os
import re

PREFIXES = ("base_model.model.",)
_ADAPTER_SEGMENT = re.compile(r"\.lora_(A|B)\.[^.]+\.weight$")


class MappingError(Exception):
    pass


def natural_key(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def safetensors_path(path: str) -> str:
    """An adapter is a safetensors file or a PEFT folder holding adapter_model.safetensors."""
    if os.path.isdir(path):
        path = os.path.join(path, "adapter_model.safetensors")
    if not os.path.isfile(path):
        raise MappingError(f"no adapter at {path} (expected a .safetensors file or a PEFT folder)")
    return path


def adapter_keys(path: str) -> list[str]:
    from safetensors import safe_open
    with safe_open(safetensors_path(path), framework="numpy") as f:
        return sorted(f.keys(), key=natural_key)


def normalize(name: str) -> str:
    name = name.replace("/", ".").replace(":", ".").strip(".")
    for prefix in PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
    return _ADAPTER_SEGMENT.sub(lambda m: f".lora_{m.group(1)}.weight", name)


def map_to_onnx(keys: list[str], initializers: list[str]) -> dict[str, str]:
    """{adapter key: ONNX initializer name}; raises MappingError naming every problem."""
    exact = set(initializers)
    normalized = {}
    for init in initializers:
        normalized.setdefault(normalize(init), []).append(init)
    mapping, problems = {}, []
    for key in keys:
        if key in exact:
            mapping[key] = key
            continue
        norm = normalize(key)
        found = normalized.get(norm) or [i for n, group in normalized.items() for i in group
                                         if n.endswith("." + norm) or norm.endswith("." + n)]
        if len(found) == 1:
            mapping[key] = found[0]
        elif not found:
            problems.append(f"'{key}' matches no initializer")
        else:
            problems.append(f"'{key}' is ambiguous: {sorted(found, key=natural_key)}")
    taken = {}
    for key, init in mapping.items():
        if init in taken:
            problems.append(f"'{key}' and '{taken[init]}' both map to '{init}'")
        taken[init] = key
    if problems:
        raise MappingError("cannot map the adapter onto the model: " + "; ".join(problems))
    return mapping


def tensor_names(adapter: str, input_network: str | None = None) -> list[str]:
    keys = adapter_keys(adapter)
    if input_network is None:
        return keys
    import onnx
    model = onnx.load(input_network, load_external_data=False)
    mapping = map_to_onnx(keys, [i.name for i in model.graph.initializer])
    return sorted(mapping.values(), key=natural_key)


def add_arguments(parser) -> None:
    parser.add_argument("adapter", help="adapter safetensors file or PEFT folder")
    parser.add_argument("-o", "--output", help="write the names here (default: print them)")
    parser.add_argument("--input_network", help="the ONNX model: write its initializer names, not adapter keys")


def run(args) -> int:
    import sys
    try:
        names = tensor_names(args.adapter, args.input_network)
    except MappingError as err:
        print(f"qnnpy lora-tensor-names: error: {err}", file=sys.stderr)
        return 1
    text = "".join(name + "\n" for name in names)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0
