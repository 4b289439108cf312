"""QNN's fixed-point rule, written once for the backend, the tools and the client helpers:
real = scale * (code + offset); quantizing rounds half to even in float64 and saturates."""
import numpy as np


def quantize(values, scale, offset, low: int, high: int, dtype) -> np.ndarray:
    """Codes of ``values``; scale and offset broadcast against them (per-axis encodings)."""
    codes = np.rint(np.asarray(values, np.float64) / scale) - offset
    return np.clip(codes, low, high).astype(dtype)


def dequantize(codes: np.ndarray, scale, offset) -> np.ndarray:
    with np.errstate(over="ignore"):  # a code at float32's limit (a mask fill) may round past it: -> inf
        return ((codes.astype(np.float64) + offset) * scale).astype(np.float32)
