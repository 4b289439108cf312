"""ElementWisePower: numpy broadcasting, as QNN broadcasts; real values only."""
import numpy as np

from qnnpy.htp.ops import OpDef, register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWisePower(BinaryElementWise):
    type_name = "ElementWisePower"
    ufunc = np.power
    check_dtypes = OpDef.check_dtypes
