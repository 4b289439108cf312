"""Runs a finalized graph: an execution plan with preallocated buffers, then one loop.

Every tensor gets a slot holding its *value* array (float32 for float and fixed point).
Static slots hold views of the weights; input slots are bound to the client's buffers per
call (a view when the data is float32); each op writes into preallocated output slots, and
the executor then rounds the result onto what the output tensor can hold (fixed-point
encoding or float16). Client outputs are written in place at the very end, so a failed
execute leaves them untouched.
"""
import math
import os
import time

import numpy as np

from qnnpy import _log
from qnnpy.backend_api import IoBinding
from qnnpy.htp import dtypes, numerics
from qnnpy.htp.errors import CommonError, GraphError, fail
from qnnpy.htp.ir import OPTIONAL_KINDS, STATIC_KINDS, Graph, Tensor, kind_name
from qnnpy.htp.ops import OpError


class Step:
    __slots__ = ("node", "ins", "outs", "rounding")

    def __init__(self, node, ins, outs, rounding):
        self.node, self.ins, self.outs, self.rounding = node, ins, outs, rounding


class Plan:
    def __init__(self, graph: Graph, budget: int | None = None):
        self.half = graph.float16
        self.slot: dict[int, int] = {}
        self.values: list = []
        self.tensors: list[Tensor] = []
        self.steps: list[Step] = []
        self.inputs, self.outputs = graph.io_tensors()
        for t in self.inputs:
            self._slot_for(t)
        total = 0
        for node in graph.nodes:
            ins = [None if t is None else self._slot_for(t) for t in node.inputs]
            outs = []
            for t in node.outputs:
                s = self._slot_for(t)
                total += math.prod(t.dims) * 4
                outs.append(s)
            # Tensors, not their encodings: an applied adapter may change an encoding later.
            rounding = [(s, t, self.compute_dtype(t)) for s, t in zip(outs, node.outputs)
                        if dtypes.is_fixed(t.dtype) or self.compute_dtype(t) == dtypes.DT.QNN_DATATYPE_FLOAT_16]
            self.steps.append(Step(node, ins, outs, rounding))
        budget = budget or _physical_memory()
        if total > budget:
            fail(CommonError.QNN_COMMON_ERROR_MEM_ALLOC,
                 f"graph '{graph.name}' needs {total} bytes of activations, more than the {budget}-byte budget "
                 "(this machine's memory, or the backend platform option qnnpy.activation_budget_bytes)")
        try:
            for s, t in enumerate(self.tensors):
                if t.kind in STATIC_KINDS:
                    self.values[s] = self.static_values(t)
                elif t not in self.inputs:
                    self.values[s] = np.empty(t.dims, dtype=dtypes.value_dtype(t.dtype))
        except MemoryError:
            fail(CommonError.QNN_COMMON_ERROR_MEM_ALLOC,
                 f"graph '{graph.name}': its {total} bytes of activations could not be allocated")

    def refresh(self, tensor: Tensor) -> None:
        """Pick up new static data after an update or an applied section."""
        slot = self.slot.get(tensor.id)
        if slot is not None and tensor.kind in STATIC_KINDS:
            self.values[slot] = self.static_values(tensor)

    def compute_dtype(self, t: Tensor) -> int:
        """The precision a tensor's values are held at: float32 drops to float16 in a graph
        prepared for FLOAT16 precision."""
        return dtypes.DT.QNN_DATATYPE_FLOAT_16 if self.half and t.dtype == dtypes.DT.QNN_DATATYPE_FLOAT_32 \
            else t.dtype

    def static_values(self, t: Tensor) -> np.ndarray:
        values = t.values()
        if self.compute_dtype(t) != t.dtype:
            values = values.astype(np.float16).astype(np.float32)
        return values

    def _slot_for(self, t: Tensor) -> int:
        if t.id not in self.slot:
            self.slot[t.id] = len(self.tensors)
            self.tensors.append(t)
            self.values.append(None)
        return self.slot[t.id]


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 1 << 40


def client_array(binding: IoBinding, tensor: Tensor, writable: bool) -> np.ndarray:
    """View the client's buffer as the tensor's storage array, checking size and layout."""
    where = f"tensor '{tensor.name}'"
    try:
        view = memoryview(binding.buffer)
    except TypeError:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_ARGUMENT,
             f"{where}: clientBuf.data is {type(binding.buffer).__name__}, not a buffer object "
             "(use a numpy array, bytearray, memoryview or mmap)")
    if not view.c_contiguous:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"{where}: the client buffer is not contiguous")
    if writable and view.readonly:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_ARGUMENT,
             f"{where}: the output buffer is read-only; pass a writable buffer")
    need = tensor.nbytes
    if binding.data_size < need or view.nbytes < need:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_ARGUMENT,
             f"{where}: needs {need} bytes ({list(tensor.dims)} x {dtypes.name(tensor.dtype)}) but "
             f"clientBuf.dataSize is {binding.data_size} and the buffer holds {view.nbytes}")
    flat = np.frombuffer(view.cast("B"), dtype=dtypes.storage(tensor.dtype),
                         count=math.prod(tensor.dims))
    return flat.reshape(tensor.dims)


def _encoding_text(enc) -> str:
    if enc is None:
        return "none"
    if enc.axis is None:
        return f"scale {float(enc.scales[0]):.6g} offset {int(enc.offsets[0])}"
    return f"{enc.scales.size} per-axis encodings on axis {enc.axis}"


def _check_encoding(b: IoBinding, tensor: Tensor, role: str, strict: bool) -> None:
    """The device quantizes with whatever the client sends; flag encodings gone stale."""
    if b.encoding is None or not dtypes.is_fixed(tensor.dtype) or b.encoding.same_as(tensor.encoding):
        return
    message = (f"{role} '{tensor.name}': the client's quantize params ({_encoding_text(b.encoding)}) "
               f"are stale; the graph now uses {_encoding_text(tensor.encoding)} (an applied adapter "
               "changed them); refresh them from QnnSystemContext_getBinaryInfo on the adapter")
    if strict:
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR, message)
    _log.emit(_log.WARN, f"QnnGraph_execute: {message}")


def _match(bindings: list[IoBinding], expected: list[Tensor], role: str,
           strict: bool = False) -> dict[int, IoBinding]:
    """Client tensors are matched by id alone, as the real backend matches them (a right name
    with a wrong id is refused there too); the message names the id the client should use."""
    by_id = {t.id: t for t in expected}
    required = [t.name for t in expected if t.kind not in OPTIONAL_KINDS]
    if not bindings and required:  # the real backend's code for a missing (NULL) tensor array
        fail(GraphError.QNN_GRAPH_ERROR_INVALID_ARGUMENT, f"no {role}s are given; the graph needs {required}")
    matched: dict[int, IoBinding] = {}
    for b in bindings:
        tensor = by_id.get(b.id)
        if tensor is None:
            same_name = next((t for t in expected if b.name and t.name == b.name), None)
            hint = (f"; '{b.name}' has id {same_name.id}: tensors are matched by id, take it from tensor "
                    "creation or QnnSystemContext_getBinaryInfo") if same_name else ""
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR,
                 f"{role} tensor id {b.id} ('{b.name}') is not a graph {role}{hint}; the graph's "
                 f"{role}s are {[(t.name, t.id) for t in expected]}")
        if tensor.id in matched:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR, f"{role} '{tensor.name}' is given twice")
        if b.dtype != tensor.dtype:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR,
                 f"{role} '{tensor.name}' is registered as {dtypes.name(tensor.dtype)} but the "
                 f"client tensor says {dtypes.name(b.dtype)}")
        if b.dims is not None and tuple(b.dims) != tuple(tensor.dims):
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR,
                 f"{role} '{tensor.name}' has dims {list(tensor.dims)} but the client tensor says "
                 f"{list(b.dims)}")
        _check_encoding(b, tensor, role, strict)
        matched[tensor.id] = b
    for t in expected:
        if t.id not in matched and t.kind not in OPTIONAL_KINDS:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_TENSOR,
                 f"{role} '{t.name}' ({kind_name(t.kind)}) was not given to execute")
    return matched


def execute(graph: Graph, inputs: list[IoBinding], outputs: list[IoBinding], strict: bool = False,
            budget: int | None = None, node_times: list | None = None, stop=None) -> None:
    """``node_times``, when given, receives (node name, microseconds) per node run: the
    per-node events of a DETAILED profile. ``stop``, when given, is called before each node
    and before the outputs are written, and raises to end the execute (a signal's abort or
    timeout): an execute it stops writes no output."""
    if not graph.finalized:
        fail(GraphError.QNN_GRAPH_ERROR_GRAPH_NOT_FINALIZED,
             f"graph '{graph.name}' is not finalized; call QnnGraph_finalize first")
    if graph.plan is None:
        graph.plan = Plan(graph, budget)
    plan = graph.plan
    given_in = _match(inputs, plan.inputs, "input", strict)
    given_out = _match(outputs, plan.outputs, "output", strict)
    in_arrays = {tid: client_array(b, graph.lookup(tid), writable=False) for tid, b in given_in.items()}
    out_arrays = {tid: client_array(b, graph.lookup(tid), writable=True) for tid, b in given_out.items()}
    values = list(plan.values)
    for tid, arr in in_arrays.items():
        t = graph.lookup(tid)
        values[plan.slot[tid]] = numerics.to_values(arr, t.dtype, t.encoding)
        if plan.compute_dtype(t) != t.dtype:
            numerics.round_to_dtype(values[plan.slot[tid]], plan.compute_dtype(t), None)
    try:
        if node_times is None and stop is None:
            for step in plan.steps:
                _run_step(step, values, plan)
        else:
            for step in plan.steps:
                if stop is not None:
                    stop()
                start = time.perf_counter_ns()
                _run_step(step, values, plan)
                if node_times is not None:
                    node_times.append((step.node.spec.name, (time.perf_counter_ns() - start) // 1000))
    except OpError as err:
        fail(GraphError.QNN_GRAPH_ERROR_GENERAL, f"graph '{graph.name}': {err}")
    if stop is not None:
        stop()
    for tid, arr in out_arrays.items():
        t = graph.lookup(tid)
        numerics.to_storage(values[plan.slot[tid]], t.dtype, t.encoding, arr)


def _run_step(step: Step, values: list, plan: Plan) -> None:
    node = step.node
    ins = [None if s is None else values[s] for s in step.ins]
    if node.op.raw_values:
        ins = [None if s is None else _stored(values[s], plan.tensors[s]) for s in step.ins]
        raws = [np.empty(values[s].shape, dtypes.storage(plan.tensors[s].dtype)) for s in step.outs]
        node.op.compute(ins, node.params, raws)
        for s, raw in zip(step.outs, raws):
            t = plan.tensors[s]
            values[s][...] = numerics.to_values(raw, t.dtype, t.encoding)
        for s, t, dtype in step.rounding:
            if dtype != t.dtype:  # stored values are exact; only a float16-precision graph rounds further
                numerics.round_to_dtype(values[s], dtype, None)
        return
    node.op.compute(ins, node.params, [values[s] for s in step.outs])
    for s, t, dtype in step.rounding:
        numerics.round_to_dtype(values[s], dtype, t.encoding)


def _stored(value: np.ndarray, t: Tensor) -> np.ndarray:
    out = np.empty(value.shape, dtypes.storage(t.dtype))
    numerics.to_storage(value, t.dtype, t.encoding, out)
    return out
