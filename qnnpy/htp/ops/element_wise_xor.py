"""ElementWiseXor: logical exclusive or of BOOL_8 tensors, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Logical


@register
class ElementWiseXor(Logical):
    type_name = "ElementWiseXor"
    ufunc = np.logical_xor
