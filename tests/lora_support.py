"""A LoRA MLP in one context, driven through the public API, for the LoRA tests."""
import numpy as np

from qnnpy import QnnContext, QnnGraph, QnnTensor, lora
from qnnpy.builder import io_tensor
from qnnpy.examples import lora_mlp
from qnnpy.QnnContext import QNN_CONTEXT_SECTION_UPDATABLE


class LoraSetup:
    """``seqs`` graphs of one LoRA MLP; with ``shared`` the weights are context tensors."""

    def __init__(self, api, dims, max_rank, seqs=(4,), shared=False, seed=0):
        self.api, self.dims, self.max_rank, self.shared = api, dims, max_rank, shared
        self.base = lora_mlp.make_base(dims, seed)
        self.graphs, self.io = {}, {}
        if shared:
            self.weights = lora_mlp.register_weights(api.context, self.base, max_rank, context=True)
        for seq in seqs:
            name = f"mlp_{seq}"
            graph = api.graph(name)
            weights = self.weights if shared else lora_mlp.register_weights(graph, self.base, max_rank, False,
                                                                            prefix=f"{name}/")
            if not shared:
                self.weights_of = getattr(self, "weights_of", {})
                self.weights_of[name] = weights
            self.io[name] = lora_mlp.build_qnn(graph, weights, seq, prefix=f"{name}/")
            assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
            self.graphs[name] = graph
        self.base_binary = self.binary()  # LoRA weights still zero: the base, as generators ship it

    def update(self, adapter, graph_name=None) -> int:
        """Queue ``adapter``'s A/B values on one graph (or the shared context tensors)."""
        weights = self.weights if self.shared else self.weights_of[graph_name]
        structs = lora.update_structs(weights, adapter)
        if self.shared:
            return QnnTensor.QnnTensor_updateContextTensors(self.api.context, structs, len(structs))
        return QnnTensor.QnnTensor_updateGraphTensors(self.graphs[graph_name], structs, len(structs))

    def make_section(self, adapter, graph_name=None, section=QNN_CONTEXT_SECTION_UPDATABLE) -> bytes:
        """update -> finalize -> getBinarySection, the offline flow. graph_name None: all graphs."""
        names = [graph_name] if graph_name else list(self.graphs)
        for name in ([None] if self.shared else names):
            assert self.update(adapter, name) == 0
        for name in names:
            assert QnnGraph.QnnGraph_finalize(self.graphs[name], None, None) == 0
        return lora.binary_section(self.api.context, self.graphs[graph_name] if graph_name else None, section)

    def binary(self) -> bytes:
        err, size = QnnContext.QnnContext_getBinarySize(self.api.context)
        buf = bytearray(size)
        assert QnnContext.QnnContext_getBinary(self.api.context, buf, size)[0] == 0
        return bytes(buf)


def run(graph, io, x, alpha) -> tuple:
    out = np.zeros([int(d) for d in io["y"].v1.dimensions], np.float32)
    err = QnnGraph.QnnGraph_execute(graph, [io_tensor(io["x"], x), io_tensor(io["alpha"], np.array([alpha], np.float32))],
                                    2, [io_tensor(io["y"], out)], 1, None, None)
    return err, out


def apply(context, graph, data, section=QNN_CONTEXT_SECTION_UPDATABLE):
    return QnnContext.QnnContext_applyBinarySection(context, graph, section, lora.section_buffer(data), None, None)
