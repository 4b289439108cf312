"""ONNX ops that ONNX itself defines as a function of other ops (Attention,
RotaryEmbedding, the losses, Celu, GroupNormalization, ...): the node replaced by that
function's body, for the model's opset, so the converter lowers ops it knows.

The body's internal tensors get the node's name as a prefix; attributes the body takes
from the node (``ref_attr_name``) get the node's value, or the schema's default.
"""
import onnx
from onnx import AttributeProto, FunctionProto, NodeProto, TypeProto


def function_body(node: NodeProto, opset: int, input_types: list[TypeProto]):
    """(nodes, opset imports) of ``node`` expanded, or None when ONNX defines no function."""
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, domain=node.domain)
    except Exception:  # no such op in this opset
        return None
    proto = _function(schema, node, opset, input_types)
    if proto is None:
        return None
    attributes = {a.name: a for a in node.attribute}
    for name, spec in schema.attributes.items():
        if name not in attributes and spec.default_value and spec.default_value.name:
            attributes[name] = spec.default_value
    prefix = f"{node.name or node.output[0]}/{node.op_type}/"
    names = {inner: (node.input[k] if k < len(node.input) else "") for k, inner in enumerate(proto.input)}
    names.update({inner: node.output[k] for k, inner in enumerate(proto.output)
                  if k < len(node.output) and node.output[k]})

    def rename(inner: str) -> str:
        return names.get(inner, prefix + inner if inner else "")

    nodes = [_instantiate(inner, rename, attributes, prefix) for inner in proto.node]
    return nodes, list(proto.opset_import)


def _function(schema, node, opset, input_types) -> FunctionProto | None:
    """The body for the newest function version not above the model's opset."""
    proto = FunctionProto()
    plain = [v for v in schema.function_opset_versions if v <= opset]
    dependent = [v for v in schema.context_dependent_function_opset_versions if v <= opset]
    if dependent and (not plain or max(dependent) >= max(plain)):
        data = schema.get_context_dependent_function_with_opset_version(
            max(dependent), node.SerializeToString(), [t.SerializeToString() for t in input_types])
    elif plain:
        data = schema.get_function_with_opset_version(max(plain))
    else:
        return None
    if not data:
        return None
    proto.ParseFromString(data)
    return proto


def _instantiate(inner: NodeProto, rename, attributes: dict, prefix: str) -> NodeProto:
    node = NodeProto()
    node.CopyFrom(inner)
    node.name = prefix + (inner.name or (inner.output[0] if inner.output else inner.op_type))
    del node.input[:], node.output[:], node.attribute[:]
    node.input.extend(rename(i) for i in inner.input)
    node.output.extend(rename(o) for o in inner.output)
    for attr in inner.attribute:
        if attr.HasField("ref_attr_name"):
            if attr.ref_attr_name not in attributes:
                continue  # an optional attribute the node leaves out
            value = AttributeProto()
            value.CopyFrom(attributes[attr.ref_attr_name])
            value.name = attr.name
            node.attribute.append(value)
        else:
            node.attribute.append(attr)
    return node
