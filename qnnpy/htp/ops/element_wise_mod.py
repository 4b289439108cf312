"""ElementWiseMod: remainder with the sign of the divisor (Python's %), real values or integers."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseMod(BinaryElementWise):
    type_name = "ElementWiseMod"
    ufunc = np.mod
