"""The Reduce* ops: ``axes`` (UINT_32 tensor) and ``keep_dims``."""
from qnnpy.htp.ops import OpDef, OpError, Scalar, TensorParam, normalize_axis
from qnnpy.htp.ops._elementwise import check_same_kind


class Reduce(OpDef):
    """Real values, or integers reduced in their own type."""
    reducer = None

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, outs)

    def __init__(self):
        self.params = {"axes": TensorParam(1), "keep_dims": Scalar("bool", False)}

    def _axes(self, rank, p):
        axes = sorted({normalize_axis(int(a), rank, "axes entry") for a in p["axes"]})
        if not axes:
            raise OpError("axes must name at least one dimension")
        return tuple(axes)

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        axes = self._axes(len(dims), p)
        if p["keep_dims"]:
            return [tuple(1 if i in axes else d for i, d in enumerate(dims))]
        return [tuple(d for i, d in enumerate(dims) if i not in axes)]

    def compute(self, ins, p, outs):
        axes = self._axes(ins[0].ndim, p)
        outs[0][...] = type(self).reducer(ins[0], axis=axes, keepdims=p["keep_dims"])
