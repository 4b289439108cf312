"""ElementWiseNeuron: one activation chosen by ``operation`` (ELU 0, GELU 1, HARD_SIGMOID 2,
HARD_SWISH 3, RELU 4, RELU_MIN_MAX 5, SIGMOID 6, SOFTPLUS 7, TANH 8), with the parameters that
activation reads (alpha, beta, min_value, max_value, threshold); each computed as its own op
computes it."""
import numpy as np

from qnnpy.htp.ops import REGISTRY, OpDef, OpError, Scalar, register

_OWN_OP = {0: "Elu", 1: "Gelu", 3: "HardSwish", 4: "Relu", 6: "Sigmoid", 8: "Tanh"}


@register
class ElementWiseNeuron(OpDef):
    type_name = "ElementWiseNeuron"
    params = {"operation": Scalar("uint32"), "alpha": Scalar("float32", 0.2), "beta": Scalar("float32", 0.5),
              "min_value": Scalar("float32", 0.0), "max_value": Scalar("float32", 6.0),
              "threshold": Scalar("float32", 20.0)}

    def infer(self, ins, outs, p):
        if not 0 <= p["operation"] <= 8:
            raise OpError(f"operation {p['operation']} is not one of ELU (0) .. TANH (8)")
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        x, out, op = ins[0], outs[0], p["operation"]
        if op in _OWN_OP:
            own = REGISTRY[_OWN_OP[op]]
            own.compute(ins, {**{k: s.default for k, s in own.params.items()}, "alpha": p["alpha"]}, outs)
        elif op == 2:  # HARD_SIGMOID
            out[...] = np.clip(np.float32(p["alpha"]) * x + np.float32(p["beta"]), 0, 1)
        elif op == 5:  # RELU_MIN_MAX
            out[...] = np.clip(x, np.float32(p["min_value"]), np.float32(p["max_value"]))
        else:  # SOFTPLUS: log(1 + exp(beta x)) / beta, linear past the threshold
            beta = np.float32(p["beta"])
            scaled = beta * x
            out[...] = np.where(scaled > p["threshold"], x, np.log1p(np.exp(np.minimum(scaled, p["threshold"]))) / beta)
