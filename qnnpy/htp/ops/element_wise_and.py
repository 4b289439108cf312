"""ElementWiseAnd: logical and of BOOL_8 tensors, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Logical


@register
class ElementWiseAnd(Logical):
    type_name = "ElementWiseAnd"
    ufunc = np.logical_and
