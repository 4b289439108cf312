"""QNN data types as the emulated HTP stores and computes them.

Every tensor has a *storage* dtype (what client buffers and binaries hold) and a *value*
dtype (what kernels see): fixed-point and float16 values are computed as float32,
integers and booleans keep their own type. 4-bit fixed point is stored one value per byte
(low bits), the layout ONNX Runtime's QNN EP hands over; see docs/formats.md.
"""
import numpy as np

from qnnpy.QnnTypes import Qnn_DataType_t as DT

STORAGE = {
    DT.QNN_DATATYPE_INT_8: np.int8, DT.QNN_DATATYPE_INT_16: np.int16,
    DT.QNN_DATATYPE_INT_32: np.int32, DT.QNN_DATATYPE_INT_64: np.int64,
    DT.QNN_DATATYPE_UINT_8: np.uint8, DT.QNN_DATATYPE_UINT_16: np.uint16,
    DT.QNN_DATATYPE_UINT_32: np.uint32, DT.QNN_DATATYPE_UINT_64: np.uint64,
    DT.QNN_DATATYPE_FLOAT_16: np.float16, DT.QNN_DATATYPE_FLOAT_32: np.float32,
    DT.QNN_DATATYPE_SFIXED_POINT_4: np.int8, DT.QNN_DATATYPE_SFIXED_POINT_8: np.int8,
    DT.QNN_DATATYPE_SFIXED_POINT_16: np.int16, DT.QNN_DATATYPE_SFIXED_POINT_32: np.int32,
    DT.QNN_DATATYPE_UFIXED_POINT_4: np.uint8, DT.QNN_DATATYPE_UFIXED_POINT_8: np.uint8,
    DT.QNN_DATATYPE_UFIXED_POINT_16: np.uint16, DT.QNN_DATATYPE_UFIXED_POINT_32: np.uint32,
    DT.QNN_DATATYPE_BOOL_8: np.uint8,
}
FIXED_BITS = {
    DT.QNN_DATATYPE_SFIXED_POINT_4: 4, DT.QNN_DATATYPE_SFIXED_POINT_8: 8,
    DT.QNN_DATATYPE_SFIXED_POINT_16: 16, DT.QNN_DATATYPE_SFIXED_POINT_32: 32,
    DT.QNN_DATATYPE_UFIXED_POINT_4: 4, DT.QNN_DATATYPE_UFIXED_POINT_8: 8,
    DT.QNN_DATATYPE_UFIXED_POINT_16: 16, DT.QNN_DATATYPE_UFIXED_POINT_32: 32,
}
FLOATS = {DT.QNN_DATATYPE_FLOAT_16, DT.QNN_DATATYPE_FLOAT_32}
BOOLS = {DT.QNN_DATATYPE_BOOL_8}


def supported(dtype: int) -> bool:
    return dtype in STORAGE


def is_fixed(dtype: int) -> bool:
    return dtype in FIXED_BITS


def is_real(dtype: int) -> bool:
    """Float or fixed point: the values arithmetic kernels accept."""
    return dtype in FLOATS or dtype in FIXED_BITS


def is_integer(dtype: int) -> bool:
    return dtype in STORAGE and not is_real(dtype) and dtype not in BOOLS


def category(dtype: int) -> str:
    if is_real(dtype):
        return "real"
    return "bool" if dtype in BOOLS else "int"


def storage(dtype: int) -> np.dtype:
    return np.dtype(STORAGE[dtype])


def value_dtype(dtype: int) -> np.dtype:
    return np.dtype(np.float32) if is_real(dtype) else storage(dtype)


def is_signed_fixed(dtype: int) -> bool:
    return is_fixed(dtype) and (int(dtype) >> 8) == 0x03


def code_range(dtype: int, bitwidth: int | None = None) -> tuple[int, int]:
    """Smallest and largest code of a fixed-point type, or of its narrower bitwidth."""
    bits = bitwidth or FIXED_BITS[dtype]
    if is_signed_fixed(dtype):
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def name(dtype: int) -> str:
    try:
        return DT(dtype).name.removeprefix("QNN_DATATYPE_")
    except (ValueError, TypeError, OverflowError):  # a value from a hostile file: shown, never trusted
        return f"0x{dtype:x}" if type(dtype) is int else repr(dtype)[:40]
