"""The graph IR of the emulated HTP: tensors, nodes, graphs, contexts.

Registration (``Context.add_tensor``) and composition (``Graph.add_node``) validate
everything before they change anything, so a failed call leaves the IR as it was. A context
binary is rebuilt through the same two methods, which is what makes a hostile binary meet
the same checks as a client composing a graph.
"""
import difflib
import math

import numpy as np

from qnnpy.backend_api import NodeSpec, ParamSpec, TensorSpec
from qnnpy.fixed_point import lpbq_block_axis
from qnnpy.htp import dtypes, numerics
from qnnpy.htp.errors import GraphError, TensorError, fail
from qnnpy.htp.ops import PACKAGE, REGISTRY, REQUIRED, OpError, Scalar
from qnnpy import QnnOpDef
from qnnpy.QnnTypes import Qnn_DataType_t as DT, Qnn_TensorType_t as TT

MAX_TENSOR_BYTES = (1 << 32) - 1  # Qnn_ClientBuffer_t.dataSize is a uint32_t
STATIC_KINDS = {TT.QNN_TENSOR_TYPE_STATIC, TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC}
INPUT_KINDS = {TT.QNN_TENSOR_TYPE_APP_WRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE,
               TT.QNN_TENSOR_TYPE_OPTIONAL_APP_WRITE, TT.QNN_TENSOR_TYPE_APP_READWRITE,
               TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE, TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READWRITE}
OUTPUT_KINDS = {TT.QNN_TENSOR_TYPE_APP_READ, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READ,
                TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READ, TT.QNN_TENSOR_TYPE_APP_READWRITE,
                TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE, TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READWRITE}
OPTIONAL_KINDS = {TT.QNN_TENSOR_TYPE_OPTIONAL_APP_WRITE, TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READ,
                  TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READWRITE}
NATIVE_KINDS = {TT.QNN_TENSOR_TYPE_NATIVE, TT.QNN_TENSOR_TYPE_UPDATEABLE_NATIVE}
READWRITE_KINDS = {TT.QNN_TENSOR_TYPE_APP_READWRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE,
                   TT.QNN_TENSOR_TYPE_OPTIONAL_APP_READWRITE}


def kind_name(kind: int) -> str:
    try:
        return TT(kind).name.removeprefix("QNN_TENSOR_TYPE_")
    except (ValueError, TypeError, OverflowError):
        return str(kind)[:40]


class Tensor:
    """A registered tensor. ``scope`` is the owning graph's name, or None for context tensors."""

    __slots__ = ("id", "name", "kind", "dtype", "dims", "encoding", "data", "scope", "_values", "owned")

    def __init__(self, tid: int, spec: TensorSpec, scope: str | None):
        self.id, self.name, self.kind, self.dtype = tid, spec.name, spec.kind, spec.dtype
        self.dims, self.encoding, self.data, self.scope = spec.dims, spec.encoding, spec.data, scope
        self._values = None
        self.owned = None  # storage updates are copied into, reused across adapter switches

    @property
    def nbytes(self) -> int:
        return math.prod(self.dims) * dtypes.storage(self.dtype).itemsize

    def values(self) -> np.ndarray:
        """Static data as kernels see it; cached, and a view of the stored bytes for float32."""
        if self._values is None:
            self._values = numerics.to_values(self.data, self.dtype, self.encoding)
        return self._values

    def spec(self) -> TensorSpec:
        return TensorSpec(self.name, self.kind, self.dtype, self.dims, self.encoding, self.data)


class Node:
    __slots__ = ("spec", "op", "params", "inputs", "outputs")

    def __init__(self, spec: NodeSpec, op, params: dict, inputs: list, outputs: list):
        self.spec, self.op, self.params, self.inputs, self.outputs = spec, op, params, inputs, outputs


def check_encoding(spec: TensorSpec) -> None:
    enc = spec.encoding
    if enc is None:
        if dtypes.is_fixed(spec.dtype):
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                 f"tensor '{spec.name}' is {dtypes.name(spec.dtype)} but has no quantization "
                 "encoding; set quantizeParams (SCALE_OFFSET or AXIS_SCALE_OFFSET)")
        return
    if not dtypes.is_fixed(spec.dtype):
        return  # QNN ignores encodings on non-fixed-point tensors
    where = f"tensor '{spec.name}'"
    if enc.scales.size == 0 or not np.all(np.isfinite(enc.scales)) or np.any(enc.scales <= 0):
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: every quantization scale must be finite and > 0")
    if enc.offsets.shape != enc.scales.shape:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: {enc.scales.size} scales but {enc.offsets.size} offsets")
    if enc.axis is not None:
        if not 0 <= enc.axis < len(spec.dims):
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                 f"{where}: quantization axis {enc.axis} is outside rank {len(spec.dims)}")
        if enc.scales.size != spec.dims[enc.axis]:
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                 f"{where}: {enc.scales.size} per-axis encodings for axis {enc.axis} of size "
                 f"{spec.dims[enc.axis]}")
    elif enc.scales.size != 1:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: a per-tensor encoding has exactly one scale")
    if enc.blocks is not None:
        _check_lpbq(spec, enc, where)
    if enc.bitwidth is not None and not 0 < enc.bitwidth <= dtypes.FIXED_BITS[spec.dtype]:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: bitwidth {enc.bitwidth} does not fit {dtypes.name(spec.dtype)}")


def _check_lpbq(spec: TensorSpec, enc, where: str) -> None:
    """What a BLOCKWISE_EXPANSION (LPBQ) encoding needs: a STATIC signed weight, channels on an
    axis whose blocks lpbq_block_axis finds, whole blocks, and block integers that fit."""
    def refuse(why: str):
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, f"{where}: LPBQ (BLOCKWISE_EXPANSION) {why}")
    if spec.kind != TT.QNN_TENSOR_TYPE_STATIC:
        refuse(f"encodes weights: the tensor must be STATIC, not {kind_name(spec.kind)}")
    if spec.dtype not in (DT.QNN_DATATYPE_SFIXED_POINT_8, DT.QNN_DATATYPE_SFIXED_POINT_16):
        refuse(f"weights are SFIXED_POINT_8 or _16, not {dtypes.name(spec.dtype)}")
    if enc.axis is None or lpbq_block_axis(enc.axis, len(spec.dims)) is None:
        refuse(f"needs the channel axis last (blocks along the axis before it) or first of a matrix; "
               f"axis {enc.axis} of rank {len(spec.dims)} is neither")
    blocks = enc.blocks.shape[1] if enc.blocks.ndim == 2 else 0
    span = spec.dims[lpbq_block_axis(enc.axis, len(spec.dims))]
    if enc.blocks.ndim != 2 or enc.blocks.shape[0] != spec.dims[enc.axis] or blocks < 1 or span % blocks:
        refuse(f"numBlocksPerAxis {blocks} must divide the {span} elements the blocks split into whole blocks "
               f"(and there must be {spec.dims[enc.axis]} x numBlocksPerAxis block scales)")
    if enc.block_bitwidth is None or not 1 <= enc.block_bitwidth < dtypes.FIXED_BITS[spec.dtype]:
        refuse(f"blockScaleBitwidth {enc.block_bitwidth} must leave the codes at least one of the "
               f"{dtypes.FIXED_BITS[spec.dtype]} bits of {dtypes.name(spec.dtype)} (it is the expansion: 4 for "
               "4-bit codes in 8)")
    if enc.blocks.size and int(enc.blocks.max()) > 1 << enc.block_bitwidth:
        refuse(f"has a block scale of {int(enc.blocks.max())}, above 2^blockScaleBitwidth "
               f"({1 << enc.block_bitwidth})")


def check_tensor_spec(spec: TensorSpec, graph_scope: bool) -> None:
    """Everything QnnTensor_create*Tensor requires of one tensor, in the order a user fixes it."""
    where = f"tensor '{spec.name}'"
    if not isinstance(spec.name, str) or not spec.name:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, "a tensor needs a non-empty name")
    try:
        TT(spec.kind)
    except ValueError:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, f"{where}: unknown type {spec.kind}")
    if spec.kind == TT.QNN_TENSOR_TYPE_UNDEFINED:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, f"{where}: type is UNDEFINED")
    if graph_scope and spec.kind in READWRITE_KINDS:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: {kind_name(spec.kind)} tensors link graphs and must be context tensors")
    if not graph_scope and spec.kind in NATIVE_KINDS:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: {kind_name(spec.kind)} tensors belong to one graph; create it with "
             "QnnTensor_createGraphTensor")
    if spec.dtype == DT.QNN_DATATYPE_STRING:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: STRING is not allowed for graph or context tensors")
    if spec.dtype not in DT._value2member_map_:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, f"{where}: {spec.dtype!r} is not a Qnn_DataType_t")
    if not dtypes.supported(spec.dtype):
        fail(TensorError.QNN_TENSOR_ERROR_UNSUPPORTED_TENSOR_PARAM,
             f"{where}: data type {dtypes.name(spec.dtype)} is not supported by the emulated HTP")
    if any(not isinstance(d, int) or d < 1 for d in spec.dims):
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: dimensions must be positive integers, got {list(spec.dims)}")
    nbytes = math.prod(spec.dims) * dtypes.storage(spec.dtype).itemsize
    if nbytes > MAX_TENSOR_BYTES:
        fail(TensorError.QNN_TENSOR_ERROR_UNSUPPORTED_TENSOR_PARAM,
             f"{where}: {nbytes} bytes exceed the 4 GiB a Qnn_ClientBuffer_t can describe")
    check_encoding(spec)
    if spec.kind in STATIC_KINDS:
        if spec.data is None or spec.data.nbytes != nbytes:
            got = "no data" if spec.data is None else f"{spec.data.nbytes} bytes"
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                 f"{where}: {kind_name(spec.kind)} needs {nbytes} bytes of data at creation, got {got}")
    elif spec.data is not None:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: only STATIC tensors carry data at creation; {kind_name(spec.kind)} must "
             "have a NULL client buffer")


def _scalar_value(schema: Scalar, param: ParamSpec):
    value, dt = param.scalar, param.scalar_dtype
    if schema.kind == "float32":
        if dt not in dtypes.FLOATS and dt != DT.QNN_DATATYPE_FLOAT_64:
            raise OpError(f"parameter '{param.name}' must be a FLOAT_32 scalar, got {dtypes.name(dt)}")
        return float(value)
    if not (dtypes.is_integer(dt) or dt in dtypes.BOOLS):
        raise OpError(f"parameter '{param.name}' must be an integer scalar, got {dtypes.name(dt)}")
    if isinstance(value, float) and not value.is_integer():
        raise OpError(f"parameter '{param.name}' must be an integer, got {value}")
    value = int(value)
    if schema.kind == "bool":
        return bool(value)
    if schema.kind == "uint32" and value < 0:
        raise OpError(f"parameter '{param.name}' must be >= 0, got {value}")
    return value


def _tensor_value(schema, param: ParamSpec, tensor: Tensor | TensorSpec | None):
    if tensor is None:
        raise OpError(f"parameter '{param.name}' names tensor id {param.tensor_id}, which is not registered")
    if not dtypes.is_integer(tensor.dtype) or tensor.data is None or tensor.kind != TT.QNN_TENSOR_TYPE_STATIC:
        raise OpError(f"parameter '{param.name}' must be a STATIC INT_32/UINT_32 tensor with data, got a "
                      f"{kind_name(tensor.kind)} {dtypes.name(tensor.dtype)} tensor")
    data = np.asarray(tensor.data).reshape(tensor.dims).astype(np.int64)
    if schema.rank is not None and data.ndim != schema.rank:
        raise OpError(f"parameter '{param.name}' must have rank {schema.rank}, got {list(data.shape)}")
    return data


def resolve_params(op, spec: NodeSpec, lookup) -> dict:
    given = {}
    for param in spec.params:
        if param.name in given:
            raise OpError(f"parameter '{param.name}' is given twice")
        schema = op.params.get(param.name)
        if schema is None:
            raise OpError(f"unknown parameter '{param.name}'; {op.type_name} takes "
                          f"{sorted(op.params) or 'no parameters'}")
        is_scalar = isinstance(schema, Scalar)
        if is_scalar != (param.tensor is None and param.tensor_id is None):
            raise OpError(f"parameter '{param.name}' must be a "
                          f"{'scalar' if is_scalar else 'tensor'} parameter")
        if is_scalar:
            given[param.name] = _scalar_value(schema, param)
        else:
            tensor = param.tensor if param.tensor is not None else lookup(param.tensor_id)
            given[param.name] = _tensor_value(schema, param, tensor)
    for name, schema in op.params.items():
        if name not in given:
            if schema.default is REQUIRED:
                raise OpError(f"required parameter '{name}' is missing")
            given[name] = schema.default
    return given


def find_op(spec: NodeSpec):
    """The op an op config names, after checking its package and input/output counts."""
    if spec.package != PACKAGE:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
             f"node '{spec.name}': op package '{spec.package}' is not registered; the "
             f"emulated HTP provides '{PACKAGE}'")
    op = REGISTRY.get(spec.op_type)
    if op is None and spec.op_type in QnnOpDef.OP_PARAMS:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
             f"node '{spec.name}': '{spec.op_type}' is a QNN op the emulated HTP does not "
             f"implement ({len(REGISTRY)} of the {len(QnnOpDef.OP_PARAMS)} ops are; see qnnpy/htp/ops)")
    if op is None:
        close = difflib.get_close_matches(str(spec.op_type), REGISTRY, n=3)
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
             f"node '{spec.name}': unknown op type '{spec.op_type}'"
             + (f"; did you mean {close}?" if close else ""))
    for what, count, (lo, hi) in (("inputs", len(spec.inputs), op.num_inputs),
                                  ("outputs", len(spec.outputs), op.num_outputs)):
        if not lo <= count <= hi:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                 f"node '{spec.name}': {op.type_name} takes {lo}..{hi} {what}, got {count}")
    return op


def check_op(op, spec: NodeSpec, inputs: list, outputs: list, lookup) -> dict:
    """Parameters, dtypes and shapes of one op config; returns the resolved parameters."""
    try:
        params = resolve_params(op, spec, lookup)
        op.check_dtypes([t for t in inputs if t is not None], outputs)
        shapes = op.infer(inputs, outputs, params)
    except OpError as err:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, f"node '{spec.name}' ({op.type_name}): {err}")
    for tensor, shape in zip(outputs, shapes):
        if tuple(tensor.dims) != tuple(shape):
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                 f"node '{spec.name}' ({op.type_name}): output '{tensor.name}' is declared "
                 f"{list(tensor.dims)} but the op produces {list(shape)}")
    return params


class Graph:
    def __init__(self, context: "Context", name: str):
        self.context, self.name = context, name
        self.tensors: dict[int, Tensor] = {}
        self.nodes: list[Node] = []
        self.node_names: set[str] = set()  # for the duplicate check: a scan made loading quadratic
        self.producer: dict[int, str] = {}
        self.finalized = False
        self.float16 = False          # HTP precision FLOAT16: float32 tensors computed at half precision
        self.plan = None
        self.handle = None
        self.configs: dict = {}
        self.names: dict[str, int] = {}  # tensor name -> id, for this graph's own tensors
        self.pending: dict = {}       # tensor id -> updates.Change, taking effect at finalize
        self.structure: str | None = None  # identity hash, set at finalize (binary_section)
        self.applied = None           # the last binary section applied to this graph
        self.updatable = None         # its updatable tensors, cached after finalize
        self.section_plans: dict = {}  # section type -> what applying checks (binary_section._plan)
        self.entry = None             # metadata a graph from a binary is (re)built from
        self.loaded = True            # False while evicted (graph switching) or deferred

    def lookup(self, tid) -> Tensor | None:
        return self.tensors.get(tid) or self.context.tensors.get(tid)

    def drop_built(self) -> None:
        """Forget the built graph (tensors, nodes, plan and what is cached from them) when it
        is evicted or its context freed; a reload builds everything anew."""
        self.tensors.clear()
        self.names.clear()
        self.nodes.clear()
        self.node_names.clear()
        self.producer.clear()
        self.plan = self.updatable = None
        self.section_plans.clear()

    def _resolve_inputs(self, op, spec: NodeSpec) -> list:
        inputs = []
        for pos, tid in enumerate(spec.inputs):
            tensor = self.lookup(tid) if tid else None
            if tensor is None and tid:
                fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                     f"node '{spec.name}': input {pos} has tensor id {tid}, which is not "
                     f"registered in graph '{self.name}' or its context")
            if tensor is None or tensor.kind == TT.QNN_TENSOR_TYPE_NULL:
                if pos not in op.optional_inputs:
                    fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                         f"node '{spec.name}': input {pos} of {op.type_name} is not optional")
                inputs.append(None)
                continue
            needs_producer = tensor.kind in NATIVE_KINDS or (
                tensor.kind in OUTPUT_KINDS and tensor.kind not in INPUT_KINDS)
            if needs_producer and tid not in self.producer:
                fail(GraphError.QNN_GRAPH_ERROR_UNCONNECTED_NODE,
                     f"node '{spec.name}': input '{tensor.name}' is not produced by any earlier "
                     "node; add nodes in dependency order")
            inputs.append(tensor)
        return inputs

    def _resolve_outputs(self, spec: NodeSpec) -> list:
        outputs, seen = [], set()
        for pos, tid in enumerate(spec.outputs):
            tensor = self.lookup(tid)
            if tensor is None:
                fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR,
                     f"node '{spec.name}': output {pos} has tensor id {tid}, which is not registered")
            if tensor.kind in STATIC_KINDS or tensor.kind == TT.QNN_TENSOR_TYPE_NULL or (
                    tensor.kind in INPUT_KINDS and tensor.kind not in OUTPUT_KINDS):
                fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                     f"node '{spec.name}': output '{tensor.name}' is {kind_name(tensor.kind)}; "
                     "outputs must be NATIVE or APP_READ tensors")
            if tid in self.producer or tid in seen:
                fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                     f"node '{spec.name}': output '{tensor.name}' is already produced by node "
                     f"'{self.producer.get(tid, spec.name)}'")
            seen.add(tid)
            outputs.append(tensor)
        return outputs

    def add_node(self, spec: NodeSpec) -> None:
        if self.finalized:
            fail(GraphError.QNN_GRAPH_ERROR_GRAPH_FINALIZED,
                 f"graph '{self.name}' is finalized and accepts no more nodes")
        if not isinstance(spec.name, str) or not spec.name:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG, "an op config needs a node name")
        op = find_op(spec)
        if spec.name in self.node_names:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_OP_CONFIG,
                 f"graph '{self.name}' already has a node named '{spec.name}'")
        inputs = self._resolve_inputs(op, spec)
        outputs = self._resolve_outputs(spec)
        params = check_op(op, spec, inputs, outputs, self.lookup)
        inlined = [ParamSpec(p.name, tensor=self.lookup(p.tensor_id).spec())
                   if p.tensor_id is not None and p.tensor is None else p for p in spec.params]
        spec = NodeSpec(spec.name, spec.package, spec.op_type, inlined, spec.inputs, spec.outputs)
        self.nodes.append(Node(spec, op, params, inputs, outputs))
        self.node_names.add(spec.name)
        for tensor in outputs:
            self.producer[tensor.id] = spec.name

    def used_tensor_ids(self) -> set[int]:
        used = set()
        for node in self.nodes:
            used.update(t.id for t in node.inputs if t is not None)
            used.update(t.id for t in node.outputs)
        return used

    def io_tensors(self) -> tuple[list[Tensor], list[Tensor]]:
        """Graph inputs (consumed client-written tensors) and outputs, in registration order."""
        consumed = {t.id for n in self.nodes for t in n.inputs if t is not None}
        ids = sorted(self.used_tensor_ids())
        inputs = [self.lookup(i) for i in ids if self.lookup(i).kind in INPUT_KINDS and i in consumed]
        outputs = [self.lookup(i) for i in ids if self.lookup(i).kind in OUTPUT_KINDS and i in self.producer]
        return inputs, outputs

    def finalize(self) -> None:
        if not self.nodes:
            fail(GraphError.QNN_GRAPH_ERROR_FINALIZE_FAILED,
                 f"graph '{self.name}' has no nodes; add at least one before finalizing")
        self.finalized = True


class Context:
    def __init__(self, backend, from_binary: bool = False):
        self.backend = backend
        self.from_binary = from_binary
        self.tensors: dict[int, Tensor] = {}
        self.graphs: dict[str, Graph] = {}
        self.names: dict[str, int] = {}  # context tensors' names
        self.next_id = 1
        self.handle = None   # the API layer's handle, device and configs for this context
        self.device = None
        self.configs: dict = {}
        self.pending: dict = {}  # context tensor id -> updates.Change
        self.refinalize: set = set()  # graphs to finalize again after committed context tensor updates
        self.lora_weight_sharing = False  # HTP custom config: execute needs an applied section
        self.skip_section_validation = False  # HTP custom config: sections' checksum unchecked
        self.verified_sections: dict = {}  # sections checked before: binary_section._recall
        self.residency = None  # residency.Residency when graphs are switched or loaded lazily
        self.disabled: set = set()  # graphs of the binary left out by ENABLE_GRAPHS

    def _name_taken(self, name: str, graph: Graph | None) -> str | None:
        """Where ``name`` already lives, by QNN's rule: a graph tensor's name must be new in its
        graph and among the context tensors; a context tensor's name must be new everywhere.
        Graphs may reuse each other's names (several variants of one model)."""
        if name in self.names:
            return "as a context tensor"
        scopes = [graph] if graph is not None else self.graphs.values()
        for g in scopes:
            if name in g.names:
                return f"in graph '{g.name}'"
        return None

    def add_tensor(self, spec: TensorSpec, graph: Graph | None, tid: int | None = None) -> int:
        check_tensor_spec(spec, graph_scope=graph is not None)
        taken = self._name_taken(spec.name, graph)
        if taken:
            fail(TensorError.QNN_TENSOR_ERROR_ALREADY_EXISTS,
                 f"tensor name '{spec.name}' is already registered {taken}; names must be unique within a "
                 "graph and against the context's tensors")
        if tid is None:
            tid = self.next_id
        elif not isinstance(tid, int) or tid < 1 or tid in self.tensors or any(
                tid in g.tensors for g in self.graphs.values()):
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, f"tensor id {tid} is not usable")
        tensor = Tensor(tid, spec, graph.name if graph else None)
        (graph.tensors if graph else self.tensors)[tid] = tensor
        (graph.names if graph else self.names)[spec.name] = tid
        self.next_id = max(self.next_id, tid + 1)
        return tid
