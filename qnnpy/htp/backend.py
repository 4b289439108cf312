"""HtpBackend: the object behind one Qnn_BackendHandle_t, and the plugin interface the API
modules call. Every method takes and returns backend_api descriptions and raises QnnError."""
from qnnpy.backend_api import IoBinding, NodeSpec, TensorSpec
from qnnpy.htp import binary_section, container, context_binary, dtypes, executor, updates
from qnnpy.htp.errors import CommonError, ContextError, GraphError, TensorError, fail
from qnnpy.htp.context_binary import BUILD_ID  # noqa: F401  (re-exported for the API)
from qnnpy.htp.ir import Context, Graph, check_op, find_op
from qnnpy.htp.ops import PACKAGE, REGISTRY

BACKEND_ID = 6

PROVIDER_NAME = "HTP_QTI_AISW"
API_VERSION = (5, 43, 0)


class HtpBackend:
    def __init__(self, logger):
        self.logger = logger
        self.contexts: list[Context] = []
        self.strict_io_encodings = False  # platform option qnnpy.strict_io_encodings=1

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
            graph.tensors.clear()
            graph.nodes.clear()
            graph.plan = graph.updatable = graph.applied = None
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

    def create_from_binary(self, buffer, size: int, zero_copy: bool) -> Context:
        try:
            parsed = container.parse(buffer, size, container.KIND_CONTEXT, copy_data=not zero_copy)
            context = context_binary.load(self, parsed)
        except container.ContainerError as err:
            fail(ContextError.QNN_CONTEXT_ERROR_BINARY_VERSION if err.version
                 else ContextError.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, f"context binary rejected: {err}")
        self.contexts.append(context)
        return context

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
        """Finalize, then let queued tensor updates (the graph's and the context's) take effect."""
        graph.finalize()
        changes = list(graph.pending.values()) + list(graph.context.pending.values())
        graph.pending.clear()
        graph.context.pending.clear()
        updates.commit(graph.context, changes)

    @staticmethod
    def update_tensors(context: Context, graph: Graph | None, requested: list) -> None:
        """Queue updates [(tensor id, TensorSpec)] until the next finalize; all or nothing."""
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

    def execute(self, graph: Graph, inputs: list[IoBinding], outputs: list[IoBinding]) -> None:
        if graph.context.lora_weight_sharing and graph.applied is None and \
                binary_section.updatable_tensors(graph):
            fail(CommonError.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED,
                 f"graph '{graph.name}' is in a context with LoRA weight sharing enabled and has no "
                 "binary section applied yet; apply an adapter (or the default adapter) first")
        executor.execute(graph, inputs, outputs, strict=self.strict_io_encodings)

    # -- binary sections ----------------------------------------------------------------
    @staticmethod
    def section_layout(context: Context, graph: Graph | None, section) -> container.Layout:
        graphs = [graph] if graph is not None else list(context.graphs.values())
        return binary_section.layout(context, graphs, section)

    @staticmethod
    def apply_section(context: Context, graph: Graph | None, section, buffer, size, zero_copy: bool,
                      verify_checksum: bool) -> None:
        binary_section.apply(context, graph, section, buffer, size, zero_copy, verify_checksum)


def _registered_elsewhere(context: Context, tid) -> bool:
    """Whether the id names a tensor of the context or of any of its graphs."""
    return tid in context.tensors or any(tid in g.tensors for g in context.graphs.values())
