"""What PoolMax2d and PoolAvg2d share: NHWC windows of ``filter_size`` every ``stride``
over the input padded by ``pad_amount``; ``rounding_mode`` 1 (ceil) adds a last, partial
window when one is left over, but never one that starts in the end padding."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, TensorParam


def _pair(p, name):
    values = [int(v) for v in np.ravel(p[name])]
    if len(values) != 2 or min(values) < 1:
        raise OpError(f"{name} must be two positive values, got {values}")
    return values


class Pool2d(OpDef):
    def __init__(self):
        self.params = {"filter_size": TensorParam(1), "stride": TensorParam(1),
                       "pad_amount": TensorParam(2, ((0, 0), (0, 0))), "rounding_mode": Scalar("uint32", 0),
                       **self.extra_params}

    extra_params: dict = {}

    def geometry(self, dims, p):
        if len(dims) != 4:
            raise OpError(f"input must be NHWC, got {list(dims)}")
        kernel, stride = _pair(p, "filter_size"), _pair(p, "stride")
        pads = np.asarray(p["pad_amount"]).reshape(-1)
        if pads.size != 4 or pads.min() < 0:
            raise OpError(f"pad_amount must be [[top, bottom], [left, right]], got {pads.tolist()}")
        out = []
        for axis in range(2):
            size, k, s = dims[1 + axis], kernel[axis], stride[axis]
            before, after = int(pads[2 * axis]), int(pads[2 * axis + 1])
            span = size + before + after - k
            if span < 0:
                raise OpError(f"filter {kernel} does not fit the padded input {list(dims)}")
            n = (-(-span // s) if p["rounding_mode"] == 1 else span // s) + 1
            if p["rounding_mode"] == 1 and (n - 1) * s >= size + before:
                n -= 1
            out.append((n, k, s, before))
        return out

    def infer(self, ins, outs, p):
        (oh, *_), (ow, *_) = self.geometry(tuple(ins[0].dims), p)
        return [(ins[0].dims[0], oh, ow, ins[0].dims[3])]

    def windows(self, x, p, fill, pad_fill=None):
        """[n, oh, ow, c, kh, kw] windows; positions outside the input hold ``fill``, or
        ``pad_fill`` where they are explicit padding."""
        (oh, kh, sh, top), (ow, kw, sw, left) = self.geometry(x.shape, p)
        height, width = (oh - 1) * sh + kh, (ow - 1) * sw + kw
        padded = np.full((x.shape[0], max(height, top + x.shape[1]), max(width, left + x.shape[2]), x.shape[3]),
                         fill, x.dtype)
        if pad_fill is not None:
            pads = np.asarray(p["pad_amount"]).reshape(-1)
            padded[:, :top + x.shape[1] + int(pads[1]), :left + x.shape[2] + int(pads[3])] = pad_fill
        padded[:, top:top + x.shape[1], left:left + x.shape[2]] = x
        view = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(1, 2))
        return view[:, ::sh, ::sw][:, :oh, :ow]
