"""Op kernels of the emulated HTP, one file per QNN op, registered under package qti.aisw.

An op class declares its QNN parameter names (with kind and default), how many inputs and
outputs it takes, ``infer`` (output shapes from input tensors, raising OpError when the
config is invalid) and ``compute`` (numpy on value arrays, writing into preallocated
outputs). The executor knows nothing about any particular op.
"""
import numpy as np

from qnnpy.htp import dtypes

PACKAGE = "qti.aisw"
REQUIRED = object()
REGISTRY: dict[str, "OpDef"] = {}


class OpError(ValueError):
    """An op config that cannot work; the message names what is wrong."""


class Scalar:
    """A scalar parameter: kind is bool, uint32, int32 or float32."""

    def __init__(self, kind: str, default=REQUIRED):
        self.kind, self.default = kind, default


class TensorParam:
    """A static integer tensor parameter (QNN passes these as UINT_32 / INT_32 tensors)."""

    def __init__(self, rank: int | None = None, default=REQUIRED):
        self.rank, self.default = rank, default


class OpDef:
    type_name = ""
    num_inputs = (1, 1)
    num_outputs = (1, 1)
    params: dict = {}
    optional_inputs: tuple[int, ...] = ()  # input positions that may be a NULL tensor
    raw_values = False  # True: compute sees storage codes instead of dequantized values

    def check_dtypes(self, ins, outs) -> None:
        """Default: arithmetic on real (float or fixed-point) tensors only."""
        for role, tensors in (("input", ins), ("output", outs)):
            for t in tensors:
                if t is not None and not dtypes.is_real(t.dtype):
                    raise OpError(f"{role} '{t.name}' is {dtypes.name(t.dtype)}; "
                                  f"{self.type_name} takes float or fixed-point tensors")

    def infer(self, ins, outs, p) -> list[tuple[int, ...]]:
        raise NotImplementedError

    def compute(self, ins, p, outs) -> None:
        raise NotImplementedError


class DataMovement(OpDef):
    """Ops that move values without arithmetic: any dtype, but in and out must agree."""

    def check_dtypes(self, ins, outs) -> None:
        kind = dtypes.category(ins[0].dtype)
        for t in list(ins[:1]) + list(outs):
            if dtypes.category(t.dtype) != kind:
                raise OpError(f"'{t.name}' is {dtypes.name(t.dtype)} but '{ins[0].name}' is "
                              f"{dtypes.name(ins[0].dtype)}; {self.type_name} cannot change "
                              "the kind of data")


def register(cls):
    REGISTRY[cls.type_name] = cls()
    return cls


def broadcast_shape(a: tuple, b: tuple, what: str) -> tuple:
    try:
        return tuple(int(d) for d in np.broadcast_shapes(tuple(a), tuple(b)))
    except ValueError:
        raise OpError(f"{what}: shapes {list(a)} and {list(b)} do not broadcast") from None


def normalize_axis(axis: int, rank: int, what: str) -> int:
    if not -rank <= axis < rank:
        raise OpError(f"{what} {axis} is out of range for rank {rank}")
    return axis % rank


from qnnpy.htp.ops import (  # noqa: E402,F401  (registration side effects)
    argmax, argmin, cast, concat, conv2d, convert, cumulative_sum, depth_to_space, dequantize, element_wise_abs,
    element_wise_add, element_wise_and, element_wise_asin, element_wise_atan, element_wise_ceil, element_wise_cos,
    element_wise_divide, element_wise_equal, element_wise_exp, element_wise_floor, element_wise_floor_div,
    element_wise_fmod, element_wise_greater, element_wise_greater_equal, element_wise_less, element_wise_less_equal,
    element_wise_log, element_wise_maximum, element_wise_minimum, element_wise_mod, element_wise_multiply,
    element_wise_neg, element_wise_neuron, element_wise_not, element_wise_not_equal, element_wise_or,
    element_wise_power, element_wise_round, element_wise_rsqrt, element_wise_select, element_wise_sign,
    element_wise_sin, element_wise_square_root, element_wise_subtract, element_wise_xor, elu, fully_connected,
    gather, gather_elements, gather_nd, gelu, hard_swish, instance_norm, layer_norm, log_softmax, mat_mul, pad,
    pool_avg_2d, pool_max_2d, prelu, quantize, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum, relu,
    relu_min_max, reshape, resize_nearest_neighbor, rms_norm, scatter_elements, scatter_nd, sigmoid, softmax, split,
    strided_slice, tanh, tile, top_k, transpose, transpose_conv_2d)
