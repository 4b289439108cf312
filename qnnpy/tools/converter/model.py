"""The converter's output: graphs of QNN ops with tensors named as in the ONNX model.

This is the tool-side description; ``model_file`` stores it and composes it into a context
through the public API.
"""
from dataclasses import dataclass, field

import numpy as np

from qnnpy.fixed_point import lpbq_block_axis, lpbq_scales

# Tensor roles, mapped to QNN tensor types when composing.
INPUT, OUTPUT, NATIVE, STATIC, UPDATABLE = "input", "output", "native", "static", "updatable"


@dataclass
class Encoding:
    """real = scale * (q + offset); ``dtype`` is the QNN data type name it applies to.
    Per-channel encodings carry lists and the channel ``axis``; LPBQ ones (weights) also
    ``blocks``, an integer per channel and block multiplying the channel's scale, the codes
    ``bitwidth`` wide and the integers ``block_bitwidth`` (the two fill the container)."""
    dtype: str                      # e.g. "UFIXED_POINT_8", "SFIXED_POINT_8"
    scale: float | list
    offset: int | list
    bitwidth: int | None = None     # narrower than the container (4-bit weights)
    axis: int | None = None         # per-channel: the axis the lists run along
    blocks: list | None = None      # LPBQ: [channel][block] integers
    block_bitwidth: int | None = None
    block_size: int | None = None   # LPBQ: elements per block, as the encodings file gave it

    def arrays(self, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """Scale and offset shaped to broadcast against a tensor of ``shape``."""
        scale, offset = np.asarray(self.scale, np.float64), np.asarray(self.offset, np.float64)
        if self.axis is not None:
            view = [1] * len(shape)
            view[self.axis] = scale.size
            scale, offset = scale.reshape(view), offset.reshape(view)
        if self.blocks is not None:
            scale = lpbq_scales(self.scale, self.blocks, self.axis, lpbq_block_axis(self.axis, len(shape)),
                                shape).astype(np.float64)
        return scale, offset


@dataclass
class Tensor:
    name: str
    role: str
    dtype: str                      # "FLOAT_32", "FLOAT_16", "INT_32", "BOOL_8" or a fixed-point name
    shape: tuple[int, ...]
    data: np.ndarray | None = None  # static data, in storage dtype
    encoding: Encoding | None = None
    updatable_encoding: bool = False  # becomes an UPDATEABLE_* kind (per-adapter encodings)
    encoding_of: str | None = None  # a Convert's tensor carrying that tensor's range in its own type


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
