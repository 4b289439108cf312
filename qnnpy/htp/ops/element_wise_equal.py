"""ElementWiseEqual: a == b into BOOL_8 (booleans compare too), broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Comparison


@register
class ElementWiseEqual(Comparison):
    type_name = "ElementWiseEqual"
    kinds = ("real", "int", "bool")
    ufunc = np.equal
