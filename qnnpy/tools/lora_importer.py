"""``qnnpy lora-importer``: PEFT adapters -> per-adapter weights and encodings for the
context binary generator (qairt-lora-importer's files and flags).

Input YAML: ``use_case`` list of {name, lora_weights (PEFT folder or safetensors, keyed by
PEFT or ONNX names), quant_overrides (optional AIMET JSON), output_path (optional)}; paths
are relative to the YAML's folder. For each adapter: keys are mapped onto the model's LoRA
weights — by ``--lora_map`` (from lora-tensor-names, needed when the exporter renamed them),
else by name and, with ``--input_network``, by the LoRA branches' structure
(lora_names.match); PEFT's scaling (lora_alpha / r, or / sqrt(r) with use_rslora;
rank_pattern / alpha_pattern per module) is folded into B, divided by any scaling constant
the export already multiplies the branch by; lower
ranks are zero-padded to the model's max rank; and the map's layout transform (the
exporter's folded transpose) is applied last. Every
violation of the LoRA v2 rules (same attachment points, rank within the max, same precision)
is reported, one message each, naming adapter and tensor; nothing is written then.

Writes ``<name>_lora.safetensors`` (model names, padded float32), ``<name>_lora.encodings``
(AIMET 1.0.0) for quantized models, and ``lora_output_files.yaml``.
"""
import json
import math
import os
import re
import sys

import numpy as np
import yaml
from safetensors.numpy import load_file, save_file

from qnnpy.tools import config_files, device_flags, model_file, onnx_file, progress, workers
from qnnpy.tools.converter import calibrate
from qnnpy.tools.converter.mixed_precision import encoding_at
from qnnpy.tools.converter.onnx_import import import_onnx
from qnnpy.tools.converter.quantizer import (ACTIVATIONS, QuantizationError, calibrated_encoding, parse_overrides,
                                            read_input_list, weight_encoding)
from qnnpy.tools.lora_branches import flip, peft_shape
from qnnpy.tools.lora_names import ANOTHER_PART, Match, MappingError, match, modules, natural_key, normalize, read_map, safetensors_path

DEFAULT_OUTPUT = "qairt_lora_importer_outputs"


class ImportError_(Exception):
    """An adapter set that cannot be imported; the message lists every problem."""


USE_CASE_KEYS = {"name", "lora_weights", "quant_overrides", "output_path", "model_name"}


def read_config(path: str) -> tuple[list[dict], str]:
    doc = config_files.read(path, "--lora_config", ImportError_)
    base = config_files.folder_of(path)
    cases, problems = [], []
    entries = config_files.require_list(doc, "use_case", path, ImportError_)
    config_files.require_known_keys(doc, {"use_case"}, path, "the importer config", ImportError_)
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or "lora_weights" not in entry:
            problems.append(f"use_case[{k}] needs 'name' and 'lora_weights'")
            continue
        unknown = sorted(set(entry) - USE_CASE_KEYS)
        if unknown:
            problems.append(f"use_case[{k}] has unknown keys {unknown}; known: {sorted(USE_CASE_KEYS)}")
        case = dict(entry)
        case["lora_weights"] = config_files.resolve(base, str(entry["lora_weights"]))
        for key in ("quant_overrides", "output_path"):
            if entry.get(key):
                case[key] = config_files.resolve(base, str(entry[key]))
        if not os.path.exists(case["lora_weights"]):
            problems.append(f"use_case '{entry['name']}': lora_weights {case['lora_weights']} does not exist")
        cases.append(case)
    names = [c["name"] for c in cases]
    problems += [f"use_case name '{n}' appears twice" for n in sorted({n for n in names if names.count(n) > 1})]
    if problems:
        raise ImportError_(f"{path}: " + "; ".join(problems))
    return cases, base


def read_adapter(path: str) -> tuple[dict[str, np.ndarray], dict]:
    """Tensors and the PEFT config (adapter_config.json beside the safetensors, if any)."""
    file = safetensors_path(path)
    tensors = load_file(file)
    config_path = os.path.join(os.path.dirname(file), "adapter_config.json")
    config = {}
    if os.path.isfile(config_path):
        with open(config_path) as f:
            config = json.load(f)
    return tensors, config


# PEFT features a LoRA v2 adapter (A and B weights on fixed branches, nothing else) cannot
# carry: config key -> (is it used?, what it does)
_UNREPRESENTABLE = {
    "use_dora": (lambda v: bool(v), "DoRA rescales each merged weight by a learned magnitude vector"),
    "modules_to_save": (lambda v: bool(v), "it trains full copies of modules {v}"),
    "lora_bias": (lambda v: bool(v), "lora_B carries a bias"),
    "bias": (lambda v: v not in (None, "none"), "bias='{v}' trains the base layers' bias terms"),
    "trainable_token_indices": (lambda v: bool(v), "it trains rows of the embedding"),
    "layer_replication": (lambda v: bool(v), "it duplicates layers"),
    "target_parameters": (lambda v: bool(v), "it adapts parameters rather than layers"),
    "use_qalora": (lambda v: bool(v), "QA-LoRA pools the input before A"),
    "alora_invocation_tokens": (lambda v: bool(v), "activated LoRA applies only after invocation tokens"),
}
_UNREPRESENTABLE_KEYS = {"lora_magnitude_vector": "DoRA's magnitude vector", "modules_to_save": "a saved module",
                         "lora_embedding_A": "an embedding LoRA", "lora_embedding_B": "an embedding LoRA",
                         "trainable_tokens": "trainable token rows"}


def unrepresentable(name: str, config: dict, tensors: dict) -> list[str]:
    """One message per PEFT feature of this adapter that a LoRA v2 section cannot hold."""
    problems = []
    kind = config.get("peft_type", "LORA")
    if kind not in ("LORA", None):
        problems.append(f"adapter '{name}' is a PEFT {kind} adapter; LoRA v2 takes LoRA adapters")
    for key, (used, what) in _UNREPRESENTABLE.items():
        if key in config and used(config[key]):
            problems.append(f"adapter '{name}' uses {key} ({what.format(v=config[key])}), which a LoRA v2 adapter "
                            "cannot represent: it carries only lora_A / lora_B weights on the branches the model has")
    for fragment, what in _UNREPRESENTABLE_KEYS.items():
        keys = sorted(k for k in tensors if fragment in k)
        if keys:
            problems.append(f"adapter '{name}' holds {what} ({keys[0]}{' and more' if len(keys) > 1 else ''}), "
                            "which a LoRA v2 adapter cannot represent")
    return problems


def _pattern_value(patterns: dict, module: str, default):
    for pattern, value in (patterns or {}).items():
        if module == pattern or module.endswith("." + pattern) or re.fullmatch(pattern, module):
            return value
    return default


def adapter_matches(tensors: dict, lora: dict, lora_map: list[Match] | None, network) -> dict[str, Match]:
    """{adapter key: Match} from the map (keyed by normalised key, so any adapter of the same
    architecture finds its entries), else found by name among the LoRA weights and, with the
    ONNX model, by structure and value."""
    if lora_map is not None:
        by_key = {normalize(m.adapter_key): m for m in lora_map}
        unknown = [k for k in tensors if normalize(k) not in by_key]
        if unknown:
            raise MappingError(f"the LoRA map has no entry for {sorted(unknown, key=natural_key)[:5]}")
        return {k: by_key[normalize(k)] for k in tensors}
    found = match(tensors, lora, network)
    guessed = [m.adapter_key for m in found if m.matched_by == "graph order"]
    if guessed:
        raise MappingError(f"{guessed[:4]} match the model's LoRA branches only by their order along the graph; "
                           "write a map with the export-time adapter (lora-tensor-names --map) and pass --lora_map")
    return {m.adapter_key: m for m in found}


def prepare(name: str, tensors: dict, config: dict, lora: dict, matches: dict[str, Match]
            ) -> tuple[dict[str, np.ndarray], list[str]]:
    """Model-named, scaled, padded float32 values in the model's layout for one adapter, and
    its violations. ``lora`` maps each model LoRA weight name to its shape."""
    problems, values = [], {}
    found, _ = modules(tensors)
    for module in sorted(found, key=natural_key):
        ma, mb = matches[found[module]["A"]], matches[found[module]["B"]]
        if ma.matched_by == mb.matched_by == ANOTHER_PART:
            continue  # held by another part of a split model
        strays = [m.onnx_name for m in (ma, mb) if m.onnx_name not in lora]
        if strays:
            problems.append(f"adapter '{name}': '{module}' maps onto {strays}, which the model does not hold as LoRA "
                            "weights (add them to the converter's --lora_weight_list)")
            continue
        # PEFT keeps A [r, in] and B [out, r] even with fan_in_fan_out (GPT-2's Conv1D): that
        # flag only concerns the base weight's layout, which the adapter does not carry
        a, b = tensors[found[module]["A"]].astype(np.float32), tensors[found[module]["B"]].astype(np.float32)
        max_rank, fan_in = peft_shape(lora[ma.onnx_name], ma.transform)
        out = peft_shape(lora[mb.onnx_name], mb.transform)[0]
        rank = a.shape[0]
        if rank > max_rank:
            problems.append(f"adapter '{name}': '{found[module]['A']}' has rank {rank}, more than the model's max "
                            f"rank {max_rank}")
            continue
        if a.shape[1] != fan_in or b.shape != (out, rank):
            problems.append(f"adapter '{name}': '{module}' has A {list(a.shape)} and B {list(b.shape)}; the model "
                            f"expects A [r, {fan_in}] and B [{out}, r] with r <= {max_rank}")
            continue
        r = _pattern_value(config.get("rank_pattern"), module, config.get("r", rank))
        alpha = _pattern_value(config.get("alpha_pattern"), module, config.get("lora_alpha", r))
        scaling = (alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r) / mb.scale
        values[ma.onnx_name] = np.ascontiguousarray(flip(np.pad(a, ((0, max_rank - rank), (0, 0))), ma.transform))
        values[mb.onnx_name] = np.ascontiguousarray(
            flip(np.pad(b * np.float32(scaling), ((0, 0), (0, max_rank - rank))), mb.transform))
    missing = sorted(set(lora) - set(values), key=natural_key)
    if not problems:
        problems += [f"adapter '{name}': no value for LoRA weight '{m}' (every adapter needs the same attachment "
                     "points)" for m in missing]
    return values, problems


def _encodings_doc(graph, values: dict, ranges: dict, overrides: dict) -> dict:
    doc = {"version": "1.0.0", "activation_encodings": [], "param_encodings": [], "excluded_layers": []}
    for name in graph.lora_weights:
        base = graph.tensors[name].encoding
        if base is None:  # left float by the base's --float_fallback: it stays float
            continue
        bits = base.bitwidth or 8
        enc = overrides.get(name) or weight_encoding(values[name], bits)
        doc["param_encodings"].append({"name": name, "enc_type": "PER_TENSOR", "dtype": "INT", "bw": bits,
                                       "is_sym": True, "scale": [enc.scale], "offset": [enc.offset]})
    chosen = {}
    for name, t in graph.tensors.items():
        if t.updatable_encoding and t.encoding is not None and t.encoding_of is None:
            bits = int(t.dtype.rsplit("_", 1)[1])
            chosen[name] = overrides.get(name) or (calibrated_encoding(ranges[name], bits, "min-max") if name in ranges
                                                   else t.encoding)
    for name, t in graph.tensors.items():  # a Convert's tensor follows the range of the one it converts
        if t.updatable_encoding and t.encoding is not None and t.encoding_of is not None:
            source = graph.tensors[t.encoding_of]
            chosen[name] = encoding_at(chosen.get(t.encoding_of, source.encoding), source.dtype, t.dtype)
    for name, enc in chosen.items():
        doc["activation_encodings"].append({"name": name, "enc_type": "PER_TENSOR", "dtype": "INT",
                                            "bw": int(graph.tensors[name].dtype.rsplit("_", 1)[1]),
                                            "is_sym": enc.dtype.startswith("S"), "scale": [enc.scale],
                                            "offset": [enc.offset]})
    return doc


CLIP_TOLERANCE = 0.05  # of the encoding's range: beyond this an adapter visibly saturates


def fixed_encoding_overflows(graph, ranges: dict) -> list[str]:
    """Activations whose encoding stays the base's (not updatable) but whose values with this
    adapter fall outside it: on the device they would saturate silently."""
    found = []
    for name, values in ranges.items():
        t = graph.tensors.get(name)
        if t is None or t.updatable_encoding or t.encoding is None or t.role not in ACTIVATIONS:
            continue
        bits = int(t.dtype.rsplit("_", 1)[1])
        lo, hi = t.encoding.offset * t.encoding.scale, (t.encoding.offset + 2 ** bits - 1) * t.encoding.scale
        over = max(lo - float(values.min()), float(values.max()) - hi, 0.0) / (hi - lo)
        if over > CLIP_TOLERANCE:
            found.append(f"'{name}' reaches [{float(values.min()):.3g}, {float(values.max()):.3g}] but keeps the "
                         f"base encoding [{lo:.3g}, {hi:.3g}]")
    return found


def _float_fallback(info: dict, flag: bool | None, input_model: str, input_list: str | None) -> bool:
    """Whether adapters are quantized as the base was under --float_fallback (overrides only,
    no calibration). The model's record decides; the flag, when given, must agree with it,
    since QAIRT requires the importer's quantizer options to be the base run's."""
    recorded = bool(info.get("float_fallback"))
    if flag is not None and flag != recorded:
        raise ImportError_(f"--float_fallback {'is' if flag else 'is not'} given but {input_model} was quantized "
                           f"{'with' if recorded else 'without'} it: the importer's quantizer options must be the "
                           "base run's")
    if recorded and input_list:
        raise ImportError_(f"{input_model} was quantized with --float_fallback: adapters take their encodings from "
                           "their quant_overrides, not from calibration; drop --input_list")
    return recorded


def import_adapters(lora_config: str, input_model: str, input_network: str | None = None,
                    output_dir: str | None = None, input_list: str | None = None, warn=print,
                    lora_map: str | None = None, use_native_input_files: bool = False, jobs: int = 1,
                    float_fallback: bool | None = None) -> str:
    """Run the importer; returns the path of lora_output_files.yaml. ``warn`` receives a line
    per adapter whose values the base's fixed encodings would clip, or (float fallback) whose
    overrides leave updatable activations at the base's encodings. ``float_fallback``: the
    --float_fallback flag (None: not given)."""
    workers.check_count(jobs, ImportError_)
    cases, base = read_config(lora_config)
    graphs, info = model_file.load(input_model)
    graph = graphs[0]
    if not graph.lora_weights:
        raise ImportError_(f"{input_model} has no LoRA weights; convert with --lora_weight_list")
    fallback = _float_fallback(info, float_fallback, input_model, input_list)
    lora = {n: graph.tensors[n].shape for n in graph.lora_weights}
    updatable = [n for n, t in graph.tensors.items() if t.updatable_encoding and t.encoding is not None]
    quantized = any(graph.tensors[n].encoding is not None for n in graph.lora_weights) or bool(updatable)
    needs_calibration = quantized and bool(updatable) and not fallback
    if needs_calibration and not (input_list and input_network):
        raise ImportError_(f"{input_model} has per-adapter activation encodings ({info.get('quant_updatable_mode')} "
                           "mode): pass --input_network and --input_list to calibrate each adapter")
    try:
        network = onnx_file.load(input_network) if input_network else None
    except onnx_file.OnnxFileError as err:
        raise ImportError_(str(err)) from None
    mapping = read_map(lora_map) if lora_map else None
    prepared, problems, precisions = {}, [], {}
    for case in cases:
        tensors, config = read_adapter(case["lora_weights"])
        precisions[case["name"]] = {str(v.dtype) for v in tensors.values()}
        unusable = unrepresentable(case["name"], config, tensors)
        if unusable:
            problems += unusable
            continue
        try:
            matches = adapter_matches(tensors, lora, mapping, network)
        except MappingError as err:
            problems.append(f"adapter '{case['name']}': {err}")
            continue
        prepared[case["name"]], issues = prepare(case["name"], tensors, config, lora, matches)
        problems += issues
    if len({frozenset(d) for d in precisions.values()}) > 1:
        problems.append("adapters differ in precision: " + ", ".join(f"'{n}' {sorted(d)}" for n, d in precisions.items()))
    if problems:
        raise ImportError_("; ".join(problems))
    float_graph = samples = None
    if needs_calibration:
        float_graph = import_onnx(network, set(graph.lora_weights), graph.name)
        samples = read_input_list(input_list, float_graph, use_native_input_files)
    out_dir = output_dir or next((c["output_path"] for c in cases if c.get("output_path")), None) or \
        os.path.join(base, DEFAULT_OUTPUT)
    summary, encodings = [], {}
    for case in cases:
        name = case["name"]
        entry = {"name": name, "graph": graph.name, "weights": f"{name}_lora.safetensors"}
        if quantized:
            entry["encodings"] = f"{name}_lora.encodings"
        summary.append(entry)
    if quantized:
        work = [(case["name"], prepared[case["name"]], case.get("quant_overrides")) for case in cases]
        shared = (graph, float_graph, samples, info.get("quant_updatable_mode"), updatable if fallback else [])
        if jobs > 1 and len(work) > 1:
            with workers.pool(min(jobs, len(work)), _share, (shared,)) as pool:
                results = list(pool.map(_case_encodings, work))
        else:
            _share(shared)
            results = [_case_encodings(w) for w in progress.bar(work, len(work), "adapters")]
        for name, doc, warning in results:  # in the config's order, whatever the process
            encodings[name] = doc
            if warning:
                warn(warning)
    os.makedirs(out_dir, exist_ok=True)
    for entry in summary:  # paths relative to the summary file: the folder can move as a whole
        save_file({k: np.ascontiguousarray(v) for k, v in prepared[entry["name"]].items()},
                  os.path.join(out_dir, entry["weights"]))
        if "encodings" in entry:
            with open(os.path.join(out_dir, entry["encodings"]), "w") as f:
                json.dump(encodings[entry["name"]], f, indent=1)
    summary_path = os.path.join(out_dir, "lora_output_files.yaml")
    with open(summary_path, "w") as f:
        yaml.safe_dump({"use_case": summary}, f, sort_keys=False)
    return summary_path


_SHARED: dict = {}  # what every adapter's calibration reads: sent once to each worker process


def _share(shared) -> None:
    _SHARED["value"] = shared


def _case_encodings(work) -> tuple[str, dict, str | None]:
    """One adapter's encodings document (calibrated with it merged in when the model has
    per-adapter activation encodings) and the saturation warning, if any."""
    graph, float_graph, samples, mode, fallback_activations = _SHARED["value"]
    name, values, overrides_path = work
    ranges, warning = {}, None
    overrides = parse_overrides(overrides_path) if overrides_path else {}
    kept = [n for n in fallback_activations if n not in overrides]
    if kept:
        warning = (f"adapter '{name}': {len(kept)} updatable activation(s) have no encoding in its quant_overrides "
                   f"and keep the base's (float fallback: nothing is calibrated): {', '.join(kept[:3])}"
                   f"{' and more' if len(kept) > 3 else ''}")
    if float_graph is not None:
        for tensor, v in values.items():
            float_graph.tensors[tensor].data = v
        ranges = calibrate(float_graph, samples)
        overflows = fixed_encoding_overflows(graph, ranges)
        if overflows:
            warning = (f"adapter '{name}' saturates {len(overflows)} activation(s) whose encodings are fixed in "
                       f"'{mode}' mode: {'; '.join(overflows[:3])}{' and more' if len(overflows) > 3 else ''}. "
                       "Calibrate the base with a representative adapter merged in, or convert with "
                       "--quant_updatable_mode all")
    return name, _encodings_doc(graph, values, ranges, overrides), warning


def add_arguments(parser) -> None:
    parser.add_argument("--lora_config", required=True, help="importer YAML: use_case list")
    parser.add_argument("--input_model", "--input_dlc", dest="input_model", required=True,
                        help="the converted base model (.qnnpy; QAIRT calls it --input_dlc)")
    parser.add_argument("--input_network", help="the base ONNX model (for per-adapter calibration)")
    parser.add_argument("--output_dir", help=f"default: the config's output_path, else ./{DEFAULT_OUTPUT}")
    parser.add_argument("--input_list", help="calibration inputs, as for the base model")
    parser.add_argument("--use_native_input_files", action="store_true",
                        help="the input list's raw files hold each input's own type")
    parser.add_argument("--lora_map", help="lora-tensor-names --map output: adapter key -> ONNX name and layout")
    parser.add_argument("--jobs", type=int, default=1, help="processes that calibrate the adapters (same files)")
    parser.add_argument("--float_fallback", action="store_const", const=True,
                        help="the base was quantized with --float_fallback (checked against the model's record): "
                             "adapters take their encodings from their quant_overrides alone")
    device_flags.add(parser, DEVICE_FLAGS)


DEVICE_FLAGS = ("debug", "skip_validation", "skip_apply_graph_transforms", "dump_usecase_onnx", "dump_usecase_dlc")


def run(args) -> int:
    if not device_flags.accepted(args, "lora-importer", DEVICE_FLAGS):
        return 1
    try:
        path = import_adapters(args.lora_config, args.input_model, args.input_network, args.output_dir, args.input_list,
                               lambda line: print(f"qnnpy lora-importer: warning: {line}", file=sys.stderr),
                               args.lora_map, args.use_native_input_files, args.jobs, args.float_fallback)
    except (ImportError_, QuantizationError, MappingError, model_file.ModelFileError) as err:
        print(f"qnnpy lora-importer: error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
