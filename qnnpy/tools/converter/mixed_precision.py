"""Mixed precision: every op of a converted graph computes in one activation type.

Quantization overrides may give one op activations of different types: a 16-bit residual
stream beside 8-bit attention, a float tensor among fixed-point ones. The HTP takes an op's
activations in one type, and QAIRT lowers such ops with Convert (docs/qnn-facts.md). Here each
op computes in the widest type among its activation inputs and outputs:

- a narrower input is widened by a Convert into the same range at more bits, which is exact
  (8 -> 16 bit multiplies every code by 257; fixed point -> float is dequantization);
- a narrower output is computed wide (``<name>/wide``), then a Convert narrows it into the
  tensor the encodings name, which keeps its name and encoding (users look tensors up by
  name); a wider consumer of it reads it widened again (``<name>/as_<type>``), rounded as
  its encoding says.

A uniformly quantized graph has nothing to lower. Inserted tensors record the tensor whose
range they carry (``Tensor.encoding_of``), so an adapter's new encodings reach them too.
"""
from qnnpy.tools.converter.model import NATIVE, Encoding, Graph, Node, Tensor
from qnnpy.tools.converter.quantizer import ACTIVATIONS, activation_encoding

UNLOWERED = ("Convert", "Cast")  # Convert is the lowering; Cast ignores encodings by definition


def _is_real(dtype: str) -> bool:
    return dtype.startswith(("FLOAT", "UFIXED", "SFIXED"))


def _width(dtype: str) -> tuple[int, int]:
    """Orders activation types: any float above any fixed point, then by bits."""
    return (1 if dtype.startswith("FLOAT") else 0, int(dtype.rsplit("_", 1)[1]))


def real_range(enc: Encoding, dtype: str) -> tuple[float, float]:
    """The real values a per-tensor fixed-point encoding can hold."""
    bits = enc.bitwidth or int(dtype.rsplit("_", 1)[1])
    if dtype.startswith("S"):
        return enc.scale * -(2 ** (bits - 1)), enc.scale * (2 ** (bits - 1) - 1)
    return enc.scale * enc.offset, enc.scale * (2 ** bits - 1 + enc.offset)


def encoding_at(enc: Encoding | None, dtype: str, target: str) -> Encoding | None:
    """``enc``'s range expressed for ``target`` (None for float targets)."""
    if target.startswith("FLOAT"):
        return None
    lo, hi = real_range(enc, dtype)
    bits = int(target.rsplit("_", 1)[1])
    if target.startswith("S"):
        top = 2 ** (bits - 1) - 1
        return Encoding(target, float(max(abs(lo), abs(hi)) / top), 0)
    wide = activation_encoding(lo, hi, bits)
    return Encoding(target, wide.scale, wide.offset)


def insert_converts(graph: Graph) -> None:
    """Lower every op whose activations mix types."""
    widened: dict[tuple[str, str], str] = {}
    lowered: list[Node] = []
    for node in graph.nodes:
        acts = [n for n in node.inputs + node.outputs if n and graph.tensors[n].role in ACTIVATIONS
                and _is_real(graph.tensors[n].dtype)]
        types = {graph.tensors[n].dtype for n in acts}
        if node.op_type in UNLOWERED or len(types) < 2:
            lowered.append(node)
            continue
        target = max(types, key=lambda t: (_width(t), t))  # the name orders equal widths
        inputs = []
        for name in node.inputs:
            if name not in acts or graph.tensors[name].dtype == target:
                inputs.append(name)
                continue
            key = (name, target)
            if key not in widened:
                widened[key] = _derived(graph, name, target, f"{name}/as_{target.lower()}")
                lowered.append(Node(widened[key], "Convert", [name], [widened[key]]))
            inputs.append(widened[key])
        outputs, narrowing = [], []
        for name in node.outputs:
            if name not in acts or graph.tensors[name].dtype == target:
                outputs.append(name)
                continue
            wide = _derived(graph, name, target, f"{name}/wide")
            outputs.append(wide)
            narrowing.append(Node(f"{name}/narrow", "Convert", [wide], [name]))
        lowered.append(Node(node.name, node.op_type, inputs, outputs, node.params))
        lowered.extend(narrowing)
    graph.nodes = lowered


def _derived(graph: Graph, source: str, target: str, name: str) -> str:
    t = graph.tensors[source]
    graph.tensors[name] = Tensor(name, NATIVE, target, t.shape, encoding=encoding_at(t.encoding, t.dtype, target),
                                 updatable_encoding=t.updatable_encoding, encoding_of=source)
    return name
