"""Tile: the input repeated ``multiples[i]`` times along each axis i."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, TensorParam, register


@register
class Tile(DataMovement):
    type_name = "Tile"
    params = {"multiples": TensorParam(1)}

    def infer(self, ins, outs, p):
        dims, reps = tuple(ins[0].dims), [int(m) for m in p["multiples"]]
        if len(reps) != len(dims) or min(reps, default=1) < 1:
            raise OpError(f"multiples {reps} must be {len(dims)} positive values")
        return [tuple(d * m for d, m in zip(dims, reps))]

    def compute(self, ins, p, outs):
        outs[0][...] = np.tile(ins[0], [int(m) for m in p["multiples"]])
