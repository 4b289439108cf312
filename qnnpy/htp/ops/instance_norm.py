"""InstanceNorm on NHWC: each (batch, channel) normalized over its spatial positions, then
scaled by gamma and shifted by beta (one per channel). ``mode`` MU_SIGMA (0) subtracts the mean
and divides by sqrt(variance + epsilon); RMS (1) divides by sqrt(mean square + epsilon).
``region`` ACROSS_SPATIAL (0) is the instance norm; ACROSS_CHANNEL (1) normalizes over the
channels of each position, ACROSS_ALL (2) over everything but the batch. With
``normalize_variance`` false only the mean is removed (no division)."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, register

_REGIONS = {0: (1, 2), 1: (3,), 2: (1, 2, 3)}


@register
class InstanceNorm(OpDef):
    type_name = "InstanceNorm"
    num_inputs = (3, 3)
    params = {"epsilon": Scalar("float32", 1e-12), "mode": Scalar("uint32", 0),
              "normalize_variance": Scalar("bool", True), "region": Scalar("uint32", 0)}

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        if len(dims) != 4:
            raise OpError(f"input must be NHWC, got {list(dims)}")
        for k, what in ((1, "gamma"), (2, "beta")):
            if tuple(ins[k].dims) != (dims[3],):
                raise OpError(f"{what} must have shape [{dims[3]}], got {list(ins[k].dims)}")
        if p["mode"] not in (0, 1) or p["region"] not in _REGIONS:
            raise OpError(f"mode {p['mode']} / region {p['region']} is not MU_SIGMA (0) or RMS (1) / "
                          "ACROSS_SPATIAL (0), ACROSS_CHANNEL (1) or ACROSS_ALL (2)")
        return [dims]

    def compute(self, ins, p, outs):
        x, gamma, beta = ins
        axes = _REGIONS[p["region"]]
        centered = x - x.mean(axis=axes, keepdims=True) if p["mode"] == 0 else x
        if p["normalize_variance"]:
            spread = np.mean(centered * centered, axis=axes, keepdims=True)
            centered = centered / np.sqrt(spread + np.float32(p["epsilon"]))
        outs[0][...] = centered * gamma + beta
