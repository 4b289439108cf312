"""ElementWiseSubtract: numpy broadcasting, as QNN broadcasts."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseSubtract(BinaryElementWise):
    type_name = "ElementWiseSubtract"
    ufunc = np.subtract
