"""QNN fixed point: real = scale * (q + offset), round half to even, saturate.

A quantized op is simulated by dequantizing its inputs, computing in float32 and
requantizing the result with the output tensor's encoding; ``fake_quantize`` is that last
step done in place on the float32 value.
"""
import numpy as np

from qnnpy import fixed_point
from qnnpy.backend_api import Encoding
from qnnpy.fixed_point import lpbq_block_axis
from qnnpy.htp import dtypes


def _broadcast(vector: np.ndarray, enc: Encoding, ndim: int) -> np.ndarray:
    if enc.axis is None:
        return vector[0]
    shape = [1] * ndim
    shape[enc.axis] = vector.shape[0]
    return vector.reshape(shape)


def _scales(enc: Encoding, shape: tuple) -> np.ndarray:
    """The scales broadcast against a tensor of ``shape`` (for LPBQ one per element)."""
    if enc.blocks is None:
        return _broadcast(enc.scales, enc, len(shape))
    return fixed_point.lpbq_scales(enc.scales, enc.blocks, enc.axis, lpbq_block_axis(enc.axis, len(shape)), shape)


def lpbq_code_bits(storage_bits: int, enc: Encoding) -> int:
    """An LPBQ weight's codes are as wide as its storage minus the block integers' width: the
    block integer expands them back to the storage width (4-bit codes x 4-bit blocks in 8)."""
    return storage_bits - enc.block_bitwidth


def _lpbq_codes(codes: np.ndarray, enc: Encoding) -> np.ndarray:
    """The codes sign-extended from their width, so that a 4-bit -4 reads the same whether the
    client stored it sign-extended (0xFC) or as a bare nibble (0x0C, as ONNX Runtime does)."""
    bits = lpbq_code_bits(codes.dtype.itemsize * 8, enc)
    raw = codes.astype(np.int64) & ((1 << bits) - 1)
    return (raw ^ (1 << (bits - 1))) - (1 << (bits - 1))


def dequantize(codes: np.ndarray, enc: Encoding) -> np.ndarray:
    if enc.blocks is not None:
        codes = _lpbq_codes(codes, enc)
    return fixed_point.dequantize(codes, _scales(enc, codes.shape), _broadcast(enc.offsets, enc, codes.ndim))


def quantize(values: np.ndarray, enc: Encoding, dtype: int) -> np.ndarray:
    bits = enc.bitwidth if enc.blocks is None else lpbq_code_bits(dtypes.FIXED_BITS[dtype], enc)
    lo, hi = dtypes.code_range(dtype, bits)
    return fixed_point.quantize(values, _scales(enc, values.shape).astype(np.float64),
                                _broadcast(enc.offsets, enc, values.ndim), lo, hi, dtypes.storage(dtype))


def fake_quantize(values: np.ndarray, enc: Encoding, dtype: int) -> None:
    """Round ``values`` in place onto the grid the encoding can represent."""
    values[...] = dequantize(quantize(values, enc, dtype), enc)


def to_values(stored: np.ndarray, dtype: int, enc: Encoding | None) -> np.ndarray:
    """Storage array -> what kernels compute on (a view when no conversion is needed)."""
    if dtypes.is_fixed(dtype):
        return dequantize(stored, enc)
    if dtype in dtypes.FLOATS:
        return stored if stored.dtype == np.float32 else stored.astype(np.float32)
    return stored


def to_storage(values: np.ndarray, dtype: int, enc: Encoding | None, out: np.ndarray) -> None:
    """Kernel values -> client storage, written into ``out``."""
    if dtypes.is_fixed(dtype):
        out[...] = quantize(values, enc, dtype)
    else:
        np.copyto(out, values, casting="unsafe")


def round_to_dtype(values: np.ndarray, dtype: int, enc: Encoding | None) -> None:
    """What a tensor of ``dtype`` can hold, applied in place after the op that writes it."""
    if dtypes.is_fixed(dtype):
        fake_quantize(values, enc, dtype)
    elif dtype == dtypes.DT.QNN_DATATYPE_FLOAT_16:
        values[...] = values.astype(np.float16)
