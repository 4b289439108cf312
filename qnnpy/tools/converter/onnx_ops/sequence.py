"""Tensor sequences of a known length, as exporters write ``torch.split`` / ``chunk``
(SplitToSequence, then SequenceAt with constant positions): the sequence becomes the
list of its element tensors, each an output of one Split. The HTP has no sequence type,
so a sequence whose length or positions depend on run-time values is refused."""
import numpy as np

from qnnpy.tools.converter.onnx_ops.tensor import axis_of, constant_input

SEQUENCE_HANDLERS: dict = {}


def sequence_op(name):
    def register(fn):
        SEQUENCE_HANDLERS[name] = fn
        return fn
    return register


def _elements(im, name):
    seq = im.sequences.get(im.name(name))
    if seq is None:
        im.refuse("datatype", f"'{name}' is a sequence whose elements are not known at conversion time")
    return seq


@sequence_op("SplitToSequence")
def _split_to_sequence(im, node, attrs):
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    axis = axis_of(im, attrs.get("axis", 0), len(shape))
    keep = attrs.get("keepdims", 1)
    split = constant_input(im, node, 1, "SplitToSequence split")
    size = shape[axis]
    if split is None:
        sizes = [1] * size
    elif split.ndim == 0:
        step = int(split)
        sizes = [step] * (size // step) + ([size % step] if size % step else [])
    else:
        sizes = [int(s) for s in split]
    if sum(sizes) != size or min(sizes, default=1) < 1:
        im.refuse("invalid model", f"split sizes {sizes} do not cover the {size} entries of axis {axis}")
    parts = []
    for k, s in enumerate(sizes):
        name = f"{out}[{k}]"
        im.values[name] = (dtype, shape[:axis] + (s,) + shape[axis + 1:])
        parts.append(name)
    if len(parts) > 1:
        im.emit("Split", [x], parts, {"axis": axis, "split_index": np.cumsum(sizes[:-1]).astype(np.uint32)})
    else:
        im.alias[parts[0]] = im.name(x)
    if split is None and not keep:
        squeezed = []
        for name in parts:
            flat = f"{name}/squeezed"
            im.values[flat] = (dtype, shape[:axis] + shape[axis + 1:])
            im.emit("Reshape", [name], [flat])
            squeezed.append(flat)
        parts = squeezed
    im.sequences[out] = parts


@sequence_op("SequenceAt")
def _sequence_at(im, node, attrs):
    parts = _elements(im, node.input[0])
    position = constant_input(im, node, 1, "SequenceAt position")
    k = int(position)
    if not -len(parts) <= k < len(parts):
        im.refuse("invalid model", f"position {k} is outside a sequence of {len(parts)}")
    im.alias[node.output[0]] = im.name(parts[k])


@sequence_op("SequenceLength")
def _sequence_length(im, node, attrs):
    im.consts[node.output[0]] = np.array(len(_elements(im, node.input[0])), np.int64)


@sequence_op("SequenceConstruct")
def _sequence_construct(im, node, attrs):
    im.sequences[node.output[0]] = [im.name(i) for i in node.input]


@sequence_op("ConcatFromSequence")
def _concat_from_sequence(im, node, attrs):
    if attrs.get("new_axis", 0):
        im.refuse("attribute", "ConcatFromSequence with new_axis=1")
    parts = _elements(im, node.input[0])
    rank = len(im.shape(parts[0]))
    axis = axis_of(im, attrs["axis"], rank)
    dtype = im.dtype(parts[0])
    im.values[node.output[0]] = (dtype, tuple(sum(im.shape(p)[axis] for p in parts) if d == axis else n
                                              for d, n in enumerate(im.shape(parts[0]))))
    im.emit("Concat", parts, [node.output[0]], {"axis": axis})
