"""ElementWiseMaximum: numpy broadcasting, as QNN broadcasts."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseMaximum(BinaryElementWise):
    type_name = "ElementWiseMaximum"
    ufunc = np.maximum
