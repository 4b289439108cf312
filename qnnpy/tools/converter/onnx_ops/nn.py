"""Neural-network ONNX ops: products, normalizations, reductions, softmax, conv and pools."""
import math

import numpy as np

from qnnpy.tools.converter.onnx_ops import handles
from qnnpy.tools.converter.onnx_ops.tensor import axis_of, constant_input


def _real_only(im, node, name):
    if im.dtype(name).kind != "f":
        im.refuse("datatype", f"{node.op_type} of {im.dtype(name)} values: the HTP computes it on floats")


@handles("MatMul")
def _matmul(im, node, attrs):
    a, b = node.input
    out = node.output[0]
    _real_only(im, node, a)
    params = {}
    lora_t = im.transposed_lora(b)
    if lora_t is not None and (lora_t[1] is None or lora_t[1] == [1, 0]):
        b, params = lora_t[0], {"transpose_in1": True}
    elif lora_t is not None:
        im.refuse("unsupported op", f"MatMul of a LoRA weight transposed by {lora_t[1]}")
    a_shape, b_shape = im.shape(a), im.shape(b) if lora_t is None else im.shape(b)[::-1]
    if len(a_shape) >= 2 and len(b_shape) >= 2:
        im.emit("MatMul", [a, b], [out], params)
        return
    # ONNX promotes a 1-D operand to a matrix and drops that dim again afterwards
    dtype = im.dtype(out)
    if len(a_shape) == 1:
        a2 = im.temp(out, dtype, (1,) + a_shape)
        im.emit("Reshape", [a], [a2])
        a = a2
    if len(b_shape) == 1:
        b2 = im.temp(out, dtype, b_shape + (1,))
        im.emit("Reshape", [b], [b2])
        b = b2
    product_shape = np.broadcast_shapes(im.shape(a)[:-2], im.shape(b)[:-2]) + (im.shape(a)[-2], im.shape(b)[-1])
    product = im.temp(out, dtype, product_shape)
    im.emit("MatMul", [a, b], [product], params)
    im.emit("Reshape", [product], [out])


@handles("Gemm", attrs=("alpha", "beta", "transA", "transB"))
def _gemm(im, node, attrs):
    a, b = node.input[0], node.input[1]
    out = node.output[0]
    _real_only(im, node, a)
    dtype, out_shape = im.info(out)
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    params = {"transpose_in0": bool(attrs.get("transA", 0)), "transpose_in1": bool(attrs.get("transB", 0))}
    has_c = len(node.input) > 2 and node.input[2]
    if alpha != 1.0:
        w = im.const(b)
        if w is not None:
            b = im.static((w * alpha).astype(dtype), out)
    product = out if not has_c and alpha == 1.0 or not has_c and im.const(node.input[1]) is not None else \
        im.temp(out, dtype, out_shape)
    c = im.const(node.input[2]) if has_c else None
    if has_c and c is not None and c.ndim <= 1 and c.size in (1, out_shape[-1]) and \
            (alpha == 1.0 or im.const(node.input[1]) is not None):
        bias = np.broadcast_to(c * np.float32(beta), (out_shape[-1],)).astype(dtype)
        im.emit("MatMul", [a, b, im.static(bias, out)], [out], params)
        return
    im.emit("MatMul", [a, b], [product], params)
    if alpha != 1.0 and im.const(node.input[1]) is None:
        scaled = out if not has_c else im.temp(out, dtype, out_shape)
        im.emit("ElementWiseMultiply", [product, im.static(np.array(alpha, dtype), out)], [scaled])
        product = scaled
    if not has_c:
        return
    if c is not None:
        addend = im.static((c * np.float32(beta)).astype(dtype), out)
    elif beta != 1.0:
        addend = im.temp(out, dtype, im.shape(node.input[2]))
        im.emit("ElementWiseMultiply", [node.input[2], im.static(np.array(beta, dtype), out)], [addend])
    else:
        addend = node.input[2]
    im.emit("ElementWiseAdd", [product, addend], [out])


@handles("Softmax", "LogSoftmax", attrs=("axis",))
def _softmax(im, node, attrs):
    """The HTP ops bear the ONNX names."""
    qnn_type = node.op_type
    x, out = node.input[0], node.output[0]
    _real_only(im, node, x)
    dtype, shape = im.info(x)
    rank = len(shape)
    default = -1 if im.opset >= 13 else 1
    axis = axis_of(im, attrs.get("axis", default), rank)
    if im.opset >= 13 or axis == rank - 1:
        im.emit(qnn_type, [x], [out], {"axis": axis})
        return
    # before opset 13 the input is seen as a matrix [prod(dims before axis), prod(the rest)]
    flat = (math.prod(shape[:axis]), math.prod(shape[axis:]))
    x2, y2 = im.temp(out, dtype, flat), im.temp(out, dtype, flat)
    im.emit("Reshape", [x], [x2])
    im.emit(qnn_type, [x2], [y2], {"axis": 1})
    im.emit("Reshape", [y2], [out])



def _norm_weights(im, names, normalized, out):
    """Constant scale / bias inputs as the HTP's norms take them: the shape of the
    normalized dims. None when one is computed at run time."""
    result = []
    for name in names:
        value = im.const(name)
        if value is None:
            return None
        extra = value.ndim - len(normalized)
        if extra > 0 and all(d == 1 for d in value.shape[:extra]):
            value = value.reshape(value.shape[extra:])
        try:
            full = np.broadcast_to(value, normalized)
        except ValueError:
            im.refuse("invalid model", f"'{name}' {list(value.shape)} does not broadcast to {list(normalized)}")
        result.append(name if full.shape == im.shape(name) else im.static(np.ascontiguousarray(full), out))
    return result


@handles("LayerNormalization", attrs=("axis", "epsilon", "stash_type"))
def _layer_norm(im, node, attrs):
    x, out = node.input[0], node.output[0]
    _real_only(im, node, x)
    rank = len(im.shape(x))
    axis = axis_of(im, attrs.get("axis", -1), rank)
    axes = list(range(axis, rank))
    eps = float(attrs.get("epsilon", 1e-5))
    extras = [o for o in node.output[1:] if o]
    weights = _norm_weights(im, [i for i in node.input[1:3] if i], tuple(im.shape(x)[a] for a in axes), out)
    if not extras and weights is not None:
        im.emit("LayerNorm", [x] + weights, [out], {"axes": np.array(axes, np.uint32), "epsilon": eps})
        return
    _layer_norm_ops(im, node, axes, eps)


def _layer_norm_ops(im, node, axes, eps):
    """LayerNormalization op by op, for its Mean and InvStdDev outputs or runtime weights."""
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    kept = tuple(1 if d in axes else n for d, n in enumerate(shape))
    mean = node.output[1] if len(node.output) > 1 and node.output[1] else im.temp(out, dtype, kept)
    inv = node.output[2] if len(node.output) > 2 and node.output[2] else im.temp(out, dtype, kept)
    centered, square, var, var_eps, normed = (im.temp(out, dtype, s) for s in (shape, shape, kept, kept, shape))
    reduce = {"axes": np.array(axes, np.uint32), "keep_dims": True}
    im.emit("ReduceMean", [x], [mean], reduce)
    im.emit("ElementWiseSubtract", [x, mean], [centered])
    im.emit("ElementWiseMultiply", [centered, centered], [square])
    im.emit("ReduceMean", [square], [var], reduce)
    im.emit("ElementWiseAdd", [var, im.static(np.array(eps, dtype), out)], [var_eps])
    im.emit("ElementWiseRsqrt", [var_eps], [inv])
    scale = node.input[1] if len(node.input) > 1 and node.input[1] else None
    bias = node.input[2] if len(node.input) > 2 and node.input[2] else None
    im.emit("ElementWiseMultiply", [centered, inv], [normed if scale or bias else out])
    if scale:
        scaled = im.temp(out, dtype, shape) if bias else out
        im.emit("ElementWiseMultiply", [normed, scale], [scaled])
        normed = scaled
    if bias:
        im.emit("ElementWiseAdd", [normed, bias], [out])


@handles("RMSNormalization", attrs=("axis", "epsilon", "stash_type"))
def _rms_norm(im, node, attrs):
    x, out = node.input[0], node.output[0]
    _real_only(im, node, x)
    rank = len(im.shape(x))
    axes = list(range(axis_of(im, attrs.get("axis", -1), rank), rank))
    params = {"axes": np.array(axes, np.uint32), "epsilon": float(attrs.get("epsilon", 1e-5))}
    weights = _norm_weights(im, [node.input[1]], tuple(im.shape(x)[a] for a in axes), out)
    if weights is not None:
        im.emit("RmsNorm", [x] + weights, [out], params)
        return
    dtype, shape = im.info(x)
    normed = im.temp(out, dtype, shape)
    im.emit("RmsNorm", [x], [normed], params)
    im.emit("ElementWiseMultiply", [normed, node.input[1]], [out])


_REDUCE = {"ReduceMean": "ReduceMean", "ReduceSum": "ReduceSum", "ReduceMax": "ReduceMax", "ReduceMin": "ReduceMin",
           "ReduceProd": "ReduceProd"}


@handles(*_REDUCE, attrs=("axes", "keepdims", "noop_with_empty_axes"))
def _reduce(im, node, attrs):
    x, out = node.input[0], node.output[0]
    rank = len(im.shape(x))
    axes = attrs.get("axes")
    if axes is None:
        axes = constant_input(im, node, 1, f"{node.op_type} axes")
    if axes is None or len(axes) == 0:
        if attrs.get("noop_with_empty_axes", 0):
            im.alias[out] = im.name(x)
            return
        axes = range(rank)
    if im.dtype(x) == np.bool_:
        im.refuse("datatype", f"{node.op_type} of booleans")
    im.emit(_REDUCE[node.op_type], [x], [out],
            {"axes": np.array(sorted({axis_of(im, int(a), rank) for a in np.ravel(axes)}), np.uint32),
             "keep_dims": bool(attrs.get("keepdims", 1))})


@handles("GlobalAveragePool", "GlobalMaxPool")
def _global_pool(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    _real_only(im, node, node.input[0])
    im.emit("ReduceMean" if node.op_type == "GlobalAveragePool" else "ReduceMax", [node.input[0]],
            [node.output[0]], {"axes": np.arange(2, rank, dtype=np.uint32), "keep_dims": True})


def _spatial_pads(im, node, attrs, spatial, kernel, strides, dilations):
    """[(before, after)] per spatial dim, from pads or auto_pad."""
    auto_pad = attrs.get("auto_pad", b"NOTSET")
    auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
    if auto_pad == "NOTSET":
        pads = list(attrs.get("pads", [0] * (2 * len(spatial))))
        return [(pads[k], pads[k + len(spatial)]) for k in range(len(spatial))]
    if auto_pad == "VALID":
        return [(0, 0)] * len(spatial)
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        im.refuse("attribute", f"auto_pad '{auto_pad}'")
    result = []
    for size, k, s, d in zip(spatial, kernel, strides, dilations):
        total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
        small, large = total // 2, total - total // 2
        result.append((small, large) if auto_pad == "SAME_UPPER" else (large, small))
    return result


def _to_nhwc(im, x, out):
    """Transposes around an NHWC op (adding a unit height for 1-D): returns the op's input
    and output names, with the output transposed back into ``out``."""
    dtype, shape = im.info(x)
    one_d = len(shape) == 3
    n, c = shape[0], shape[1]
    spatial = ((1,) + tuple(shape[2:])) if one_d else tuple(shape[2:])
    nchw = x
    if one_d:
        nchw = im.temp(out, dtype, (n, c) + spatial)
        im.emit("Reshape", [x], [nchw])
    nhwc = im.temp(out, dtype, (n,) + spatial + (c,))
    im.emit("Transpose", [nchw], [nhwc], {"perm": np.array([0, 2, 3, 1], np.uint32)})
    return nhwc, one_d


def _from_nhwc(im, result_nhwc, out, one_d):
    dtype, shape = im.info(out)
    if not one_d:
        im.emit("Transpose", [result_nhwc], [out], {"perm": np.array([0, 3, 1, 2], np.uint32)})
        return
    nchw = im.temp(out, dtype, (shape[0], shape[1], 1, shape[2]))
    im.emit("Transpose", [result_nhwc], [nchw], {"perm": np.array([0, 3, 1, 2], np.uint32)})
    im.emit("Reshape", [nchw], [out])


def _hwio_filter(im, name, w, w_shape, out):
    """The OIHW filter as the HTP's HWIO: a static tensor, or a Transpose of a runtime one."""
    if w is not None:
        return im.static(np.ascontiguousarray(w.reshape(w_shape).transpose(2, 3, 1, 0)), out)
    source = name
    if len(im.shape(name)) == 3:
        source = im.temp(out, im.dtype(name), w_shape)
        im.emit("Reshape", [name], [source])
    hwio = im.temp(out, im.dtype(name), (w_shape[2], w_shape[3], w_shape[1], w_shape[0]))
    im.emit("Transpose", [source], [hwio], {"perm": np.array([2, 3, 1, 0], np.uint32)})
    return hwio


@handles("Conv", attrs=("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"))
def _conv(im, node, attrs):
    x, out = node.input[0], node.output[0]
    _real_only(im, node, x)
    shape = im.shape(x)
    w = im.const(node.input[1])
    if len(shape) not in (3, 4):
        im.refuse("unsupported op", f"Conv of rank {len(shape)} (the HTP path here is 1-D and 2-D)")
    dims = len(shape) - 2
    w_shape = im.shape(node.input[1])
    kernel = list(w_shape[2:])
    strides = list(attrs.get("strides", [1] * dims))
    dilations = list(attrs.get("dilations", [1] * dims))
    pads = _spatial_pads(im, node, attrs, shape[2:], kernel, strides, dilations)
    if dims == 1:
        w_shape, strides, dilations, pads = w_shape[:2] + (1,) + w_shape[2:], [1] + strides, [1] + dilations, \
            [(0, 0)] + pads
    dtype, out_shape = im.info(out)
    nhwc, one_d = _to_nhwc(im, x, out)
    spatial_out = ((1,) + tuple(out_shape[2:])) if one_d else tuple(out_shape[2:])
    result = im.temp(out, dtype, (out_shape[0],) + spatial_out + (out_shape[1],))
    inputs = [nhwc, _hwio_filter(im, node.input[1], w, w_shape, out)]
    if len(node.input) > 2 and node.input[2]:
        inputs.append(node.input[2])
    im.emit("Conv2d", inputs, [result],
            {"stride": np.array(strides, np.uint32), "pad_amount": np.array(pads, np.uint32),
             "dilation": np.array(dilations, np.uint32), "group": int(attrs.get("group", 1))})
    _from_nhwc(im, result, out, one_d)


@handles("MaxPool", "AveragePool", attrs=("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                         "storage_order", "strides", "count_include_pad"))
def _pool(im, node, attrs):
    x, out = node.input[0], node.output[0]
    if node.op_type == "AveragePool" or im.dtype(x) == np.bool_:
        _real_only(im, node, x)
    shape = im.shape(x)
    if len(shape) not in (3, 4):
        im.refuse("unsupported op", f"{node.op_type} of rank {len(shape)} (the HTP path here is 1-D and 2-D)")
    if len(node.output) > 1 and node.output[1]:
        im.refuse("unsupported op", "MaxPool's Indices output")
    if attrs.get("storage_order", 0):
        im.refuse("attribute", "storage_order=1 (it only concerns the Indices output)")
    dims = len(shape) - 2
    kernel = list(attrs["kernel_shape"])
    strides = list(attrs.get("strides", [1] * dims))
    dilations = list(attrs.get("dilations", [1] * dims))
    if any(d != 1 for d in dilations):
        im.refuse("attribute", f"pool dilations {dilations} (the HTP pools have none)")
    pads = _spatial_pads(im, node, attrs, shape[2:], kernel, strides, dilations)
    if dims == 1:
        kernel, strides, pads = [1] + kernel, [1] + strides, [(0, 0)] + pads
    dtype, out_shape = im.info(out)
    nhwc, one_d = _to_nhwc(im, x, out)
    spatial_out = ((1,) + tuple(out_shape[2:])) if one_d else tuple(out_shape[2:])
    result = im.temp(out, dtype, (out_shape[0],) + spatial_out + (out_shape[1],))
    params = {"filter_size": np.array(kernel, np.uint32), "stride": np.array(strides, np.uint32),
              "pad_amount": np.array(pads, np.uint32), "rounding_mode": int(attrs.get("ceil_mode", 0))}
    if node.op_type == "AveragePool":
        params["count_pad_for_edges"] = bool(attrs.get("count_include_pad", 0))
    im.emit("PoolMax2d" if node.op_type == "MaxPool" else "PoolAvg2d", [nhwc], [result], params)
    _from_nhwc(im, result, out, one_d)


@handles("BatchNormalization", attrs=("epsilon", "momentum", "training_mode"))
def _batch_norm(im, node, attrs):
    if attrs.get("training_mode", 0) or len([o for o in node.output if o]) > 1:
        im.refuse("unsupported op", "BatchNormalization in training mode")
    x, out = node.input[0], node.output[0]
    _real_only(im, node, x)
    scale, bias, mean, var = (im.const(i) for i in node.input[1:5])
    if any(v is None for v in (scale, bias, mean, var)):
        im.refuse("runtime input", "BatchNormalization statistics computed at run time")
    dtype, shape = im.info(x)
    multiplier = scale / np.sqrt(var + np.float32(attrs.get("epsilon", 1e-5)))
    offset = bias - mean * multiplier
    channel = (-1,) + (1,) * (len(shape) - 2)
    scaled = im.temp(out, dtype, shape)
    im.emit("ElementWiseMultiply", [x, im.static(multiplier.reshape(channel).astype(dtype), out)], [scaled])
    im.emit("ElementWiseAdd", [scaled, im.static(offset.reshape(channel).astype(dtype), out)], [out])
