"""The plugin interface between the API modules and a backend.

The API modules turn C-shaped structs into these plain descriptions and call a backend
object through the ``Backend`` protocol below; a backend never sees a Qnn_Tensor_t. A second
backend (say a float reference CPU backend) implements the protocol and needs no change to the
API modules. The system library's side is a reader of binaries: QnnSystemContext asks each
registered reader (qnnpy.htp.binary_info for the emulated HTP) to describe a binary. (A real
QNN library is driven from the other side: qnnpy.native offers the API modules' functions on it.)
"""
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Encoding:
    """A fixed-point encoding: real = scale * (q + offset), per tensor or per axis.

    With ``blocks`` it is LPBQ (QNN's BLOCKWISE_EXPANSION, weights only): the scale of an
    element is its channel's scale times the integer of its block, ``blocks[channel, block]``,
    the blocks splitting the axis ``fixed_point.lpbq_block_axis`` gives."""
    scales: np.ndarray          # float32, one per tensor (len 1) or one per channel
    offsets: np.ndarray         # int32, same length as scales
    axis: int | None = None     # None: per-tensor
    bitwidth: int | None = None  # None: the full width of the data type
    blocks: np.ndarray | None = None  # LPBQ: uint16 [channels, blocks per channel]
    block_bitwidth: int | None = None  # LPBQ: the width of the block integers

    def same_as(self, other: "Encoding | None") -> bool:
        return (other is not None and self.axis == other.axis and self.bitwidth == other.bitwidth
                and np.array_equal(self.scales, other.scales)
                and np.array_equal(self.offsets, other.offsets)
                and self.block_bitwidth == other.block_bitwidth
                and (self.blocks is None) == (other.blocks is None)
                and (self.blocks is None or np.array_equal(self.blocks, other.blocks)))


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


class Backend(Protocol):
    """What the API modules ask of a backend, all of it (tests/test_backend_protocol.py checks
    that qnnpy.htp.backend.HtpBackend provides exactly this and that the API modules use
    nothing else). Errors are raised with qnnpy._api.fail and the QNN code of the calling API.
    Handles are the API layer's business; a backend deals in its own context and graph objects."""

    logger: object                  # the QnnLog logger the backend was created with, or None
    strict_io_encodings: bool       # platform option: stale I/O encodings refused, not warned
    activation_budget: int | None   # platform option: bytes of activations a graph may hold

    # ops
    def storage_dtype(self, dtype: int) -> object: ...               # numpy storage of a QNN data type, or None
    def supported_operations(self) -> list: ...                       # (package, op type) pairs
    def validate_op_config(self, spec: NodeSpec, inputs: list, outputs: list) -> None: ...

    # contexts and their binaries
    def create_context(self) -> object: ...
    def free_context(self, context) -> None: ...
    def context_binary_layout(self, context) -> object: ...          # what getBinarySize/getBinary write
    def create_from_binary(self, buffer, size: int, zero_copy: bool, memory_limit: int | None = None,
                           deferred: bool = False, enabled: list | None = None) -> object: ...
    def data_region(self, buffer, size: int) -> tuple: ...           # (offset, size) of a binary's weights
    def finalize_context(self, context) -> None: ...

    # graphs
    def create_graph(self, context, name: str) -> object: ...
    def retrieve(self, context, name: str) -> object: ...
    def set_precision(self, graph, half: bool) -> None: ...
    def add_tensor(self, context, graph, spec: TensorSpec) -> int: ...
    def add_node(self, graph, spec: NodeSpec) -> None: ...
    def finalize(self, graph) -> None: ...
    def update_tensors(self, context, graph, requested: list) -> None: ...
    def execute(self, graph, inputs: list, outputs: list, node_times: list | None = None, stop=None) -> None: ...

    # binary sections (LoRA)
    def section_layout(self, context, graph, section) -> object: ...
    def apply_section(self, context, graph, section, buffer, size, zero_copy: bool, verify_checksum: bool) -> None: ...
