"""QNN's fixed-point rule, written once for the backend, the tools and the client helpers:
real = scale * (code + offset); quantizing rounds half to even in float64 and saturates."""
import numpy as np


def quantize(values, scale, offset, low: int, high: int, dtype) -> np.ndarray:
    """Codes of ``values``; scale and offset broadcast against them (per-axis encodings)."""
    codes = np.rint(np.asarray(values, np.float64) / scale) - offset
    return np.clip(codes, low, high).astype(dtype)


def dequantize(codes: np.ndarray, scale, offset) -> np.ndarray:
    with np.errstate(over="ignore"):  # a code at float32's limit (a mask fill) may round past it: -> inf
        return ((codes.astype(np.float64) + offset) * scale).astype(np.float32)


def lpbq_scales(channel_scales, blocks, axis: int, block_axis: int, shape: tuple) -> np.ndarray:
    """LPBQ's scale per element of a tensor of ``shape``: its channel's float32 scale times its
    block's integer (``blocks`` [channel, block]), rounded to float32 as the device's dequantized
    block scale is, shaped to broadcast against the tensor."""
    blocks = np.asarray(blocks)
    per_block = (np.asarray(channel_scales, np.float32)[:, None] * blocks.astype(np.float32)).astype(np.float32)
    per_element = np.repeat(per_block, shape[block_axis] // blocks.shape[1], axis=1)  # [channel, element]
    view = [1] * len(shape)
    view[axis], view[block_axis] = per_element.shape
    return (per_element if axis < block_axis else per_element.T).reshape(view)


def lpbq_block_axis(axis: int, rank: int) -> int | None:
    """The axis an LPBQ weight's blocks split, from its channel axis: the one before a last
    channel axis (MatMul [in, out], Conv2d HWIO), or the second of a matrix whose channels
    come first (FullyConnected [out, in]); None where neither holds."""
    if rank >= 2 and axis == rank - 1:
        return rank - 2
    if rank == 2 and axis == 0:
        return 1
    return None
