"""The plugin interface between the API modules and a backend.

The API modules turn C-shaped structs into these plain descriptions and call a backend
object; a backend never sees a Qnn_Tensor_t. A second backend (say a float reference CPU
backend) implements the same methods and needs no change to the API modules.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Encoding:
    """A fixed-point encoding: real = scale * (q + offset), per tensor or per axis."""
    scales: np.ndarray          # float32, one per tensor (len 1) or one per channel
    offsets: np.ndarray         # int32, same length as scales
    axis: int | None = None     # None: per-tensor
    bitwidth: int | None = None  # None: the full width of the data type

    def same_as(self, other: "Encoding | None") -> bool:
        return (other is not None and self.axis == other.axis and self.bitwidth == other.bitwidth
                and np.array_equal(self.scales, other.scales)
                and np.array_equal(self.offsets, other.offsets))


@dataclass
class TensorSpec:
    """A tensor as registered: kind and dtype are the QNN enum values."""
    name: str
    kind: int
    dtype: int
    dims: tuple[int, ...]
    encoding: Encoding | None = None
    data: np.ndarray | None = None  # storage-typed, shaped ``dims``; static tensors only


@dataclass
class ParamSpec:
    """One op parameter: a scalar (dtype + Python value) or a static tensor."""
    name: str
    scalar_dtype: int | None = None
    scalar: object = None
    tensor: TensorSpec | None = None
    tensor_id: int | None = None  # a tensor param registered beforehand


@dataclass
class NodeSpec:
    name: str
    package: str
    op_type: str
    params: list[ParamSpec]
    inputs: list[int]   # tensor ids; 0 stands for an omitted optional input
    outputs: list[int]


@dataclass
class IoBinding:
    """A client tensor handed to execute: its registered id, name, declared metadata and buffer."""
    id: int
    name: str | None
    dtype: int
    dims: tuple[int, ...] | None
    buffer: object
    data_size: int
    encoding: Encoding | None = None  # what the client believes; None when it left it UNDEFINED
