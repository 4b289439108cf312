"""The converter's output: graphs of QNN ops with tensors named as in the ONNX model.

This is the tool-side description; ``model_file`` stores it and composes it into a context
through the public API.
"""
from dataclasses import dataclass, field

import numpy as np

# Tensor roles, mapped to QNN tensor types when composing.
INPUT, OUTPUT, NATIVE, STATIC, UPDATABLE = "input", "output", "native", "static", "updatable"


@dataclass
class Encoding:
    """real = scale * (q + offset); ``dtype`` is the QNN data type name it applies to."""
    dtype: str                      # e.g. "UFIXED_POINT_8", "SFIXED_POINT_8"
    scale: float
    offset: int
    bitwidth: int | None = None     # narrower than the container (4-bit weights)


@dataclass
class Tensor:
    name: str
    role: str
    dtype: str                      # "FLOAT_32", "FLOAT_16", "INT_32", "BOOL_8" or a fixed-point name
    shape: tuple[int, ...]
    data: np.ndarray | None = None  # static data, in storage dtype
    encoding: Encoding | None = None
    updatable_encoding: bool = False  # becomes an UPDATEABLE_* kind (per-adapter encodings)


@dataclass
class Node:
    name: str
    op_type: str
    inputs: list[str]
    outputs: list[str]
    params: dict = field(default_factory=dict)


@dataclass
class Graph:
    name: str
    tensors: dict[str, Tensor] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    lora_weights: list[str] = field(default_factory=list)
