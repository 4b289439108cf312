"""Quantize: float in, fixed point out, with the output tensor's encoding."""
from qnnpy.htp import dtypes
from qnnpy.htp.ops import register
from qnnpy.htp.ops._identity import RequantizeOnly


@register
class Quantize(RequantizeOnly):
    type_name = "Quantize"
    input_rule = staticmethod(lambda dt: dt in dtypes.FLOATS)
    output_rule = staticmethod(dtypes.is_fixed)
    rule_text = "a float input and a fixed-point output"
