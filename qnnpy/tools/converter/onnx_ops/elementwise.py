"""Element-wise ONNX ops: arithmetic, comparisons, logic, unary maps and activations."""
import math

import numpy as np

from qnnpy.tools.converter.onnx_ops import handles

_BINARY = {"Add": "ElementWiseAdd", "Sub": "ElementWiseSubtract", "Mul": "ElementWiseMultiply",
           "Div": "ElementWiseDivide", "Equal": "ElementWiseEqual", "Less": "ElementWiseLess",
           "Greater": "ElementWiseGreater", "LessOrEqual": "ElementWiseLessEqual",
           "GreaterOrEqual": "ElementWiseGreaterEqual", "And": "ElementWiseAnd", "Or": "ElementWiseOr",
           "Xor": "ElementWiseXor"}
_ARITHMETIC = {"Add", "Sub", "Mul", "Div"}


def binary(im, qnn_type, a, b, out):
    im.emit(qnn_type, [a, b], [out])


@handles(*_BINARY)
def _binary(im, node, attrs):
    a, b = node.input[0], node.input[1]
    if node.op_type in _ARITHMETIC and im.dtype(a) == np.bool_:
        im.refuse("datatype", f"{node.op_type} of booleans is not defined for the HTP")
    binary(im, _BINARY[node.op_type], a, b, node.output[0])


def _chain(im, ins, out, qnn_type):
    """An n-ary op as a chain of binary ones (results of ``out``'s type)."""
    if len(ins) == 1:
        im.alias[out] = im.name(ins[0])
        return
    dtype = im.dtype(out)
    acc = ins[0]
    for k, i in enumerate(ins[1:]):
        last = k == len(ins) - 2
        target = out if last else im.temp(out, dtype, np.broadcast_shapes(im.shape(acc), im.shape(i)))
        binary(im, qnn_type, acc, i, target)
        acc = target


_VARIADIC = {"Max": "ElementWiseMaximum", "Min": "ElementWiseMinimum", "Sum": "ElementWiseAdd"}


@handles(*_VARIADIC)
def _variadic(im, node, attrs):
    _chain(im, [i for i in node.input if i], node.output[0], _VARIADIC[node.op_type])


@handles("Mean")
def _mean(im, node, attrs):
    ins = [i for i in node.input if i]
    out = node.output[0]
    if len(ins) == 1:
        im.alias[out] = im.name(ins[0])
        return
    dtype, shape = im.info(out)
    total = im.temp(out, dtype, shape)
    _chain(im, ins, total, "ElementWiseAdd")
    binary(im, "ElementWiseDivide", total, im.static(np.array(len(ins), dtype), out), out)


@handles("Mod", attrs=("fmod",))
def _mod(im, node, attrs):
    fmod = attrs.get("fmod", 0)
    binary(im, "ElementWiseFmod" if fmod else "ElementWiseMod", node.input[0], node.input[1], node.output[0])


@handles("Pow")
def _pow(im, node, attrs):
    base, exponent = node.input
    out = node.output[0]
    if im.dtype(base).kind != "f":
        im.refuse("datatype", f"Pow of {im.dtype(base)} values: the HTP's ElementWisePower takes floats")
    value = im.const(exponent)
    if value is not None and value.size == 1 and float(value.reshape(-1)[0]) == 2.0 \
            and im.shape(out) == im.shape(base):
        binary(im, "ElementWiseMultiply", base, base, out)
    elif value is not None and value.size == 1 and float(value.reshape(-1)[0]) == 0.5 \
            and im.shape(out) == im.shape(base):
        im.emit("ElementWiseSquareRoot", [base], [out])
    else:
        if im.dtype(exponent) != im.dtype(base):
            if value is None:
                converted = im.temp(out, im.dtype(base), im.shape(exponent))
                im.emit("Cast", [exponent], [converted])
                exponent = converted
            else:
                exponent = im.static(value.astype(im.dtype(base)), out)
        binary(im, "ElementWisePower", base, exponent, out)


_UNARY_REAL = {"Sin": "ElementWiseSin", "Cos": "ElementWiseCos", "Log": "ElementWiseLog", "Exp": "ElementWiseExp",
               "Sqrt": "ElementWiseSquareRoot", "Floor": "ElementWiseFloor", "Ceil": "ElementWiseCeil",
               "Round": "ElementWiseRound", "Asin": "ElementWiseAsin", "Atan": "ElementWiseAtan",
               "Sigmoid": "Sigmoid", "Tanh": "Tanh", "HardSwish": "HardSwish"}
_UNARY_NUMERIC = {"Abs": "ElementWiseAbs", "Neg": "ElementWiseNeg", "Sign": "ElementWiseSign"}


@handles(*_UNARY_REAL)
def _unary_real(im, node, attrs):
    if im.dtype(node.input[0]).kind != "f":
        im.refuse("datatype", f"{node.op_type} of {im.dtype(node.input[0])} values: the HTP computes it on floats")
    im.emit(_UNARY_REAL[node.op_type], [node.input[0]], [node.output[0]])


@handles(*_UNARY_NUMERIC)
def _unary_numeric(im, node, attrs):
    if im.dtype(node.input[0]) == np.bool_:
        im.refuse("datatype", f"{node.op_type} of booleans")
    im.emit(_UNARY_NUMERIC[node.op_type], [node.input[0]], [node.output[0]])


@handles("Not")
def _not(im, node, attrs):
    im.emit("ElementWiseNot", [node.input[0]], [node.output[0]])


@handles("Relu")
def _relu(im, node, attrs):
    x, out = node.input[0], node.output[0]
    if im.dtype(x).kind == "f":
        im.emit("Relu", [x], [out])
    else:
        binary(im, "ElementWiseMaximum", x, im.static(np.zeros((), im.dtype(x)), out), out)


@handles("Reciprocal")
def _reciprocal(im, node, attrs):
    x = node.input[0]
    binary(im, "ElementWiseDivide", im.static(np.ones((), im.dtype(x)), node.output[0]), x, node.output[0])


@handles("IsNaN")
def _isnan(im, node, attrs):
    binary(im, "ElementWiseNotEqual", node.input[0], node.input[0], node.output[0])


@handles("IsInf", attrs=("detect_negative", "detect_positive"))
def _isinf(im, node, attrs):
    x, out = node.input[0], node.output[0]
    signs = [s for s, on in ((np.inf, attrs.get("detect_positive", 1)), (-np.inf, attrs.get("detect_negative", 1)))
             if on]
    if not signs:
        im.refuse("attribute", "IsInf detecting neither sign is a constant false")
    if len(signs) == 1:
        binary(im, "ElementWiseEqual", x, im.static(np.array(signs[0], im.dtype(x)), out), out)
        return
    magnitude = im.temp(out, im.dtype(x), im.shape(x))
    im.emit("ElementWiseAbs", [x], [magnitude])
    binary(im, "ElementWiseEqual", magnitude, im.static(np.array(np.inf, im.dtype(x)), out), out)


@handles("Clip", attrs=("min", "max"))
def _clip(im, node, attrs):
    x, out = node.input[0], node.output[0]
    dtype = im.dtype(x)
    bounds = [attrs.get("min"), attrs.get("max")]
    runtime = [None, None]
    for k, name in enumerate(node.input[1:3]):
        if name:
            value = im.const(name)
            if value is None:
                runtime[k] = name
            else:
                bounds[k] = value.reshape(-1)[0].item()
    if dtype.kind == "f" and runtime == [None, None]:
        lo = -math.inf if bounds[0] is None else float(bounds[0])
        hi = math.inf if bounds[1] is None else float(bounds[1])
        if lo > hi:  # ONNX: every value becomes max
            lo = hi
        im.emit("ReluMinMax", [x], [out], {"min_value": lo, "max_value": hi})
        return
    steps = [("ElementWiseMaximum", runtime[0] or (None if bounds[0] is None else bounds[0])),
             ("ElementWiseMinimum", runtime[1] or (None if bounds[1] is None else bounds[1]))]
    steps = [(op, b) for op, b in steps if b is not None]
    if not steps:
        im.alias[out] = im.name(x)
        return
    acc = x
    for k, (op, bound) in enumerate(steps):
        operand = bound if isinstance(bound, str) else im.static(np.array(bound, dtype), out)
        target = out if k == len(steps) - 1 else im.temp(out, dtype, im.shape(out))
        binary(im, op, acc, operand, target)
        acc = target


@handles("LeakyRelu", attrs=("alpha",))
def _leaky_relu(im, node, attrs):
    slope = np.array([attrs.get("alpha", 0.01)], np.float32)
    im.emit("Prelu", [node.input[0], im.static(slope, node.output[0])], [node.output[0]])


@handles("PRelu")
def _prelu(im, node, attrs):
    im.emit("Prelu", [node.input[0], node.input[1]], [node.output[0]])


@handles("Elu", attrs=("alpha",))
def _elu(im, node, attrs):
    im.emit("Elu", [node.input[0]], [node.output[0]], {"alpha": float(attrs.get("alpha", 1.0))})


def _affine(im, x, scale, shift, out, dtype, shape):
    """x * scale + shift into ``out``."""
    scaled = im.temp(out, dtype, shape)
    binary(im, "ElementWiseMultiply", x, im.static(np.array(scale, dtype), out), scaled)
    binary(im, "ElementWiseAdd", scaled, im.static(np.array(shift, dtype), out), out)


@handles("HardSigmoid", attrs=("alpha", "beta"))
def _hard_sigmoid(im, node, attrs):
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    line = im.temp(out, dtype, shape)
    _affine(im, x, attrs.get("alpha", 0.2), attrs.get("beta", 0.5), line, dtype, shape)
    im.emit("ReluMinMax", [line], [out], {"min_value": 0.0, "max_value": 1.0})


@handles("Softsign")
def _softsign(im, node, attrs):
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    magnitude, denominator = im.temp(out, dtype, shape), im.temp(out, dtype, shape)
    im.emit("ElementWiseAbs", [x], [magnitude])
    binary(im, "ElementWiseAdd", magnitude, im.static(np.ones((), dtype), out), denominator)
    binary(im, "ElementWiseDivide", x, denominator, out)


@handles("Softplus")
def _softplus(im, node, attrs):
    x, out = node.input[0], node.output[0]
    dtype, shape = im.info(x)
    e, e1 = im.temp(out, dtype, shape), im.temp(out, dtype, shape)
    im.emit("ElementWiseExp", [x], [e])
    binary(im, "ElementWiseAdd", e, im.static(np.ones((), dtype), out), e1)
    im.emit("ElementWiseLog", [e1], [out])


@handles("Gelu", attrs=("approximate",))
def _gelu(im, node, attrs):
    approximate = attrs.get("approximate", b"none")
    approximate = approximate.decode() if isinstance(approximate, bytes) else approximate
    x, out = node.input[0], node.output[0]
    if approximate == "none":
        im.emit("Gelu", [x], [out])
        return
    if approximate != "tanh":
        im.refuse("attribute", f"Gelu approximate='{approximate}'")
    # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), op by op
    dtype, shape = im.info(x)
    t = [im.temp(out, dtype, shape) for _ in range(7)]
    binary(im, "ElementWiseMultiply", x, x, t[0])
    binary(im, "ElementWiseMultiply", t[0], x, t[1])
    binary(im, "ElementWiseMultiply", t[1], im.static(np.array(0.044715, dtype), out), t[2])
    binary(im, "ElementWiseAdd", x, t[2], t[3])
    binary(im, "ElementWiseMultiply", t[3], im.static(np.array(math.sqrt(2 / math.pi), dtype), out), t[4])
    im.emit("Tanh", [t[4]], [t[5]])
    _affine(im, t[5], 0.5, 0.5, t[6], dtype, shape)
    binary(im, "ElementWiseMultiply", x, t[6], out)


@handles("Where")
def _where(im, node, attrs):
    im.emit("ElementWiseSelect", list(node.input), [node.output[0]])


@handles("Erf")
def _erf(im, node, attrs):
    im.refuse("unsupported op", "Erf outside the Gelu pattern (x/2 · (1 + erf(x/√2))): the HTP op set has no "
                                "erf; export Gelu as one op or keep the erf form intact")
