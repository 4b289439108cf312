"""Argmax: the index of the max along ``axis``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._arg import ArgReduce


@register
class Argmax(ArgReduce):
    type_name = "Argmax"
    finder = np.argmax
