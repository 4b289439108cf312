"""ElementWiseOr: logical or of BOOL_8 tensors, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Logical


@register
class ElementWiseOr(Logical):
    type_name = "ElementWiseOr"
    ufunc = np.logical_or
