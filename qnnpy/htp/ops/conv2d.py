"""Conv2d on NHWC activations with an HWIO filter [fh, fw, c_in/group, c_out].

Lowered to one matrix product per group over strided windows of the padded input
(numpy's sliding_window_view makes the windows without copying). ``reuse_sparse_indices`` is
accepted (ORT's QNN EP always sets it) and has no effect: qnnpy stores every filter dense.
"""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, TensorParam, register


def _pair(p, name):
    values = [int(v) for v in np.ravel(p[name])]
    if len(values) != 2 or min(values) < 1:
        raise OpError(f"{name} must be two positive values, got {values}")
    return values


@register
class Conv2d(OpDef):
    type_name = "Conv2d"
    num_inputs = (2, 3)
    optional_inputs = (2,)
    params = {"stride": TensorParam(1), "pad_amount": TensorParam(2),
              "dilation": TensorParam(1, (1, 1)), "group": Scalar("uint32", 1),
              "reuse_sparse_indices": Scalar("bool", False)}

    def infer(self, ins, outs, p):
        x, w = tuple(ins[0].dims), tuple(ins[1].dims)
        if len(x) != 4 or len(w) != 4:
            raise OpError(f"Conv2d needs NHWC input and HWIO filter, got {list(x)} and {list(w)}")
        (sh, sw), (dh, dw), group = _pair(p, "stride"), _pair(p, "dilation"), p["group"]
        pads = np.asarray(p["pad_amount"]).reshape(-1)
        if pads.size != 4 or pads.min() < 0:
            raise OpError(f"pad_amount must be [[top, bottom], [left, right]], got {pads.tolist()}")
        top, bottom, left, right = (int(v) for v in pads)
        if group < 1 or x[3] % group or w[3] % group or w[2] * group != x[3]:
            raise OpError(f"channels do not fit group {group}: input {x[3]}, filter {list(w)}")
        if len(ins) > 2 and ins[2] is not None and tuple(ins[2].dims) != (w[3],):
            raise OpError(f"bias must have shape [{w[3]}], got {list(ins[2].dims)}")
        oh = (top + x[1] + bottom - ((w[0] - 1) * dh + 1)) // sh + 1
        ow = (left + x[2] + right - ((w[1] - 1) * dw + 1)) // sw + 1
        if oh < 1 or ow < 1:
            raise OpError(f"the filter {list(w)} does not fit the padded input {list(x)}")
        return [(x[0], oh, ow, w[3])]

    def compute(self, ins, p, outs):
        x, w = ins[0], ins[1]
        (sh, sw), (dh, dw), group = _pair(p, "stride"), _pair(p, "dilation"), p["group"]
        top, bottom, left, right = (int(v) for v in np.asarray(p["pad_amount"]).reshape(-1))
        xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
        fh, fw, cin_g, cout = w.shape
        span_h, span_w = (fh - 1) * dh + 1, (fw - 1) * dw + 1
        windows = np.lib.stride_tricks.sliding_window_view(xp, (span_h, span_w), axis=(1, 2))
        windows = windows[:, ::sh, ::sw, :, ::dh, ::dw][:, :outs[0].shape[1], :outs[0].shape[2]]
        cout_g = cout // group
        for g in range(group):
            patch = windows[:, :, :, g * cin_g:(g + 1) * cin_g]            # n, oh, ow, cin_g, fh, fw
            kernel = w[:, :, :, g * cout_g:(g + 1) * cout_g]                # fh, fw, cin_g, cout_g
            outs[0][..., g * cout_g:(g + 1) * cout_g] = np.einsum(
                "nhwcij,ijco->nhwo", patch, kernel, optimize=True)
        if len(ins) > 2 and ins[2] is not None:
            outs[0] += ins[2]
