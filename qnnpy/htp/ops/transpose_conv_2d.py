"""TransposeConv2d on NHWC activations with a filter [fh, fw, c_in, c_out/group]: every input
pixel scatters filter * value into a stride-spaced output grid, then ``pad_amount`` is cut from
the edges; ``output_padding`` adds rows/columns at the bottom/right. The output size is
(in - 1) * stride + filter - pad_before - pad_after + output_padding per axis."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, TensorParam, register


def _pair(p, name, low=1):
    values = [int(v) for v in np.ravel(p[name])]
    if len(values) != 2 or min(values) < low:
        raise OpError(f"{name} must be two values of at least {low}, got {values}")
    return values


@register
class TransposeConv2d(OpDef):
    type_name = "TransposeConv2d"
    num_inputs = (2, 3)
    optional_inputs = (2,)
    params = {"stride": TensorParam(1), "pad_amount": TensorParam(2), "group": Scalar("uint32", 1),
              "output_padding": TensorParam(1, (0, 0))}

    def _geometry(self, x, w, p):
        (sh, sw), (oph, opw) = _pair(p, "stride"), _pair(p, "output_padding", 0)
        pads = np.asarray(p["pad_amount"]).reshape(-1)
        if pads.size != 4 or pads.min() < 0:
            raise OpError(f"pad_amount must be [[top, bottom], [left, right]], got {pads.tolist()}")
        top, bottom, left, right = (int(v) for v in pads)
        oh = (x[1] - 1) * sh + w[0] - top - bottom + oph
        ow = (x[2] - 1) * sw + w[1] - left - right + opw
        return (sh, sw), (top, left), (oh, ow)

    def infer(self, ins, outs, p):
        x, w = tuple(ins[0].dims), tuple(ins[1].dims)
        group = p["group"]
        if len(x) != 4 or len(w) != 4 or group < 1 or x[3] != w[2] or x[3] % group:
            raise OpError(f"TransposeConv2d needs NHWC input and a [fh, fw, c_in, c_out/group] filter that "
                          f"agree with group {group}: got {list(x)} and {list(w)}")
        cout = w[3] * group
        if len(ins) > 2 and ins[2] is not None and tuple(ins[2].dims) != (cout,):
            raise OpError(f"bias must have shape [{cout}], got {list(ins[2].dims)}")
        _, _, (oh, ow) = self._geometry(x, w, p)
        if oh < 1 or ow < 1:
            raise OpError(f"the output would be {oh} x {ow}")
        return [(x[0], oh, ow, cout)]

    def compute(self, ins, p, outs):
        x, w = ins[0], ins[1]
        (sh, sw), (top, left), (oh, ow) = self._geometry(x.shape, w.shape, p)
        n, h, wi, cin = x.shape
        fh, fw, _, cout_g = w.shape
        group = p["group"]
        cin_g = cin // group
        full = np.zeros((n, (h - 1) * sh + fh + oh, (wi - 1) * sw + fw + ow, cout_g * group), np.float32)
        for g in range(group):
            xs = x[..., g * cin_g:(g + 1) * cin_g]
            ws = w[:, :, g * cin_g:(g + 1) * cin_g, :]                    # fh, fw, cin_g, cout_g
            contrib = np.einsum("nhwc,ijco->nhwijo", xs, ws, optimize=True)
            target = full[..., g * cout_g:(g + 1) * cout_g]
            for i in range(fh):
                for j in range(fw):
                    target[:, i:i + (h - 1) * sh + 1:sh, j:j + (wi - 1) * sw + 1:sw] += contrib[:, :, :, i, j]
        outs[0][...] = full[:, top:top + oh, left:left + ow]
        if len(ins) > 2 and ins[2] is not None:
            outs[0] += ins[2]
