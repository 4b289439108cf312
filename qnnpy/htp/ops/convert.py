"""Convert: between float and fixed-point types honouring both encodings (requantize)."""
from qnnpy.htp.ops import Scalar, register
from qnnpy.htp.ops._identity import RequantizeOnly


@register
class Convert(RequantizeOnly):
    type_name = "Convert"
    params = {"dynamic_input_data": Scalar("bool", False),
              "dynamic_output_data": Scalar("bool", False)}
