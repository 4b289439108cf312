"""Gelu, the exact erf form QNN documents: x/2 * (1 + erf(x/sqrt 2)).

numpy has no erf, so this writes 1 + erf(u) as erfc(-u) and uses a Chebyshev-fitted erfc
whose relative error is below 1.2e-7 for every argument (Numerical Recipes, erfcc). Using
erfc keeps the relative error small also where Gelu tends to zero (large negative x).
"""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise

_ERFC_COEFFS = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
                0.09678418, 0.37409196, 1.00002368, -1.26551223)


def erfc(z: np.ndarray) -> np.ndarray:
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.5 * a)
    poly = np.zeros_like(t)
    for c in _ERFC_COEFFS:
        poly = poly * t + c
    tail = t * np.exp(poly - a * a)
    return np.where(z >= 0, tail, 2.0 - tail)


@register
class Gelu(UnaryElementWise):
    type_name = "Gelu"

    def apply(self, x, out):
        x64 = x.astype(np.float64)
        out[...] = 0.5 * x64 * erfc(-x64 * np.sqrt(0.5))
