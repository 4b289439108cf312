"""qnnpy quant-analyzer: what each quantized tensor costs a model, and the 16-bit tensors that win it back.

The model is quantized as the converter would (same flags), then each part is quantized
alone in the otherwise float graph — the weights, and each activation group (tensors a
Reshape or Transpose apart hold the same values and encoding, so they count once) — by
quantizing and dequantizing it where it is produced. The SQNR of the outputs against the
float graph says what the part costs. Small independent noises add, so the parts with the
most noise are where 16 bits pay: ``--target_sqnr_db`` promotes the fewest activation groups
that reach the target by that sum, converts the model with them (mixed precision lowered
with Converts), measures it, and writes the overrides for ``qnnpy converter``.
"""
import copy
import json
import math
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field

import numpy as np

from qnnpy.tools.converter import ConversionError, calibrate, check_quantizer_options, load_network, quantizer_extras
from qnnpy.tools.converter.mixed_precision import encoding_at, insert_converts
from qnnpy.tools.converter.model import INPUT, NATIVE, Graph, Node, Tensor
from qnnpy.tools.converter.quantizer import (ACTIVATIONS, WEIGHTS, QuantizationError, dequantize_values, quantize,
                                             quantize_values, read_input_list)
from qnnpy.tools.converter.runner import GraphRunner, RunError

REPORT = "quant_analysis.json"
OVERRIDES = "mixed_precision.encodings"
SAME_VALUES = ("Reshape", "Transpose")
WIDE_BITS = 16


@dataclass
class Part:
    tensors: list[str]
    sqnr_db: float

    @property
    def noise(self) -> float:
        """Noise power relative to the outputs' power."""
        return 10 ** (-self.sqnr_db / 10)


@dataclass
class Report:
    quantized_sqnr_db: float
    weights: Part
    activations: list[Part]                  # most costly first
    promoted: list[str] = field(default_factory=list)
    mixed_predicted_sqnr_db: float | None = None
    mixed_sqnr_db: float | None = None
    overrides: dict | None = None

    @property
    def noise(self) -> float:
        """The parts' noises summed: what the whole model's would be if they are independent."""
        return self.weights.noise + sum(p.noise for p in self.activations)

    @property
    def predicted_sqnr_db(self) -> float:
        return _db(self.noise)


def sqnr_db(references: list[dict], results: list[dict]) -> float:
    signal = noise = 0.0
    for ref, got in zip(references, results):
        for name, values in ref.items():
            signal += float(np.sum(values.astype(np.float64) ** 2))
            noise += float(np.sum((values.astype(np.float64) - got[name]) ** 2))
    return math.inf if noise == 0 else 10 * math.log10(signal / noise)


def run_all(graph: Graph, samples: list[dict]) -> list[dict]:
    with GraphRunner(graph) as runner:
        return [runner.run(s) for s in samples]


def activation_groups(graph: Graph, encodings: dict) -> list[list[str]]:
    """Quantized activations, joined where a Reshape/Transpose passes values on unchanged
    under the same encoding."""
    parent = {n: n for n, t in graph.tensors.items() if t.role in ACTIVATIONS and n in encodings}

    def root(n):
        while parent[n] != n:
            n = parent[n]
        return n

    for node in graph.nodes:
        a, b = node.inputs[0] if node.inputs else None, node.outputs[0]
        if node.op_type in SAME_VALUES and a in parent and b in parent and encodings[a] == encodings[b]:
            parent[root(b)] = root(a)
    groups = {}
    for n in parent:
        groups.setdefault(root(n), []).append(n)
    return list(groups.values())


def fake_quantized(graph: Graph, encodings: dict, names) -> Graph:
    """A copy of the float ``graph`` in which each named tensor is quantized and dequantized
    with its encoding: weights in place, activations by a Convert pair where produced."""
    g = copy.deepcopy(graph)
    producers = {o: node for node in g.nodes for o in node.outputs}
    for name in names:
        t, enc = g.tensors[name], encodings[name]
        if t.role in WEIGHTS:
            t.data = dequantize_values(quantize_values(t.data, enc), enc)
            continue
        fixed = f"{name}/fake_quant"
        g.tensors[fixed] = Tensor(fixed, NATIVE, enc.dtype, t.shape, encoding=enc)
        if t.role == INPUT:
            real = f"{name}/dequantized"
            for node in g.nodes:
                node.inputs = [real if i == name else i for i in node.inputs]
            g.tensors[real] = Tensor(real, NATIVE, t.dtype, t.shape)
            g.nodes[:0] = [Node(fixed, "Convert", [name], [fixed]), Node(real, "Convert", [fixed], [real])]
        else:
            raw = f"{name}/float"
            g.tensors[raw] = Tensor(raw, NATIVE, t.dtype, t.shape)
            producer = producers[name]
            producer.outputs = [raw if o == name else o for o in producer.outputs]
            at = g.nodes.index(producer) + 1
            g.nodes[at:at] = [Node(fixed, "Convert", [raw], [fixed]), Node(f"{name}/dequantize", "Convert", [fixed], [name])]
    return g


def analyze(input_network: str, input_list: str, lora_weight_list: str | None = None,
            eval_input_list: str | None = None, act_bitwidth: int = 8, weights_bitwidth: int = 8,
            act_quantizer_calibration: str = "min-max", use_per_channel_quantization: bool = False,
            quantization_overrides: str | None = None, target_sqnr_db: float | None = None,
            use_native_input_files: bool = False, extras: dict | None = None) -> Report:
    """Raises ConversionError / QuantizationError / RunError with a message for the user.
    ``extras``: quantize()'s further options (converter.quantizer_extras)."""
    check_quantizer_options(act_bitwidth, weights_bitwidth, act_quantizer_calibration)
    if target_sqnr_db is not None and act_bitwidth == WIDE_BITS:
        raise ConversionError(f"--target_sqnr_db promotes 8-bit activations to {WIDE_BITS} bits; with --act_bitwidth "
                              f"{WIDE_BITS} there is nothing to promote")
    float_graph = load_network(input_network, lora_weight_list, "analyzed")
    ranges = calibrate(float_graph, read_input_list(input_list, float_graph, use_native_input_files))
    samples = read_input_list(eval_input_list or input_list, float_graph, use_native_input_files)

    def quantized(overrides_path):
        g = copy.deepcopy(float_graph)
        doc = quantize(g, ranges, act_bitwidth, weights_bitwidth, "none", overrides_path, act_quantizer_calibration,
                       use_per_channel_quantization, **(extras or {}))
        encodings = {n: t.encoding for n, t in g.tensors.items() if t.encoding is not None}
        insert_converts(g)
        return g, doc, encodings

    references = run_all(float_graph, samples)

    def measured(graph):
        return sqnr_db(references, run_all(graph, samples))

    q_graph, doc, encodings = quantized(quantization_overrides)
    weights = [n for n, t in float_graph.tensors.items() if t.role in WEIGHTS and n in encodings]
    parts = [Part(group, measured(fake_quantized(float_graph, encodings, group)))
             for group in activation_groups(float_graph, encodings)]
    parts.sort(key=lambda p: p.noise, reverse=True)
    report = Report(measured(q_graph), Part(weights, measured(fake_quantized(float_graph, encodings, weights))), parts)
    if target_sqnr_db is not None:
        _promote(report, target_sqnr_db, doc, encodings, quantized, measured)
    return report


def _db(noise: float) -> float:
    return math.inf if noise <= 0 else -10 * math.log10(noise)


def _promote(report, target, doc, encodings, quantized, measured) -> None:
    """The fewest most costly groups whose promotion to 16 bits reaches ``target`` by the sum
    of noises (a promoted group keeps 1/257^2 of its noise), then measured for real."""
    shrink = ((2 ** WIDE_BITS - 1) / (2 ** 8 - 1)) ** -2
    noise = report.noise
    chosen = []
    for part in report.activations:
        if _db(noise) >= target:
            break
        noise -= part.noise * (1 - shrink)
        chosen.append(part)
    report.promoted = [n for part in chosen for n in part.tensors]
    report.mixed_predicted_sqnr_db = _db(noise)
    wide = f"UFIXED_POINT_{WIDE_BITS}"
    promoted, entries = set(report.promoted), []
    for e in doc["activation_encodings"]:
        if e["name"] in promoted:
            name = e["name"]
            enc = encoding_at(encodings[name], encodings[name].dtype, wide)
            e = dict(e, bw=WIDE_BITS, is_sym=False, scale=[enc.scale], offset=[enc.offset])
        entries.append(e)
    report.overrides = dict(doc, activation_encodings=entries)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, OVERRIDES)
        with open(path, "w") as f:
            json.dump(report.overrides, f)
        report.mixed_sqnr_db = measured(quantized(path)[0])


def add_arguments(parser) -> None:
    from qnnpy.tools.converter import add_quantizer_arguments
    add_quantizer_arguments(parser)
    parser.add_argument("--eval_input_list", help="inputs to measure on (default: the calibration inputs)")
    parser.add_argument("--target_sqnr_db", type=float,
                        help="promote the fewest activations to 16 bits that reach this SQNR, and write the overrides")
    parser.add_argument("--output_dir", default="quant_analysis", help=f"where {REPORT} (and {OVERRIDES}) go")


def run(args) -> int:
    if not args.input_list:
        print("qnnpy quant-analyzer: error: --input_list is required (calibration inputs)", file=sys.stderr)
        return 1
    try:
        report = analyze(args.input_network, args.input_list, args.lora_weight_list, args.eval_input_list,
                         args.act_bitwidth, args.weights_bitwidth, args.act_quantizer_calibration,
                         args.use_per_channel_quantization,
                         None if args.ignore_encodings else args.quantization_overrides, args.target_sqnr_db,
                         args.use_native_input_files, quantizer_extras(args))
    except (ConversionError, QuantizationError, RunError) as err:
        print(f"qnnpy quant-analyzer: error: {err}", file=sys.stderr)
        return 1
    os.makedirs(args.output_dir, exist_ok=True)
    summary = dict(asdict(report), predicted_sqnr_db=report.predicted_sqnr_db)
    summary.pop("overrides")
    with open(os.path.join(args.output_dir, REPORT), "w") as f:
        json.dump(_finite(summary), f, indent=1)
    overrides = report.overrides
    if overrides is not None:
        with open(os.path.join(args.output_dir, OVERRIDES), "w") as f:
            json.dump(overrides, f, indent=1)
    print(describe(report, args.act_bitwidth, args.weights_bitwidth))
    return 0


def _finite(value):
    """JSON has no infinity: a lossless part's SQNR is written as null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return None if isinstance(value, float) and math.isinf(value) else value


def describe(report: Report, act_bits: int, weight_bits: int) -> str:
    total = report.noise
    lines = [f"A{act_bits}W{weight_bits}: SQNR vs float {report.quantized_sqnr_db:.2f} dB measured, "
             f"{report.predicted_sqnr_db:.2f} dB as the sum of the parts below",
             f"{'SQNR alone':>11}  {'noise share':>11}  part",
             f"{report.weights.sqnr_db:9.2f} dB  {100 * report.weights.noise / total:9.1f} %  "
             f"weights ({len(report.weights.tensors)})"]
    lossless = [part for part in report.activations if part.noise == 0]
    for part in report.activations:
        if part.noise > 0:
            more = f" (+{len(part.tensors) - 1} reshaped)" if len(part.tensors) > 1 else ""
            lines.append(f"{part.sqnr_db:9.2f} dB  {100 * part.noise / total:9.1f} %  {part.tensors[0]}{more}")
    if lossless:
        lines.append(f"{'lossless':>11}  {0:9.1f} %  {len(lossless)} more, e.g. {lossless[0].tensors[0]}")
    if report.mixed_sqnr_db is not None:
        lines.append(f"{len(report.promoted)} activations at {WIDE_BITS} bit: {report.mixed_predicted_sqnr_db:.2f} dB "
                     f"predicted, {report.mixed_sqnr_db:.2f} dB measured; overrides in {OVERRIDES}")
        if len(report.promoted) == sum(len(p.tensors) for p in report.activations):
            lines.append("every activation is promoted: what is left is the weights' noise (try "
                         "--use_per_channel_quantization, or 8-bit instead of 4-bit weights)")
    return "\n".join(lines)
