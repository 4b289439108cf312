"""``qnnpy converter``: ONNX model -> ``.qnnpy`` model file (+ AIMET 1.0.0 encodings when
quantized). Flag names follow qairt-converter / qairt-quantizer."""
import dataclasses
import difflib
import json
import os

import numpy as np
import onnx
from onnx import utils as onnx_utils

from qnnpy.tools import device_flags, model_file, onnx_file, progress
from qnnpy.tools.converter.mixed_precision import insert_converts
from qnnpy.tools.converter.model import NATIVE, OUTPUT, Graph
from qnnpy.tools.converter.onnx_import import ConversionError, import_onnx
from qnnpy.tools.converter.quantizer import QuantizationError, quantize, read_input_list, to_float16
from qnnpy.tools.converter.runner import GraphRunner, RunError

MODES = ("none", "adapter_only", "all", "float_only")
CALIBRATIONS = ("min-max", "mse", "percentile")
QAIRT_CALIBRATIONS = CALIBRATIONS + ("sqnr", "entropy")  # what qairt-quantizer lists


def read_weight_list(path: str, model: onnx.ModelProto) -> set[str]:
    """Names from --lora_weight_list; each must be an initializer (closest ones suggested)."""
    try:
        with open(path) as f:
            names = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    except OSError as err:
        raise ConversionError(f"cannot read --lora_weight_list {path}: {err}") from None
    initializers = {i.name for i in model.graph.initializer}
    problems = []
    for name in names:
        if name not in initializers:
            close = difflib.get_close_matches(name, initializers, n=3, cutoff=0.5)
            problems.append(f"'{name}'" + (f" (closest: {close})" if close else ""))
    if problems:
        raise ConversionError(f"--lora_weight_list names {len(problems)} tensor(s) that are not initializers of "
                              f"the model: {'; '.join(problems)}")
    if not names:
        raise ConversionError(f"--lora_weight_list {path} names no tensors")
    return set(names)


CALIBRATION_SAMPLE = 1 << 16  # values kept per tensor for range selection
# A softmax input's values more than this below the smallest row maximum seen change no
# output by more than exp(-20) ~ 2e-9 of the largest term: calibration clamps them there, so
# that an attention mask's fill (float32's lowest value, -inf, -1e4) no longer sets the range
# of the masked scores and leaves the real scores without resolution (docs/numerics.md).
SOFTMAX_MARGIN = 20.0


def _sharing_data(graph: Graph) -> Graph:
    """A copy of ``graph`` whose tensor records may change while their data arrays (the
    weights, read-only here) stay shared: calibration need not copy a model's weights."""
    return dataclasses.replace(graph, tensors={n: dataclasses.replace(t) for n, t in graph.tensors.items()},
                               outputs=list(graph.outputs))


def calibrate(graph: Graph, samples: list[dict]) -> dict[str, np.ndarray]:
    """Values of every activation over the samples (at most CALIBRATION_SAMPLE, always with
    the extremes), computed by qnnpy itself: a copy of the float graph whose intermediates are
    all outputs (the public API reads only outputs)."""
    probe = _sharing_data(graph)
    for t in probe.tensors.values():
        if t.role == NATIVE:
            t.role = OUTPUT
    probe.outputs = [n for n, t in probe.tensors.items() if t.role == OUTPUT]
    ranges, floors = {}, {}
    softmax_axes = {n.inputs[0]: n.params.get("axis") for n in graph.nodes if n.op_type in ("Softmax", "LogSoftmax")}
    try:
        with GraphRunner(probe) as runner:
            for sample in progress.bar(samples, len(samples), "calibration"):
                for name, values in list(sample.items()) + list(runner.run(sample).items()):
                    values = np.asarray(values, np.float32)
                    if name in softmax_axes:
                        axis = softmax_axes[name] if softmax_axes[name] is not None else -1
                        floors[name] = min(floors.get(name, np.inf), float(values.max(axis=axis).min()))
                    ranges.setdefault(name, []).append(values.reshape(-1))
    except RunError as err:
        raise QuantizationError(f"calibration: {err}") from None
    for name, floor in floors.items():  # see SOFTMAX_MARGIN
        ranges[name] = [np.maximum(chunk, np.float32(floor - SOFTMAX_MARGIN)) for chunk in ranges[name]]
    rng = np.random.default_rng(0)
    kept = {}
    for name, chunks in ranges.items():
        values = np.concatenate(chunks)
        if values.size > CALIBRATION_SAMPLE:
            values = np.concatenate([rng.choice(values, CALIBRATION_SAMPLE - 2, replace=False),
                                     [values.min(), values.max()]])
        kept[name] = values
    return kept


def calibrate_base_and_export(graph: Graph, samples: list[dict]) -> dict[str, np.ndarray]:
    """Ranges that serve the base model and the adapter it was exported with: calibration
    values with the LoRA weights as exported and with them zeroed (the default adapter).
    Calibrated with the exported adapter alone, the base's activations could fall outside
    every encoding that an adapter_only section leaves in place."""
    ranges = calibrate(graph, samples)
    if not graph.lora_weights:
        return ranges
    base = _sharing_data(graph)
    for name in base.lora_weights:
        base.tensors[name].data = np.zeros_like(graph.tensors[name].data)
    zeroed = calibrate(base, samples)
    return {name: np.concatenate([values, zeroed[name]]) for name, values in ranges.items()}


def check_quantizer_options(act_bitwidth: int, weights_bitwidth: int, act_quantizer_calibration: str) -> None:
    if act_quantizer_calibration not in CALIBRATIONS:
        raise ConversionError(f"--act_quantizer_calibration {act_quantizer_calibration} cannot be honoured: qnnpy "
                              f"calibrates with {', '.join(CALIBRATIONS)}")
    if act_bitwidth not in (8, 16) or weights_bitwidth not in (4, 8):
        raise ConversionError("--act_bitwidth takes 8 or 16, --weights_bitwidth 8 or 4")


def quantizer_extras(args) -> dict:
    """quantize()'s further options from the QAIRT quantizer flags, each checked; a flag whose
    effect qnnpy does not reproduce is refused by name (ConversionError)."""
    if getattr(args, "param_quantizer_calibration", "min-max") != "min-max":
        raise ConversionError(f"--param_quantizer_calibration {args.param_quantizer_calibration} cannot be honoured: "
                              "qnnpy sets weight ranges from their min/max (AIMET's symmetric rule)")
    if getattr(args, "param_quantizer_schema", None) not in (None, "symmetric"):
        raise ConversionError(f"--param_quantizer_schema {args.param_quantizer_schema} cannot be honoured: qnnpy "
                              "quantizes weights symmetrically")
    if getattr(args, "bias_bitwidth", 8) != 8:
        raise ConversionError("--bias_bitwidth 32 cannot be honoured: qnnpy quantizes biases as weights, at the "
                              "weight bitwidth")
    percentile = getattr(args, "percentile_calibration_value", 99.99)
    if not 90.0 <= percentile <= 100.0:
        raise ConversionError(f"--percentile_calibration_value {percentile} must lie between 90 and 100")
    if getattr(args, "float_fallback", False) and getattr(args, "input_list", None):
        raise ConversionError("--float_fallback takes no --input_list: tensors without an override stay float")
    return {"percentile": percentile, "act_schema": getattr(args, "act_quantizer_schema", "asymmetric"),
            "per_row": getattr(args, "use_per_row_quantization", False),
            "float_fallback": getattr(args, "float_fallback", False)}


def load_network(input_network: str, lora_weight_list: str | None, name: str, input_shapes: dict | None = None,
                 symbols: dict | None = None, output_tensors: list[str] | None = None) -> Graph:
    """The ONNX model as a float graph named ``name``, its LoRA weights kept by name;
    ``output_tensors`` (--output_tensor) makes those tensors the outputs, cutting what
    only the others need."""
    try:
        model = onnx_file.load(input_network)
    except onnx_file.OnnxFileError as err:
        raise ConversionError(str(err)) from None
    if output_tensors:
        model = with_outputs(model, output_tensors)
    lora = read_weight_list(lora_weight_list, model) if lora_weight_list else set()
    return build_graph(model, lora, name, input_shapes, symbols)


def with_outputs(model: onnx.ModelProto, names: list[str]) -> onnx.ModelProto:
    """The part of ``model`` that computes ``names``, which become its outputs; the inputs it
    no longer reads are dropped."""
    produced = {o for n in model.graph.node for o in n.output} | {i.name for i in model.graph.input}
    unknown = [n for n in names if n not in produced]
    if unknown:
        raise ConversionError(f"--output_tensor names {unknown}, which no node of the model produces")
    producer = {o: n for n in model.graph.node for o in n.output}
    needed, stack = set(), list(names)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        if name in producer:
            stack.extend(i for i in producer[name].input if i)
            for attr in producer[name].attribute:  # subgraphs (If, Loop) read outer names too
                for g in ([attr.g] if attr.HasField("g") else list(attr.graphs)):
                    stack.extend(i for n in g.node for i in n.input if i)
    inputs = [i.name for i in model.graph.input if i.name in needed]
    try:
        return onnx_utils.Extractor(onnx.shape_inference.infer_shapes(model)).extract_model(inputs, list(names))
    except Exception as err:  # onnx raises several types for names without a known type
        raise ConversionError(f"--output_tensor {names}: the model cannot be cut there ({err})") from None


def parse_shapes(pairs) -> dict[str, tuple[int, ...]]:
    """``--desired_input_shape NAME 1,128`` pairs."""
    shapes = {}
    for name, dims in pairs or []:
        try:
            values = tuple(int(d) for d in dims.split(","))
        except ValueError:
            raise ConversionError(f"--desired_input_shape {name} {dims}: dimensions are comma-separated integers") from None
        if not values or min(values) < 1:
            raise ConversionError(f"--desired_input_shape {name} {dims}: dimensions must be positive")
        shapes[name] = values
    return shapes


def parse_symbols(pairs) -> dict[str, int]:
    """``--onnx_define_symbol NAME VALUE`` pairs."""
    symbols = {}
    for name, value in pairs or []:
        if not value.isdigit() or int(value) < 1:
            raise ConversionError(f"--onnx_define_symbol {name} {value}: the size must be a positive integer")
        symbols[name] = int(value)
    return symbols


def build_graph(model: onnx.ModelProto, lora: set[str], name: str, input_shapes: dict | None = None,
                symbols: dict | None = None) -> Graph:
    """Import ``model`` and check that the backend accepts every op of the result, so that a
    model the backend would refuse is refused here, before anything is written."""
    try:
        graph = import_onnx(model, lora, name, input_shapes, symbols)
    except ConversionError:
        raise
    except Exception as err:  # a converter bug must still reach the user as one clear line
        raise ConversionError(f"[internal] the converter failed ({type(err).__name__}: {err}); please report "
                              "this model") from None
    try:
        GraphRunner(graph).close()
    except RunError as err:
        raise ConversionError(f"[backend] the converted graph is not valid for the HTP backend: {err}") from None
    return graph


def convert(input_network: str, output_path: str, lora_weight_list: str | None = None,
            quantization_overrides: str | None = None, input_list: str | None = None, act_bitwidth: int = 8,
            weights_bitwidth: int = 8, quant_updatable_mode: str = "adapter_only", float_bitwidth: int = 32,
            graph_name: str | None = None, act_quantizer_calibration: str = "min-max",
            use_per_channel_quantization: bool = False, use_native_input_files: bool = False,
            desired_input_shape=None, onnx_define_symbol=None, quantizer_options: dict | None = None,
            output_tensors: list[str] | None = None) -> Graph:
    """Convert; raises ConversionError / QuantizationError with a message for the user, and
    writes nothing unless everything succeeded."""
    if quant_updatable_mode not in MODES:
        raise ConversionError(f"--quant_updatable_mode must be one of {MODES}")
    if float_bitwidth not in (16, 32):
        raise ConversionError("--float_bitwidth takes 32 or 16")
    check_quantizer_options(act_bitwidth, weights_bitwidth, act_quantizer_calibration)
    graph = load_network(input_network, lora_weight_list, graph_name or os.path.splitext(os.path.basename(output_path))[0],
                         parse_shapes(desired_input_shape), parse_symbols(onnx_define_symbol), output_tensors)
    info = {"source": os.path.basename(input_network), "quant_updatable_mode": quant_updatable_mode}
    encodings = None
    quantized = quant_updatable_mode != "float_only" and (input_list or quantization_overrides)
    if quantized:
        info.update(fallback_record(quantizer_options))
        encodings = quantize_graph(graph, input_list, act_bitwidth, weights_bitwidth, quant_updatable_mode,
                                   quantization_overrides, act_quantizer_calibration, use_per_channel_quantization,
                                   use_native_input_files, **(quantizer_options or {}))
    elif float_bitwidth == 16:
        to_float16(graph)
    save(graph, info, output_path, encodings)
    return graph


def quantize_graph(graph: Graph, input_list: str | None, act_bitwidth: int, weights_bitwidth: int, mode: str,
                   quantization_overrides: str | None, calibration: str, per_channel: bool,
                   native_inputs: bool, **extras) -> dict:
    """Calibrate ``graph`` (float) over the input list and quantize it in place (the
    converter's quantizing half, and qairt-quantizer's whole job); returns the encodings.
    ``extras``: quantize()'s further options (quantizer_extras)."""
    samples = read_input_list(input_list, graph, native_inputs) if input_list else []
    ranges = calibrate_base_and_export(graph, samples) if samples else {}
    encodings = quantize(graph, ranges, act_bitwidth, weights_bitwidth, mode, quantization_overrides, calibration,
                         per_channel, **extras)
    insert_converts(graph)
    return encodings


def fallback_record(quantizer_options: dict | None) -> dict:
    """What the model file records of --float_fallback: the importer must quantize adapters
    the way the base was (QAIRT replays the base's quantizer options per use case)."""
    return {"float_fallback": True} if (quantizer_options or {}).get("float_fallback") else {}


def save(graph: Graph, info: dict, output_path: str, encodings: dict | None) -> None:
    """The model file, and beside it the AIMET 1.0.0 encodings when quantized."""
    model_file.save(output_path, [graph], info)
    if encodings is not None:
        with open(encodings_path(output_path), "w") as f:
            json.dump(encodings, f, indent=1)


def encodings_path(output_path: str) -> str:
    return os.path.splitext(output_path)[0] + ".encodings"


DEVICE_FLAGS = ("onnx_skip_simplification", "skip_validation", "disable_transform_tracking", "transforms_metadata",
                "disable_onnx_simplification", "onnx_defer_loading", "enable_framework_trace", "op_package_config",
                "converter_op_package_lib", "package_name")
# the quantizer's flags that are noted or refused by name (device_flags), on both tools
QUANTIZER_DEVICE_FLAGS = ("dump_encodings_json", "quantization_algorithms", "restrict_quantization_steps",
                          "op_package_lib")


def add_arguments(parser) -> None:
    parser.add_argument("--output_path", required=True, help="the .qnnpy model file to write")
    add_quantizer_arguments(parser)
    parser.add_argument("--quant_updatable_mode", default="adapter_only", choices=MODES)
    parser.add_argument("--float_bitwidth", type=int, default=32, choices=(16, 32))
    parser.add_argument("-d", "--desired_input_shape", nargs=2, action="append", metavar=("NAME", "DIMS"),
                        help="a static shape for an input with dynamic dimensions, e.g. -d input_ids 1,128")
    parser.add_argument("--onnx_define_symbol", nargs=2, action="append", metavar=("SYMBOL", "SIZE"),
                        help="the size of a named dynamic dimension, e.g. --onnx_define_symbol seq 128")
    parser.add_argument("--output_tensor", "--out_tensor_node", "--out_node", action="append", dest="output_tensor",
                        help="make this tensor a graph output (repeat for several); what only other outputs need "
                             "is cut")
    parser.add_argument("--float_bias_bitwidth", type=int, default=32, choices=(16, 32),
                        help="float biases: 32 (16 is refused; --float_bitwidth 16 makes the whole model float16)")
    device_flags.add(parser, DEVICE_FLAGS + QUANTIZER_DEVICE_FLAGS)


def add_quantizer_arguments(parser) -> None:
    """The model and quantizer flags, shared with ``quant-analyzer``."""
    parser.add_argument("-i", "--input_network", required=True, help="the ONNX model")
    parser.add_argument("--lora_weight_list", help="file naming the LoRA weights (ONNX initializer names), one a line")
    add_quantizer_flags(parser)


def add_quantizer_flags(parser) -> None:
    """The quantizer's own flags, shared with ``quantizer`` (qairt-quantizer)."""
    from qnnpy.tools.converter.quantizer import SCHEMAS
    parser.add_argument("--quantization_overrides", help="AIMET encodings JSON (legacy 0.6.1, 1.0.0 or 2.0.0)")
    parser.add_argument("--ignore_encodings", action="store_true",
                        help="compute every encoding: --quantization_overrides is not read")
    parser.add_argument("--act_quantizer_schema", default="asymmetric", choices=SCHEMAS,
                        help="activations over their range, symmetric around 0, or [0, max] when never negative")
    parser.add_argument("--percentile_calibration_value", type=float, default=99.99,
                        help="with --act_quantizer_calibration percentile: the percentile kept (90..100)")
    parser.add_argument("--param_quantizer_calibration", default="min-max", choices=QAIRT_CALIBRATIONS,
                        help="weights: min-max only (others are refused)")
    parser.add_argument("--param_quantizer_schema", choices=SCHEMAS,
                        help="weights: symmetric only (qnnpy's rule; others are refused)")
    parser.add_argument("--use_per_row_quantization", action="store_true",
                        help="per-output-row encodings for the weights MatMul multiplies by")
    parser.add_argument("--float_fallback", action="store_true",
                        help="no calibration: tensors the overrides give no encoding stay float")
    parser.add_argument("--bias_bitwidth", type=int, default=8, choices=(8, 32),
                        help="8 only: biases are quantized as weights (32 is refused)")
    parser.add_argument("--input_list", help="calibration inputs, as qnn-net-run reads them (float32 raw files)")
    parser.add_argument("--use_native_input_files", action="store_true",
                        help="the input list's raw files hold each input's own type (int32 token ids, ...)")
    parser.add_argument("--act_bitwidth", type=int, default=8, choices=(8, 16))
    parser.add_argument("--weights_bitwidth", type=int, default=8, choices=(4, 8))
    parser.add_argument("--act_quantizer_calibration", default="min-max", choices=QAIRT_CALIBRATIONS,
                        help="activation ranges: calibration min/max, the [100-p, p] percentiles, or the range of "
                             "least quantization error (sqnr and entropy are refused)")
    parser.add_argument("--use_per_channel_quantization", action="store_true",
                        help="per-output-channel encodings for static weights (LoRA weights stay per-tensor)")


def run(args) -> int:
    import sys
    if not device_flags.accepted(args, "converter", DEVICE_FLAGS + QUANTIZER_DEVICE_FLAGS):
        return 1
    try:
        if args.float_bias_bitwidth != 32:
            raise ConversionError("--float_bias_bitwidth 16 cannot be honoured: float biases stay float32 unless "
                                  "the whole model is float16 (--float_bitwidth 16)")
        graph = convert(args.input_network, args.output_path, args.lora_weight_list,
                        None if args.ignore_encodings else args.quantization_overrides,
                        args.input_list, args.act_bitwidth, args.weights_bitwidth, args.quant_updatable_mode,
                        args.float_bitwidth, act_quantizer_calibration=args.act_quantizer_calibration,
                        use_per_channel_quantization=args.use_per_channel_quantization,
                        use_native_input_files=args.use_native_input_files,
                        desired_input_shape=args.desired_input_shape, onnx_define_symbol=args.onnx_define_symbol,
                        quantizer_options=quantizer_extras(args), output_tensors=args.output_tensor)
    except (ConversionError, QuantizationError) as err:
        print(f"qnnpy converter: error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {args.output_path}: graph '{graph.name}', {len(graph.nodes)} ops, {len(graph.tensors)} tensors, "
          f"{len(graph.lora_weights)} LoRA weights")
    return 0
