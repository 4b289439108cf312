"""Gelu, the exact erf form QNN documents: x/2 * (1 + erf(x/sqrt 2)).

numpy has no erf, so this writes 1 + erf(u) as erfc(-u) and uses a Chebyshev-fitted erfc
whose relative error is below 1.2e-7 for every argument (Numerical Recipes, erfcc). Using
erfc keeps the relative error small also where Gelu tends to zero (large negative x).
"""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise

CHUNK = 16384  # float32 elements: 64 KiB per temporary, so a pass stays in L2
_ERFC_COEFFS = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
                0.09678418, 0.37409196, 1.00002368, -1.26551223)


def erfc(z: np.ndarray) -> np.ndarray:
    """erfc in float32, in place on temporaries: a few ulp on top of the fit's 1.2e-7."""
    a = np.abs(z)
    t = np.multiply(a, np.float32(0.5))
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = np.full_like(t, _ERFC_COEFFS[0])
    for c in _ERFC_COEFFS[1:]:
        poly *= t
        poly += np.float32(c)
    a *= a
    poly -= a
    np.exp(poly, out=poly)
    poly *= t
    return np.where(z >= 0, poly, np.float32(2.0) - poly)


@register
class Gelu(UnaryElementWise):
    type_name = "Gelu"

    def apply(self, x, out):
        # About twenty elementwise passes: run them on cache-sized chunks, not the whole tensor.
        flat_x, flat_out = x.reshape(-1), out.reshape(-1)
        for start in range(0, flat_x.size, CHUNK):
            xs = flat_x[start:start + CHUNK]
            np.multiply(xs, erfc(xs * np.float32(-np.sqrt(0.5))), out=flat_out[start:start + CHUNK])
        out *= np.float32(0.5)
