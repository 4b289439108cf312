"""ElementWisePower: numpy broadcasting, as QNN broadcasts."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWisePower(BinaryElementWise):
    type_name = "ElementWisePower"
    ufunc = np.power
