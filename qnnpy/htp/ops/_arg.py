"""What Argmax and Argmin share: one axis, keep_dims, an INT_32 / UINT_32 index output.
Ties go to the first index, as numpy's argmax/argmin and ONNX's default do."""
from qnnpy.htp import dtypes
from qnnpy.htp.ops import OpDef, OpError, Scalar, normalize_axis


class ArgReduce(OpDef):
    finder = None
    params = {"axis": Scalar("uint32"), "keep_dims": Scalar("bool", False)}

    def check_dtypes(self, ins, outs):
        if dtypes.category(ins[0].dtype) == "bool":
            raise OpError(f"input '{ins[0].name}' is BOOL_8; {self.type_name} takes numbers")
        if not dtypes.is_integer(outs[0].dtype):
            raise OpError(f"output '{outs[0].name}' must be INT_32 or UINT_32, got {dtypes.name(outs[0].dtype)}")

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        axis = normalize_axis(p["axis"], len(dims), "axis")
        if p["keep_dims"]:
            return [dims[:axis] + (1,) + dims[axis + 1:]]
        return [dims[:axis] + dims[axis + 1:]]

    def compute(self, ins, p, outs):
        outs[0][...] = type(self).finder(ins[0], axis=p["axis"], keepdims=p["keep_dims"])
