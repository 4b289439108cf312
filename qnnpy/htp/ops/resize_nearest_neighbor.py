"""ResizeNearestNeighbor on NHWC to the output tensor's height and width. Each output row takes
the input row floor(out_row * in / out); with ``align_corners`` round-half-up(out_row * (in - 1) /
(out - 1)); with ``half_pixel_centers`` floor((out_row + 0.5) * in / out); clamped to the
input (likewise for columns)."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, register


def _source(out_size: int, in_size: int, align: bool, half: bool) -> np.ndarray:
    dst = np.arange(out_size, dtype=np.float64)
    if align and out_size > 1:
        src = np.floor(dst * (in_size - 1) / (out_size - 1) + 0.5)  # halves round up, as the device rounds
    elif half:
        src = np.floor((dst + 0.5) * in_size / out_size)
    else:
        src = np.floor(dst * in_size / out_size)
    return np.clip(src, 0, in_size - 1).astype(np.int64)


@register
class ResizeNearestNeighbor(DataMovement):
    type_name = "ResizeNearestNeighbor"
    params = {"align_corners": Scalar("bool", False), "half_pixel_centers": Scalar("bool", False)}

    def infer(self, ins, outs, p):
        dims, out = tuple(ins[0].dims), tuple(outs[0].dims)
        if len(dims) != 4 or len(out) != 4 or out[0] != dims[0] or out[3] != dims[3]:
            raise OpError(f"input and output must be NHWC with the same batch and channels, got {list(dims)} "
                          f"and {list(out)}")
        if p["align_corners"] and p["half_pixel_centers"]:
            raise OpError("align_corners and half_pixel_centers cannot both be set")
        return [out]

    def compute(self, ins, p, outs):
        x, out = ins[0], outs[0]
        rows = _source(out.shape[1], x.shape[1], p["align_corners"], p["half_pixel_centers"])
        cols = _source(out.shape[2], x.shape[2], p["align_corners"], p["half_pixel_centers"])
        out[...] = x[:, rows][:, :, cols]
