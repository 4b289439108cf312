"""HtpBackend: the object behind one Qnn_BackendHandle_t, and the plugin interface the API
modules call. Every method takes and returns backend_api descriptions and raises QnnError."""
from qnnpy.backend_api import IoBinding, NodeSpec, TensorSpec
from qnnpy.htp import binary_section, container, context_binary, dtypes, executor, residency, updates
from qnnpy.htp.errors import CommonError, ContextError, GraphError, TensorError, fail
from qnnpy.htp.context_binary import BUILD_ID  # noqa: F401  (re-exported for the API)
from qnnpy.htp.ir import Context, Graph, check_op, find_op
from qnnpy.htp.ops import PACKAGE, REGISTRY
from qnnpy.QnnSystemContext import QnnSystemContext_Error_t as SystemError_

# createFromBinary's answer per kind of bad binary. Foreign and malformed bytes get the system
# context codes, as the real backend answers them (it parses with its system library);
# checksum and metadata failures, which the real format cannot detect, are CREATE_FROM_BINARY.
_LOAD_ERRORS = {container.ARGUMENT: ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                container.FOREIGN: SystemError_.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT,
                container.MALFORMED: SystemError_.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY,
                container.VERSION: ContextError.QNN_CONTEXT_ERROR_BINARY_VERSION,
                container.CORRUPT: ContextError.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY}



class HtpBackend:
    def __init__(self, logger):
        self.logger = logger
        self.contexts: list[Context] = []
        self.strict_io_encodings = False  # platform option qnnpy.strict_io_encodings=1
        self.activation_budget = None     # bytes; platform option qnnpy.activation_budget_bytes=N

    # -- backend ------------------------------------------------------------------------
    @staticmethod
    def storage_dtype(dtype: int):
        """numpy storage type of a QNN data type, or None when the emulated HTP lacks it."""
        return dtypes.storage(dtype) if dtypes.supported(dtype) else None

    @staticmethod
    def supported_operations() -> list[tuple[str, str]]:
        return [(PACKAGE, name) for name in sorted(REGISTRY)]

    @staticmethod
    def validate_op_config(spec: NodeSpec, inputs: list[TensorSpec], outputs: list[TensorSpec]):
        op = find_op(spec)
        check_op(op, spec, inputs, outputs, lambda tid: None)

    # -- contexts -----------------------------------------------------------------------
    def create_context(self) -> Context:
        context = Context(self)
        self.contexts.append(context)
        return context

    def free_context(self, context: Context) -> None:
        """Drop every reference to tensor bytes now, so a client's buffer (an mmap, say) is
        released at QnnContext_free rather than whenever the garbage collector gets to it."""
        self.contexts.remove(context)
        for graph in context.graphs.values():
            graph.drop_built()
            graph.applied = None
            graph.pending.clear()
        context.tensors.clear()
        context.pending.clear()

    def context_binary_layout(self, context: Context) -> container.Layout:
        if context.from_binary:
            fail(CommonError.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED,
                 "this context was created from a binary; serialize the original instead")
        if not context.graphs:
            fail(ContextError.QNN_CONTEXT_ERROR_GET_BINARY_SIZE_FAILED,
                 "the context has no graphs to serialize")
        for graph in context.graphs.values():
            if not graph.finalized:
                fail(ContextError.QNN_CONTEXT_ERROR_NOT_FINALIZED,
                     f"graph '{graph.name}' is not finalized; finalize every graph first")
        return context_binary.layout(context)

    def create_from_binary(self, buffer, size: int, zero_copy: bool, memory_limit: int | None = None,
                           deferred: bool = False, enabled: list | None = None) -> Context:
        """``memory_limit`` (bytes) turns on graph switching, ``deferred`` loads graphs when
        retrieved, ``enabled`` keeps only the named graphs."""
        try:
            parsed = container.parse(buffer, size, container.KIND_CONTEXT)
            context_binary.check_context_meta(parsed)
            if not zero_copy:  # only now: an invalid binary is refused before its data is copied
                parsed.take_copy()
            names = [g["name"] for g in parsed.meta["graphs"]]
            if enabled is not None:
                unknown = [n for n in enabled if n not in names]
                if unknown:
                    fail(ContextError.QNN_CONTEXT_ERROR_INVALID_CONFIG,
                         f"ENABLE_GRAPHS names {unknown}, which the binary does not have (it has {names})")
                parsed.meta = {**parsed.meta, "graphs": [g for g in parsed.meta["graphs"]
                                                         if g.get("name") in enabled]}
            kept = [n for n in names if enabled is None or n in enabled]
            build = set() if deferred else set(kept[:1]) if memory_limit is not None else None
            context = context_binary.load(self, parsed, build)
        except container.ContainerError as err:
            fail(_LOAD_ERRORS[err.kind], f"context binary rejected: {err}")
        context.disabled = set(names) - set(kept)
        if memory_limit is not None or deferred:
            context.residency = residency.Residency(context, parsed, memory_limit)
        self.contexts.append(context)
        return context

    @staticmethod
    def data_region(buffer, size: int) -> tuple[int, int]:
        """(offset, size) of a context binary's data (weights) region, read from its header
        alone: what createFromBinaryWithCallback asks the client's data provider for."""
        try:
            view = memoryview(buffer).cast("B")
        except TypeError:
            fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer is not a buffer object")
        if not isinstance(size, int) or not container.HEADER_SIZE <= size <= view.nbytes:
            fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                 f"binaryBufferSize {size!r} must cover at least the {container.HEADER_SIZE}-byte header")
        fields = container.HEADER.unpack_from(view, 0)
        if fields[0] != container.MAGIC:
            fail(_LOAD_ERRORS[container.FOREIGN], "not a qnnpy binary (bad magic)")
        data_offset, data_size = fields[6], fields[7]
        if data_offset > size:
            fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                 f"binaryBuffer holds {size} bytes but the metadata runs to byte {data_offset}")
        return data_offset, data_size

    @staticmethod
    def resident(graph: Graph) -> None:
        """Load a graph that graph switching evicted or deferred init has not built yet."""
        if graph.context.residency is not None:
            graph.context.residency.touch(graph)

    def retrieve(self, context: Context, name: str) -> Graph:
        graph = context.graphs.get(name)
        if graph is None:
            if name in context.disabled:
                fail(GraphError.QNN_GRAPH_ERROR_DISABLED,
                     f"graph '{name}' was not enabled (QNN_CONTEXT_CONFIG_ENABLE_GRAPHS) when the context was loaded")
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_NAME,  # the real backend's code for an unknown name
                 f"no graph named '{name}'; this context has {sorted(context.graphs)}")
        if context.residency is not None and context.residency.limit is None:
            self.resident(graph)  # deferred init: retrieving a graph builds it
        return graph

    def finalize_context(self, context: Context) -> None:
        """QnnContext_finalize: build every graph deferred init left for later."""
        if context.residency is not None:
            for graph in context.graphs.values():
                self.resident(graph)

    # -- graphs -------------------------------------------------------------------------
    @staticmethod
    def create_graph(context: Context, name: str) -> Graph:
        if context.from_binary:
            fail(CommonError.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED, "a context created from a binary cannot get new graphs")
        if not isinstance(name, str) or not name:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_NAME, "a graph needs a non-empty name")
        if name in context.graphs:
            fail(GraphError.QNN_GRAPH_ERROR_INVALID_NAME, f"graph '{name}' already exists in this context")
        graph = Graph(context, name)
        context.graphs[name] = graph
        return graph

    @staticmethod
    def set_precision(graph: Graph, half: bool) -> None:
        """HTP precision config: float32 tensors computed at float16 precision (see QnnHtpGraph)."""
        graph.float16 = half
        graph.plan = None

    @staticmethod
    def add_tensor(context: Context, graph: Graph | None, spec: TensorSpec) -> int:
        if context.from_binary:
            fail(CommonError.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED,
                 "a context created from a binary cannot get new tensors")
        if graph is not None and graph.finalized:
            fail(GraphError.QNN_GRAPH_ERROR_GRAPH_FINALIZED,
                 f"graph '{graph.name}' is finalized; register tensors before QnnGraph_finalize")
        return context.add_tensor(spec, graph)

    @staticmethod
    def add_node(graph: Graph, spec: NodeSpec) -> None:
        graph.add_node(spec)

    @staticmethod
    def finalize(graph: Graph) -> None:
        """Finalize, then let queued tensor updates (the graph's and the context's) take effect.
        A finalized graph is finalized again only for tensor updates: its own queued ones, or
        context tensor updates committed since its last finalize (each graph of a super
        adapter is finalized in turn). Otherwise the real backend answers NOT_SUPPORTED, and
        so does qnnpy."""
        context = graph.context
        if graph.finalized and not graph.pending and not context.pending and graph.name not in context.refinalize:
            fail(GraphError.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE,
                 f"graph '{graph.name}' is already finalized and has no tensor updates to commit")
        graph.finalize()
        if context.pending:
            context.refinalize = {name for name, g in context.graphs.items() if g.finalized}
        context.refinalize.discard(graph.name)
        changes = list(graph.pending.values()) + list(context.pending.values())
        graph.pending.clear()
        context.pending.clear()
        updates.commit(context, changes)

    @staticmethod
    def update_tensors(context: Context, graph: Graph | None, requested: list) -> None:
        """Queue updates [(tensor id, TensorSpec)] until the next finalize; all or nothing."""
        if context.residency is not None:
            fail(CommonError.QNN_COMMON_ERROR_NOT_SUPPORTED,
                 "tensor updates on a context with graph switching or deferred init would be lost "
                 "when a graph reloads; apply binary sections instead (they are re-applied on reload)")
        if graph is not None and not graph.finalized:
            fail(GraphError.QNN_GRAPH_ERROR_GRAPH_NOT_FINALIZED,
                 f"graph '{graph.name}' is not finalized; finalize it before updating its tensors")
        scope = graph.tensors if graph is not None else context.tensors
        checked = []
        for tid, spec in requested:
            tensor = scope.get(tid)
            if tensor is None and _registered_elsewhere(context, tid):
                other = "QnnTensor_updateContextTensors" if graph is not None else "QnnTensor_updateGraphTensors"
                fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                     f"tensor id {tid} is not in this scope; update it with {other}")
            checked.append(updates.check_change(tensor, tid, spec))
        pending = graph.pending if graph is not None else context.pending
        for change in checked:
            old = pending.get(change.tensor.id)
            if old is not None:
                change.data = change.data if change.data is not None else old.data
                change.encoding = change.encoding if change.encoding is not None else old.encoding
            pending[change.tensor.id] = change

    def execute(self, graph: Graph, inputs: list[IoBinding], outputs: list[IoBinding],
                node_times: list | None = None, stop=None) -> None:
        self.resident(graph)
        if graph.context.lora_weight_sharing and graph.applied is None and \
                binary_section.updatable_tensors(graph):
            fail(CommonError.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED,
                 f"graph '{graph.name}' is in a context with LoRA weight sharing enabled and has no "
                 "binary section applied yet; apply an adapter (or the default adapter) first")
        executor.execute(graph, inputs, outputs, strict=self.strict_io_encodings, budget=self.activation_budget,
                         node_times=node_times, stop=stop)

    # -- binary sections ----------------------------------------------------------------
    def section_layout(self, context: Context, graph: Graph | None, section) -> container.Layout:
        graphs = [graph] if graph is not None else list(context.graphs.values())
        if context.residency is not None and context.residency.limit is not None and len(graphs) > 1:
            fail(CommonError.QNN_COMMON_ERROR_NOT_SUPPORTED,
                 "a super adapter cannot be made from a graph-switching context (its graphs are not "
                 "all resident); make it from a context loaded without MEMORY_LIMIT_HINT")
        for g in graphs:
            self.resident(g)
        return binary_section.layout(context, graphs, section)

    def apply_section(self, context: Context, graph: Graph | None, section, buffer, size, zero_copy: bool,
                      verify_checksum: bool) -> None:
        """An unloaded graph is loaded first, then the section applied (as HTP does); under
        graph switching a super adapter is applied graph by graph, each all or nothing."""
        if context.residency is None:
            binary_section.apply(context, graph, section, buffer, size, zero_copy, verify_checksum)
            return
        targets = [graph] if graph is not None else binary_section.covered_graphs(
            context, section, buffer, size, verify_checksum)
        for g in targets:
            self.resident(g)
            binary_section.apply(context, g, section, buffer, size, zero_copy, verify_checksum)


def _registered_elsewhere(context: Context, tid) -> bool:
    """Whether the id names a tensor of the context or of any of its graphs."""
    return tid in context.tensors or any(tid in g.tensors for g in context.graphs.values())
