"""Quantizing a converted graph: calibration, the AIMET rules, overrides, updatable encodings.

- Activations: unsigned 8 or 16 bit, 0 always representable, range at least 1e-4; the range
  is the calibration min/max, with ``percentile`` calibration the [100-p, p] percentiles, or
  with ``mse`` calibration the (shrunk) range with the least quantization error on the
  calibration values. The schema (``--act_quantizer_schema``): asymmetric over the range;
  symmetric around 0 (offset -2^(bw-1), the larger side's magnitude on both sides); or
  unsigned symmetric — [0, max] when nothing is negative, else symmetric.
- Weights: symmetric signed (AIMET's rule: scale = max|w| / (2^(bw-1) - 1), offset 0), 8 bit,
  or 4 bit held in an 8-bit container (BW_SCALE_OFFSET).
- ``--quantization_overrides`` (AIMET legacy 0.6.1, 1.0.0 or 2.0.0 JSON) wins per tensor.
- ``--quant_updatable_mode``: adapter_only marks the LoRA branch's activations updatable
  (UPDATEABLE_NATIVE), all marks every activation and the I/O updatable, none marks nothing.
"""
import json

import numpy as np

from qnnpy import fixed_point
from qnnpy.htp import dtypes

from qnnpy.tools import input_list
from qnnpy.tools.converter.model import INPUT, NATIVE, OUTPUT, STATIC, UPDATABLE, Encoding, Graph

ACTIVATIONS = (INPUT, NATIVE, OUTPUT)
WEIGHTS = (STATIC, UPDATABLE)


class QuantizationError(Exception):
    pass


SCHEMAS = ("asymmetric", "symmetric", "unsignedsymmetric")


def activation_encoding(lo: float, hi: float, bits: int, schema: str = "asymmetric") -> Encoding:
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if schema == "symmetric" or (schema == "unsignedsymmetric" and lo < 0):
        half = 2 ** (bits - 1)
        scale = max(max(-lo, hi), 1e-4) / (half - 1)
        return Encoding(f"UFIXED_POINT_{bits}", float(np.float32(scale)), -half)
    scale = max(hi - lo, 1e-4) / (2 ** bits - 1)
    return Encoding(f"UFIXED_POINT_{bits}", float(np.float32(scale)), int(np.rint(lo / scale)))


def mse_activation_encoding(values: np.ndarray, bits: int, schema: str = "asymmetric") -> Encoding:
    """The range, among shrinking fractions of min/max, whose quantization error (clipping
    included) is least on the calibration values: outliers stop stealing resolution."""
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    best, best_err = None, np.inf
    for frac in np.linspace(1.0, 0.2, 17):
        enc = activation_encoding(lo * frac, hi * frac, bits, schema)
        codes = fixed_point.quantize(values, enc.scale, enc.offset, 0, 2 ** bits - 1, np.float64)
        err = float(np.mean(((codes + enc.offset) * enc.scale - values) ** 2))
        if err < best_err:
            best, best_err = enc, err
    return best


def weight_encoding(values: np.ndarray, bits: int) -> Encoding:
    top = 2 ** (bits - 1) - 1
    scale = max(float(np.abs(values).max()) if values.size else 0.0, 1e-8) / top
    return Encoding("SFIXED_POINT_8", float(np.float32(scale)), 0, bits if bits < 8 else None)


def per_channel_weight_encoding(values: np.ndarray, bits: int) -> Encoding:
    """AIMET's symmetric rule per output channel (the last axis: MatMul [in, out], Conv2d
    HWIO): a channel of small weights no longer shares the step of the largest one."""
    top = 2 ** (bits - 1) - 1
    peaks = np.abs(values).reshape(-1, values.shape[-1]).max(axis=0) if values.size else np.zeros(values.shape[-1])
    scales = [float(np.float32(max(float(p), 1e-8) / top)) for p in peaks]
    return Encoding("SFIXED_POINT_8", scales, [0] * len(scales), bits if bits < 8 else None, values.ndim - 1)


def parse_overrides(path: str) -> dict[str, Encoding | str]:
    """{tensor name: Encoding or "float"} from AIMET legacy (0.6.1), 1.0.0 or 2.0.0 JSON."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as err:
        raise QuantizationError(f"cannot read quantization overrides {path}: {err}") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    sections = ("encodings",) if version == "2.0.0" else ("activation_encodings", "param_encodings")
    if not isinstance(doc, dict) or any(s not in doc for s in sections):
        raise QuantizationError(f"{path}: an encodings file needs " + " and ".join(f"'{s}'" for s in sections))
    if version not in (None, "0.6.1", "1.0.0", "2.0.0"):
        raise QuantizationError(f"{path}: AIMET encodings version {version!r} is not supported; qnnpy reads the legacy "
                                "(0.6.1), 1.0.0 and 2.0.0 formats")
    result = {}
    try:
        if version in ("1.0.0", "2.0.0"):
            read = _from_v1 if version == "1.0.0" else _from_v2
            for section in sections:
                for e in doc[section]:
                    result[e["name"]] = read(e, path)
        else:
            for section in sections:
                for name, entries in doc[section].items():
                    result[name] = _from_legacy(name, entries, path)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise QuantizationError(f"{path}: malformed encoding entry ({type(err).__name__}: {err})") from None
    return result


def _from_v2(e: dict, path: str):
    """A 2.0.0 entry reads like ONNX's QuantizeLinear: q = round(x / y_scale) + y_zero_point
    in ``output_dtype`` ("int8", "uint16", ...), per channel along ``axis`` when y_scale is a
    list; a float dtype (or no dtype: float16) leaves the tensor in float. QNN's offset is the
    negated zero point, counted from the unsigned range's bottom."""
    dtype = e.get("output_dtype")
    if dtype is None or not str(dtype).lstrip("u").startswith("int"):
        return "float"
    if "per_block_int_scale" in e:
        return _lpbq_from_v2(e, str(dtype), path)
    if "block_size" in e:
        raise QuantizationError(f"{path}: '{e['name']}' has a per-block encoding; the HTP takes blocks as LPBQ "
                                "(per_block_int_scale with per_channel_float_scale), which qnnpy reads")
    signed, bw = not dtype.startswith("u"), int(dtype.lstrip("u")[3:])
    scales = e["y_scale"] if isinstance(e["y_scale"], list) else [e["y_scale"]]
    points = e.get("y_zero_point", 0)
    points = points if isinstance(points, list) else [points] * len(scales)
    if len(points) != len(scales) or any(float(z) != int(z) for z in points):
        raise ValueError(f"'{e['name']}': y_zero_point must be whole numbers, one per y_scale")
    channels = []
    for scale, zero in zip(scales, (int(z) for z in points)):
        if signed and zero == 0:
            channels.append(_encoding(bw, True, float(scale), 0))
        else:
            channels.append(_encoding(bw, False, float(scale), -(zero + (2 ** (bw - 1) if signed else 0))))
    return _combine(channels, e["name"], path)


def _lpbq_from_v2(e: dict, dtype: str, path: str) -> Encoding:
    """A 2.0.0 LPBQ entry: ``output_dtype`` int4 (the codes; AIMET expands them to twice
    that), ``per_channel_float_scale`` and ``per_block_int_scale`` shaped like the matrix with
    the block ``axis`` divided by ``block_size``."""
    if dtype.startswith("u") or any(int(z) != 0 for z in np.ravel(e.get("y_zero_point", 0))):
        raise QuantizationError(f"{path}: '{e['name']}': LPBQ is symmetric: a signed output_dtype and no zero point")
    integers = np.asarray(e["per_block_int_scale"])
    if integers.ndim != 2 or e["axis"] not in (0, 1, -1, -2):
        raise QuantizationError(f"{path}: '{e['name']}': qnnpy reads 2.0.0 LPBQ entries of matrices (MatMul, Gemm "
                                f"weights); per_block_int_scale here has rank {integers.ndim}")
    block_axis = e["axis"] % 2
    blocks = integers if block_axis == 1 else integers.T  # [channel, block]
    scales = np.asarray(e.get("per_channel_float_scale", e.get("y_scale")), np.float64).reshape(-1)
    bits = int(dtype[3:])
    return _lpbq(e["name"], path, scales, blocks, bits, 2 * bits, int(e["block_size"]))


def _lpbq(name: str, path: str, scales, blocks, code_bits: int, container_bits: int, block_size: int) -> Encoding:
    """LPBQ weights: ``code_bits`` codes, expanded by integers of the remaining bits to an
    ``container_bits`` container (AIMET: compressed_bw and bw)."""
    blocks = np.asarray(blocks)
    if container_bits not in (8, 16) or not 1 <= code_bits < container_bits:
        raise QuantizationError(f"{path}: '{name}': LPBQ needs codes narrower than an 8- or 16-bit container, got "
                                f"{code_bits}-bit codes in {container_bits} bits")
    if len(scales) != blocks.shape[0] or any(s <= 0 for s in scales) or block_size < 1:
        raise ValueError(f"'{name}': LPBQ needs a positive scale per channel ({len(scales)} for "
                         f"{blocks.shape[0]} channels of block integers) and a positive block_size")
    block_bits = container_bits - code_bits
    if blocks.size and (blocks.min() < 1 or blocks.max() > 1 << block_bits):
        raise QuantizationError(f"{path}: '{name}': LPBQ block integers must lie in 1..{1 << block_bits} "
                                f"({block_bits} bits), got {int(blocks.min())}..{int(blocks.max())}")
    return Encoding(f"SFIXED_POINT_{container_bits}", [float(s) for s in scales], [0] * len(scales), code_bits, -1,
                    blocks.astype(int).tolist(), block_bits, block_size)


def _from_v1(e: dict, path: str):
    if e.get("dtype", "INT").upper() == "FLOAT":
        return "float"
    if e.get("enc_type") == "LPBQ":
        if not e.get("is_sym", True) or any(int(o) not in (0, -(2 ** (int(e["bw"]) - 1))) for o in e["offset"]):
            raise QuantizationError(f"{path}: '{e['name']}': LPBQ is symmetric (offsets 0 or -2^(bw-1))")
        channels, integers = len(e["scale"]), list(e["per_block_int_scale"])
        if not channels or len(integers) % channels:
            raise ValueError(f"'{e['name']}': {len(integers)} per_block_int_scale values for {channels} channels")
        blocks = np.asarray(integers).reshape(channels, -1)  # channel-major, as AIMET writes them
        return _lpbq(e["name"], path, [float(s) for s in e["scale"]], blocks, int(e["compressed_bw"]), int(e["bw"]),
                     int(e["block_size"]))
    if e.get("enc_type", "PER_TENSOR") not in ("PER_TENSOR", "PER_CHANNEL"):
        raise QuantizationError(f"{path}: '{e['name']}' has a {e.get('enc_type')} encoding; the HTP takes blocks as "
                                "LPBQ (enc_type LPBQ), which qnnpy reads, besides PER_TENSOR and PER_CHANNEL")
    bw, sym = int(e["bw"]), bool(e.get("is_sym", False))
    channels = [_encoding(bw, sym, float(s), int(o)) for s, o in zip(e["scale"], e["offset"])]
    return _combine(channels, e["name"], path)


def _from_legacy(name: str, entries, path: str):
    if not isinstance(entries, list) or not entries:
        raise QuantizationError(f"{path}: '{name}' needs a list of encodings")
    if entries[0].get("dtype", "int") == "float":
        return "float"
    channels = []
    for e in entries:
        bw = int(e["bitwidth"])
        sym = str(e.get("is_symmetric", "False")).lower() == "true"
        if "scale" in e and "offset" in e:
            channels.append(_encoding(bw, sym, float(e["scale"]), int(e["offset"])))
        elif sym:
            channels.append(weight_encoding(np.array([e["min"], e["max"]], np.float64), bw))
        else:
            channels.append(activation_encoding(float(e["min"]), float(e["max"]), bw))
    return _combine(channels, name, path)


def _combine(channels: list[Encoding], name: str, path: str) -> Encoding:
    """One encoding, or a per-channel one (axis decided against the tensor later)."""
    if len(channels) == 1:
        return channels[0]
    if len({(c.dtype, c.bitwidth) for c in channels}) != 1:
        raise QuantizationError(f"{path}: the channels of '{name}' mix bitwidths or symmetry")
    first = channels[0]
    return Encoding(first.dtype, [c.scale for c in channels], [c.offset for c in channels], first.bitwidth, -1)


def _place_axis(enc: Encoding, shape: tuple, name: str) -> Encoding:
    """Per-channel encodings run along output channels: the last dimension of that size
    (weights keep output channels last: MatMul [in, out], Conv2d HWIO). LPBQ blocks then split
    the axis fixed_point.lpbq_block_axis names, into blocks of the file's block size."""
    if enc.axis is None:
        return enc
    axes = [a for a, d in enumerate(shape) if d == len(enc.scale)]
    if not axes:
        raise QuantizationError(f"'{name}' {list(shape)} has no dimension of {len(enc.scale)} channels for its "
                                "per-channel encoding")
    placed = Encoding(enc.dtype, enc.scale, enc.offset, enc.bitwidth, axes[-1], enc.blocks, enc.block_bitwidth,
                      enc.block_size)
    if enc.blocks is not None:
        block_axis = fixed_point.lpbq_block_axis(axes[-1], len(shape))
        if block_axis is None or shape[block_axis] != len(enc.blocks[0]) * enc.block_size:
            raise QuantizationError(f"'{name}' {list(shape)}: its LPBQ encoding's {len(enc.blocks[0])} blocks of "
                                    f"{enc.block_size} do not split the input-channel axis of a weight whose "
                                    f"{len(enc.scale)} output channels are on axis {axes[-1]}")
    return placed


def _encoding(bw: int, sym: bool, scale: float, offset: int) -> Encoding:
    if scale <= 0:
        raise ValueError(f"scale {scale} must be > 0")
    if sym and offset in (0, -(2 ** (bw - 1))):
        return Encoding("SFIXED_POINT_8" if bw <= 8 else "SFIXED_POINT_16", scale, 0, bw if bw < 8 else None)
    return Encoding(f"UFIXED_POINT_{8 if bw <= 8 else 16}", scale, offset, bw if bw not in (8, 16) else None)


def lora_branch(graph: Graph) -> set[str]:
    """Activations computed from LoRA weights, up to (not including) the Add that merges the
    branch into the base path."""
    branch = set(graph.lora_weights)
    changed = True
    while changed:
        changed = False
        for node in graph.nodes:
            fed = [i for i in node.inputs if i in branch]
            if not fed or all(o in branch for o in node.outputs):
                continue
            merge = node.op_type == "ElementWiseAdd" and len(fed) < len(node.inputs)
            if not merge:
                branch.update(node.outputs)
                changed = True
    return branch - set(graph.lora_weights)


def quantize(graph: Graph, ranges: dict, act_bits: int, weight_bits: int, mode: str,
             overrides_path: str | None, calibration: str = "min-max", per_channel: bool = False,
             percentile: float = 99.99, act_schema: str = "asymmetric", per_row: bool = False,
             float_fallback: bool = False) -> dict:
    """Set dtypes, encodings and quantized data on ``graph``; returns the AIMET 1.0.0 document.

    ``ranges`` maps each activation to its calibration values (a sample of them).
    ``per_channel`` gives static weights of rank >= 2 per-channel encodings, ``per_row`` only
    those a MatMul multiplies by; LoRA weights stay per-tensor, the form adapter encodings
    take. ``float_fallback``: only the tensors the overrides give an encoding are quantized,
    the rest stay float (QAIRT's --float_fallback, with no calibration data)."""
    overrides = parse_overrides(overrides_path) if overrides_path else {}
    unknown = sorted(set(overrides) - set(graph.tensors))
    if unknown:
        raise QuantizationError(f"quantization overrides name tensors the model does not have: {unknown[:10]}")
    if float_fallback:
        overrides = {n: overrides.get(n, "float") for n, t in graph.tensors.items()
                     if t.dtype == "FLOAT_32" and (t.role in ACTIVATIONS or t.role in WEIGHTS)}
    rows = row_weights(graph) if per_row else set()
    missing = [n for n, t in graph.tensors.items() if t.role in ACTIVATIONS and t.dtype == "FLOAT_32"
               and n not in ranges and n not in overrides]
    if missing:
        raise QuantizationError(f"no calibration data or override for activations {missing[:10]}; pass "
                                "--input_list (or overrides for every activation)")
    branch = lora_branch(graph) if mode == "adapter_only" else set()
    doc = {"version": "1.0.0", "activation_encodings": [], "param_encodings": [], "excluded_layers": [],
           "quantizer_args": {"activation_bitwidth": act_bits, "param_bitwidth": weight_bits,
                              "quant_updatable_mode": mode, "act_quantizer_calibration": calibration,
                              "act_quantizer_schema": act_schema, "per_channel_quantization": per_channel,
                              "per_row_quantization": per_row}}
    for name, t in graph.tensors.items():
        if t.dtype != "FLOAT_32":
            continue
        if overrides.get(name) == "float":  # recorded, so that the written file reproduces the conversion
            doc["param_encodings" if t.role in WEIGHTS else "activation_encodings"].append(
                {"name": name, "enc_type": "PER_TENSOR", "dtype": "FLOAT", "bw": 32})
            continue
        if t.role in WEIGHTS:
            channels = t.role == STATIC and t.data.ndim >= 2 and (per_channel or name in rows)
            computed = per_channel_weight_encoding(t.data, weight_bits) if channels else weight_encoding(t.data, weight_bits)
            enc = _place_axis(overrides.get(name) or computed, t.shape, name)
            if enc.blocks is not None and t.role != STATIC:
                raise QuantizationError(f"'{name}' is a LoRA weight: its adapters replace it, so it takes per-tensor "
                                        "encodings, not LPBQ")
            t.data = quantize_values(t.data, enc)
            section = "param_encodings"
        else:
            enc = overrides.get(name) or calibrated_encoding(ranges[name], act_bits, calibration, percentile, act_schema)
            if enc.blocks is not None:
                raise QuantizationError(f"activation '{name}' has an LPBQ override; LPBQ encodes weights")
            if enc.axis is not None:
                raise QuantizationError(f"activation '{name}' has a per-channel override; activations take "
                                        "per-tensor encodings")
            t.updatable_encoding = mode == "all" or name in branch
            section = "activation_encodings"
        t.dtype, t.encoding = enc.dtype, enc
        doc[section].append(encoding_entry(name, enc))
    return doc


def encoding_entry(name: str, enc: Encoding) -> dict:
    """``enc`` as an AIMET 1.0.0 entry (LPBQ as AIMET writes it: ``bw`` the container,
    ``compressed_bw`` the codes, offsets counted from the unsigned bottom)."""
    if enc.blocks is not None:
        bw = enc.bitwidth + enc.block_bitwidth
        return {"name": name, "enc_type": "LPBQ", "dtype": "INT", "bw": bw, "compressed_bw": enc.bitwidth,
                "is_sym": True, "block_size": enc.block_size, "scale": list(enc.scale),
                "offset": [-(2 ** (bw - 1))] * len(enc.scale),
                "per_block_int_scale": [int(v) for row in enc.blocks for v in row]}
    per_axis = enc.axis is not None
    return {"name": name, "enc_type": "PER_CHANNEL" if per_axis else "PER_TENSOR", "dtype": "INT",
            "bw": enc.bitwidth or int(enc.dtype.rsplit("_", 1)[1]), "is_sym": enc.dtype.startswith("S"),
            "scale": list(enc.scale) if per_axis else [enc.scale],
            "offset": list(enc.offset) if per_axis else [enc.offset]}


def calibrated_encoding(values: np.ndarray, bits: int, calibration: str, percentile: float = 99.99,
                        schema: str = "asymmetric") -> Encoding:
    if calibration == "mse":
        return mse_activation_encoding(values, bits, schema)
    if calibration == "percentile":
        lo, hi = np.percentile(values, [100.0 - percentile, percentile])
        return activation_encoding(float(lo), float(hi), bits, schema)
    return activation_encoding(float(values.min()), float(values.max()), bits, schema)


def row_weights(graph: Graph) -> set[str]:
    """Weights a MatMul or FullyConnected multiplies by (their second input): the ones
    ``--use_per_row_quantization`` gives an encoding per output row."""
    return {n.inputs[1] for n in graph.nodes if n.op_type in ("MatMul", "FullyConnected") and len(n.inputs) > 1}


def quantize_values(values: np.ndarray, enc: Encoding) -> np.ndarray:
    """Float values -> codes with ``enc`` (per-tensor or per-axis), in its container type."""
    scale, offset = enc.arrays(values.shape)
    return fixed_point.quantize(values, scale, offset, *_code_range(enc), container(enc))


def dequantize_values(codes: np.ndarray, enc: Encoding) -> np.ndarray:
    return fixed_point.dequantize(codes, *enc.arrays(codes.shape))


def container(enc: Encoding) -> type:
    wide = enc.dtype.endswith("16")
    if enc.dtype.startswith("U"):
        return np.uint16 if wide else np.uint8
    return np.int16 if wide else np.int8


def _code_range(enc: Encoding) -> tuple[int, int]:
    bits = enc.bitwidth or int(enc.dtype.rsplit("_", 1)[1])
    return (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if enc.dtype.startswith("S") else (0, 2 ** bits - 1)


def to_float16(graph: Graph) -> None:
    for t in graph.tensors.values():
        if t.dtype == "FLOAT_32":
            t.dtype = "FLOAT_16"
            if t.data is not None:
                t.data = t.data.astype(np.float16)


def read_input_list(path: str, graph: Graph, native: bool = False) -> list[dict[str, np.ndarray]]:
    """Calibration samples, read as qnn-net-run reads them (float32 files unless ``native``)."""
    from qnnpy.tools import model_file
    inputs = {name: (graph.tensors[name].shape, dtypes.storage(model_file.qnn_dtype(graph.tensors[name].dtype)))
              for name in graph.inputs}
    try:
        return input_list.read_input_list(path, inputs, native)
    except input_list.InputListError as err:
        raise QuantizationError(str(err)) from None
