"""Argmin: the index of the min along ``axis``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._arg import ArgReduce


@register
class Argmin(ArgReduce):
    type_name = "Argmin"
    finder = np.argmin
