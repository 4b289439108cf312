"""ElementWiseLess: a < b into BOOL_8, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Comparison


@register
class ElementWiseLess(Comparison):
    type_name = "ElementWiseLess"
    ufunc = np.less
