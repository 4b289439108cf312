"""ElementWiseFmod: remainder with the sign of the dividend (C fmod), real values or integers."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseFmod(BinaryElementWise):
    type_name = "ElementWiseFmod"
    ufunc = np.fmod
