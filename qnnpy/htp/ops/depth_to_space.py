"""DepthToSpace on NHWC: channels move into [block_h, block_w] tiles. ``mode`` DCR (0) reads the
channel as (row in tile, column in tile, output channel); CRD (1) as (output channel, row, column)."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, TensorParam, register


@register
class DepthToSpace(DataMovement):
    type_name = "DepthToSpace"
    params = {"block_size": TensorParam(1), "mode": Scalar("uint32", 0)}

    def _blocks(self, p):
        block = [int(v) for v in np.ravel(p["block_size"])]
        if len(block) != 2 or min(block) < 1:
            raise OpError(f"block_size must be two positive values, got {block}")
        if p["mode"] not in (0, 1):
            raise OpError(f"mode {p['mode']} is not DCR (0) or CRD (1)")
        return block

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        bh, bw = self._blocks(p)
        if len(dims) != 4 or dims[3] % (bh * bw):
            raise OpError(f"input must be NHWC with channels a multiple of {bh * bw}, got {list(dims)}")
        return [(dims[0], dims[1] * bh, dims[2] * bw, dims[3] // (bh * bw))]

    def compute(self, ins, p, outs):
        x = ins[0]
        (bh, bw), (n, h, w, c) = self._blocks(p), x.shape
        depth = c // (bh * bw)
        tiles = x.reshape(n, h, w, bh, bw, depth) if p["mode"] == 0 else \
            x.reshape(n, h, w, depth, bh, bw).transpose(0, 1, 2, 4, 5, 3)
        outs[0][...] = tiles.transpose(0, 1, 3, 2, 4, 5).reshape(n, h * bh, w * bw, depth)
