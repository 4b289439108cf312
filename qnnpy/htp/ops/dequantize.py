"""Dequantize: fixed point in (its own encoding), float out."""
from qnnpy.htp import dtypes
from qnnpy.htp.ops import register
from qnnpy.htp.ops._identity import RequantizeOnly


@register
class Dequantize(RequantizeOnly):
    type_name = "Dequantize"
    input_rule = staticmethod(dtypes.is_fixed)
    output_rule = staticmethod(lambda dt: dt in dtypes.FLOATS)
    rule_text = "a fixed-point input and a float output"
