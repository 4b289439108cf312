"""ONNX ops that move, select or reshape data, and those whose result is a shape."""
import numpy as np
from onnx import helper, numpy_helper

from qnnpy.tools.converter.onnx_import import elem_dtype, qnn_type
from qnnpy.tools.converter.onnx_ops import handles


def constant_input(im, node, index: int, what: str):
    """A node input that the HTP takes as a parameter: it must be constant."""
    value = im.const(node.input[index]) if len(node.input) > index and node.input[index] else None
    if value is None and len(node.input) > index and node.input[index]:
        im.refuse("runtime input", f"{what} ('{node.input[index]}') is computed at run time; the HTP takes it "
                                   "as a fixed parameter (export with static shapes so that it folds)")
    return value


def axis_of(im, axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        im.refuse("attribute", f"axis {axis} is out of range for rank {rank}")
    return axis % rank


@handles("Reshape", attrs=("allowzero",))
@handles("Unsqueeze", "Squeeze", attrs=("axes",))
@handles("Flatten", attrs=("axis",))
def _reshape(im, node, attrs):
    """The output shape is already known from shape inference: every one is a Reshape."""
    im.emit("Reshape", [node.input[0]], [node.output[0]])


@handles("Identity")
def _identity(im, node, attrs):
    im.alias[node.output[0]] = im.name(node.input[0])


@handles("Dropout", attrs=("seed", "ratio", "is_test"))
def _dropout(im, node, attrs):
    training = constant_input(im, node, 2, "training_mode")
    ratio = constant_input(im, node, 1, "ratio")
    if training is not None and bool(training) and (ratio is None or float(ratio) > 0):
        im.refuse("unsupported op", "Dropout in training mode is random; export the model in eval mode")
    im.alias[node.output[0]] = im.name(node.input[0])
    if len(node.output) > 1 and node.output[1]:
        im.consts[node.output[1]] = np.ones(im.shape(node.input[0]), np.bool_)


@handles("Transpose", attrs=("perm",))
def _transpose(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    perm = attrs.get("perm") or list(reversed(range(rank)))
    im.emit("Transpose", [node.input[0]], [node.output[0]], {"perm": np.array(perm, np.uint32)})


@handles("Concat", attrs=("axis",))
def _concat(im, node, attrs):
    rank = len(im.shape(node.output[0]))
    axis = axis_of(im, attrs["axis"], rank)
    ins = [i for i in node.input if i and not (im.const(i) is not None and im.const(i).size == 0)]
    if len(ins) == 1:
        im.alias[node.output[0]] = im.name(ins[0])
        return
    im.emit("Concat", ins, [node.output[0]], {"axis": axis})


@handles("Split", attrs=("axis", "num_outputs", "split"))
def _split(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    axis = axis_of(im, attrs.get("axis", 0), rank)
    outs = [o for o in node.output if o not in im.consts]  # empty parts take no room
    sizes = [im.shape(o)[axis] for o in outs]
    if len(outs) == 1:
        im.alias[outs[0]] = im.name(node.input[0])
        return
    im.emit("Split", [node.input[0]], outs, {"axis": axis, "split_index": np.cumsum(sizes[:-1]).astype(np.uint32)})


@handles("Slice")
def _slice(im, node, attrs):
    shape = im.shape(node.input[0])
    starts = constant_input(im, node, 1, "Slice starts")
    ends = constant_input(im, node, 2, "Slice ends")
    axes = constant_input(im, node, 3, "Slice axes")
    steps = constant_input(im, node, 4, "Slice steps")
    axes = np.arange(len(starts)) if axes is None else axes
    steps = np.ones(len(starts), np.int64) if steps is None else steps
    ranges = [[0, d, 1] for d in shape]
    end_mask = 0
    for s, e, a, st in zip(starts.tolist(), ends.tolist(), axes.tolist(), steps.tolist()):
        a = axis_of(im, int(a), len(shape))
        dim = shape[a]
        if st == 0:
            im.refuse("attribute", "Slice step 0")
        s = s + dim if s < 0 else s
        e = e + dim if e < 0 else e
        if st > 0:
            s, e = min(max(s, 0), dim), min(max(e, 0), dim)
        else:
            s, e = min(max(s, 0), dim - 1), min(max(e, -1), dim - 1)
            if e == -1:
                end_mask |= 1 << a  # "up to the start", which a -1 end cannot say
        ranges[a] = [s, e, st]
    im.emit("StridedSlice", [node.input[0]], [node.output[0]],
            {"ranges": np.array(ranges, np.int32), "end_mask": end_mask})


@handles("Gather", "GatherElements", attrs=("axis",))
def _gather(im, node, attrs):
    """The HTP ops bear the ONNX names."""
    rank = len(im.shape(node.input[0]))
    im.emit(node.op_type, [node.input[0], node.input[1]], [node.output[0]],
            {"axis": axis_of(im, attrs.get("axis", 0), rank)})


@handles("GatherND", attrs=("batch_dims",))
def _gather_nd(im, node, attrs):
    im.emit("GatherNd", [node.input[0], node.input[1]], [node.output[0]], {"batch_dims": attrs.get("batch_dims", 0)})


_REDUCTIONS = {"none": 0, "add": 1, "mul": 2}


def _reduction(im, attrs) -> int:
    value = attrs.get("reduction", b"none")
    value = value.decode() if isinstance(value, bytes) else value
    if value not in _REDUCTIONS:
        im.refuse("attribute", f"reduction '{value}' (the HTP has none, add and mul)")
    return _REDUCTIONS[value]


@handles("ScatterElements", "Scatter", attrs=("axis", "reduction"))
def _scatter_elements(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    im.emit("ScatterElements", list(node.input[:3]), [node.output[0]],
            {"axis": axis_of(im, attrs.get("axis", 0), rank), "reduction": _reduction(im, attrs)})


@handles("ScatterND", attrs=("reduction",))
def _scatter_nd(im, node, attrs):
    im.emit("ScatterNd", list(node.input[:3]), [node.output[0]], {"reduction": _reduction(im, attrs)})


@handles("Tile")
def _tile(im, node, attrs):
    repeats = constant_input(im, node, 1, "Tile repeats")
    if repeats.min(initial=1) < 1:
        im.refuse("attribute", f"Tile repeats {repeats.tolist()} (an empty result)")
    im.emit("Tile", [node.input[0]], [node.output[0]], {"multiples": repeats.astype(np.uint32)})


@handles("Expand")
def _expand(im, node, attrs):
    """Broadcast as a Reshape to the output's rank, then a Tile of the size-1 dims."""
    x, out = node.input[0], node.output[0]
    dtype, target = im.info(out)
    source = im.shape(x)
    padded = (1,) * (len(target) - len(source)) + tuple(source)
    if padded != tuple(source):
        reshaped = im.temp(out, dtype, padded)
        im.emit("Reshape", [x], [reshaped])
        x = reshaped
    multiples = [t // s for s, t in zip(padded, target)]
    if all(m == 1 for m in multiples):
        if x == node.input[0]:
            im.alias[out] = im.name(x)
        else:
            im.emit("Reshape", [x], [out])
        return
    im.emit("Tile", [x], [out], {"multiples": np.array(multiples, np.uint32)})


_PAD_MODES = {"constant": 0, "reflect": 2, "edge": 3}


@handles("Pad", attrs=("mode", "pads", "value"))
def _pad(im, node, attrs):
    x, out = node.input[0], node.output[0]
    rank = len(im.shape(x))
    mode = attrs.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode not in _PAD_MODES:
        im.refuse("attribute", f"Pad mode '{mode}' (the HTP pads constant, reflect and edge)")
    pads = np.asarray(attrs["pads"]) if "pads" in attrs else constant_input(im, node, 1, "Pad pads")
    value = attrs.get("value", 0.0)
    given = constant_input(im, node, 2, "Pad constant_value")
    if given is not None and given.size:
        value = given.reshape(-1)[0].item()
    axes = constant_input(im, node, 3, "Pad axes")
    axes = list(range(rank)) if axes is None else [axis_of(im, int(a), rank) for a in axes]
    amounts = np.zeros((rank, 2), np.int64)
    for k, a in enumerate(axes):
        amounts[a] = [pads[k], pads[k + len(axes)]]
    if amounts.min() < 0:
        im.refuse("attribute", f"negative Pad amounts {pads.tolist()} (a crop)")
    if im.dtype(x).kind != "f" and float(np.float32(value)) != value:
        im.refuse("attribute", f"Pad value {value} is not exact as the float parameter the HTP takes")
    im.emit("Pad", [x], [out], {"pad_amount": amounts.astype(np.uint32), "scheme": _PAD_MODES[mode],
                                "pad_constant_value": float(value)})


@handles("Trilu", attrs=("upper",))
def _trilu(im, node, attrs):
    x, out = node.input[0], node.output[0]
    k = constant_input(im, node, 1, "Trilu k")
    k = 0 if k is None else int(k.reshape(-1)[0])
    dtype, shape = im.info(x)
    rows, cols = shape[-2:]
    mask = np.triu(np.ones((rows, cols), np.bool_), k) if attrs.get("upper", 1) else \
        np.tril(np.ones((rows, cols), np.bool_), k)
    zero = np.zeros((), dtype)
    im.emit("ElementWiseSelect", [im.static(mask, out), x, im.static(zero, out)], [out])


@handles("CumSum", attrs=("exclusive", "reverse"))
def _cumsum(im, node, attrs):
    axis = constant_input(im, node, 1, "CumSum axis")
    rank = len(im.shape(node.input[0]))
    im.emit("CumulativeSum", [node.input[0]], [node.output[0]],
            {"axis": axis_of(im, int(axis.reshape(-1)[0]), rank), "exclusive": bool(attrs.get("exclusive", 0)),
             "reverse": bool(attrs.get("reverse", 0))})


@handles("ArgMax", "ArgMin", attrs=("axis", "keepdims", "select_last_index"))
def _arg(im, node, attrs):
    """The HTP returns the first of equal values; the last one is the first of the input
    reversed along the axis, counted back from the end: (n - 1) - index."""
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    axis = axis_of(im, attrs.get("axis", 0), len(shape))
    qnn_op = "Argmax" if node.op_type == "ArgMax" else "Argmin"
    params = {"axis": axis, "keep_dims": bool(attrs.get("keepdims", 1))}
    if not attrs.get("select_last_index", 0):
        im.emit(qnn_op, [x], [out], params)
        return
    ranges = [[0, d, 1] for d in shape]
    ranges[axis] = [shape[axis] - 1, -1, -1]
    reversed_x, index = im.temp(out, dtype, shape), im.temp(out, im.dtype(out), im.shape(out))
    im.emit("StridedSlice", [x], [reversed_x], {"ranges": np.array(ranges, np.int32), "end_mask": 1 << axis})
    im.emit(qnn_op, [reversed_x], [index], params)
    im.emit("ElementWiseSubtract", [im.static(np.array(shape[axis] - 1, im.dtype(out)), out), index], [out])


@handles("TopK", attrs=("axis", "largest", "sorted"))
def _topk(im, node, attrs):
    """The HTP's TopK works on the last axis: other axes are transposed there and back."""
    x = node.input[0]
    values, indices = node.output[0], node.output[1]
    k = constant_input(im, node, 1, "TopK k")
    dtype, shape = im.info(x)
    rank = len(shape)
    axis = axis_of(im, attrs.get("axis", -1), rank)
    params = {"k": int(k.reshape(-1)[0]), "largest": bool(attrs.get("largest", 1))}
    if axis == rank - 1:
        im.emit("TopK", [x], [values, indices], params)
        return
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    moved = lambda s: tuple(s[p] for p in perm)  # noqa: E731  (the swap is its own inverse)
    xt = im.temp(x, dtype, moved(shape))
    vt = im.temp(values, dtype, moved(im.shape(values)))
    it = im.temp(indices, im.dtype(indices), moved(im.shape(indices)))
    im.emit("Transpose", [x], [xt], {"perm": np.array(perm, np.uint32)})
    im.emit("TopK", [xt], [vt, it], params)
    im.emit("Transpose", [vt], [values], {"perm": np.array(perm, np.uint32)})
    im.emit("Transpose", [it], [indices], {"perm": np.array(perm, np.uint32)})


@handles("Shape", attrs=("start", "end"))
def _shape(im, node, attrs):
    shape = im.shape(node.input[0])
    start, end = attrs.get("start", 0), attrs.get("end", len(shape))
    im.consts[node.output[0]] = np.array(shape[slice(start, end)], np.int64)


@handles("Size")
def _size(im, node, attrs):
    im.consts[node.output[0]] = np.array(int(np.prod(im.shape(node.input[0]))), np.int64)


@handles("ConstantOfShape", attrs=("value",))
def _constant_of_shape(im, node, attrs):
    value = numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, np.float32)
    im.consts[node.output[0]] = np.full(im.shape(node.output[0]), value.reshape(-1)[0], value.dtype)


@handles("EyeLike", attrs=("dtype", "k"))
def _eye_like(im, node, attrs):
    dtype = elem_dtype(attrs["dtype"]) if "dtype" in attrs else im.dtype(node.input[0])
    rows, cols = im.shape(node.input[0])
    im.consts[node.output[0]] = np.eye(rows, cols, attrs.get("k", 0), dtype=dtype)


@handles("Cast", attrs=("to", "saturate"))
def _cast(im, node, attrs):
    _cast_to(im, node, elem_dtype(attrs["to"]))


@handles("CastLike", attrs=("saturate",))
def _cast_like(im, node, attrs):
    """The second input gives only its type: a constant first input still folds."""
    value = im.const(node.input[0])
    target = im.dtype(node.input[1])
    if value is not None and (target.kind in "fb" or value.dtype.kind in "iub"):  # no float -> int rounding
        im.consts[node.output[0]] = value.astype(target)
        return
    _cast_to(im, node, target)


def _cast_to(im, node, target):
    x, out = node.input[0], node.output[0]
    source = im.dtype(x)
    target_type = qnn_type(target, f"Cast target {helper.np_dtype_to_tensor_dtype(target) if target else '?'}")
    if qnn_type(source, f"'{x}'") == target_type:
        im.alias[out] = im.name(x)
    elif target == np.bool_:
        im.emit("ElementWiseNotEqual", [x, im.static(np.zeros((), source), out)], [out])
    else:
        im.emit("Cast", [x], [out])
