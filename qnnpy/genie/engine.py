"""An LLM held in a context binary, run the way Genie's QnnHtp engine runs it (docs/genie.md):
a prompt processor taking AR tokens per call and a token generator taking one, both reading a
KV cache of the positions before them and returning only the new keys and values, which the
engine writes into its cache.

The cache lives on the host, in float, one slot per context position. A call on a graph of
AR tokens and context CL sees the first CL - AR slots as its past: the filled ones open in
the attention mask, the rest closed (``mask``, an additive value that zeroes their weight).
The new tokens' keys sit after the past, so row r of the mask opens slots CL - AR .. CL - AR + r;
rows beyond the real tokens of a partial chunk open only themselves (their outputs are
discarded). RoPE is computed here for the tokens' absolute positions and fed as
``position_ids_cos`` / ``position_ids_sin``.

Everything goes through qnnpy's public QNN API; adapters are binary sections applied with
QnnContext_applyBinarySection, and LoRA strengths are alpha inputs fed on every call.
"""
from dataclasses import dataclass

import numpy as np

from qnnpy import QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.htp import dtypes
from qnnpy.QnnContext import (QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, QNN_CONTEXT_CONFIG_PERSISTENT_BINARY,
                              QNN_CONTEXT_SECTION_UPDATABLE, QnnContext_Config_t)


# Closes a cache slot: e^-100 underflows against any real score's weight, while a 16-bit mask
# input keeps a step of 0.0015 (a mask of -1e4 would leave 0.15 — coarser than the score
# differences attention turns on).
MASK = -100.0
GRAPH_SWITCHING_HINT_MB = 1024  # what Genie sets with enable-graph-switching


class EngineError(Exception):
    """What a dialog reports as a failed query or apply, with the line that says why."""


@dataclass
class LlmGraph:
    """One graph of the model: its handle, its I/O structs by name, and its AR and past length."""
    name: str
    handle: object
    inputs: dict
    outputs: dict
    ar: int
    past: int


def _shape(tensor) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor.v1.dimensions[:tensor.v1.rank])


def _feed(tensor, values: np.ndarray):
    """A client tensor holding ``values`` in the tensor's own type (quantized when fixed point)."""
    dtype = tensor.v1.dataType
    if dtypes.is_fixed(dtype):
        codes = lora.quantize(values, tensor, dtypes.storage(dtype))
    else:
        codes = np.ascontiguousarray(values, dtype=dtypes.storage(dtype))
    return io_tensor(tensor, codes.reshape(_shape(tensor)))


def _read(tensor, codes: np.ndarray) -> np.ndarray:
    return lora.dequantize(codes, tensor) if dtypes.is_fixed(tensor.v1.dataType) else codes.astype(np.float32)


class LlmEngine:
    """The prompt and token graphs of one context binary, their KV cache, and their adapters."""

    def __init__(self, backend, binary: bytes, rope_theta: float = 10000.0, mask: float = MASK,
                 alpha_names: tuple[str, ...] = (), rope_dim: int | None = None, graph_switching: bool = False):
        """``rope_dim``: Genie's ``rope-dim``, the number of rotary frequencies — the width of
        position_ids_cos, half the rotated head dimensions (default: that width).
        ``graph_switching``: Genie's ``enable-graph-switching`` — the context is created as
        Genie creates it then (a 1024 MB memory limit hint and a persistent binary), so graphs
        load on first use and evict one another under the hint; the binary and the last
        applied section are kept alive here, because a reloaded graph is rebuilt from them."""
        self.binary = binary
        configs = None
        if graph_switching:
            configs = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, memoryLimitHint=GRAPH_SWITCHING_HINT_MB),
                       QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
        self.section = None
        err, self.context = QnnContext.QnnContext_createFromBinary(backend, None, configs, binary, len(binary), None)
        if err:
            raise EngineError(f"the context binary does not load (QNN error {int(err)})")
        self.graphs = self._graphs(lora.binary_info(binary))
        token = [g for g in self.graphs if g.ar == 1]
        if not token:
            raise EngineError("the context binary has no token generator (a graph taking one input_ids position)")
        self.token_graph = token[0]
        self.prompt_graph = max(self.graphs, key=lambda g: g.ar)
        self.size = self.token_graph.past + 1
        if any(g.ar + g.past != self.size for g in self.graphs):
            raise EngineError("the graphs of the context binary do not share one context length")
        self.layers = sum(1 for n in self.token_graph.inputs if n.startswith("past_key_") and n.endswith("_in"))
        width = _shape(self.token_graph.inputs["position_ids_cos"])[-1]
        if (rope_dim or width) != width:
            raise EngineError(f"rope-dim {rope_dim} does not match position_ids_cos, which holds {width} frequencies")
        self.rope_inverse = 1.0 / rope_theta ** (np.arange(width, dtype=np.float64) / width)
        self.mask = mask
        self.alphas = {name: 1.0 for name in alpha_names}
        for name in alpha_names:
            if any(name not in g.inputs for g in self.graphs):
                raise EngineError(f"alpha tensor '{name}' is not an input of every graph")
        key, value = self.token_graph.inputs["past_key_0_in"], self.token_graph.inputs["past_value_0_in"]
        self.keys = [np.zeros(_shape(key)[:3] + (self.size,), np.float32) for _ in range(self.layers)]
        self.values = [np.zeros(_shape(value)[:2] + (self.size,) + _shape(value)[3:], np.float32)
                       for _ in range(self.layers)]
        self.filled = 0
        self.tap = None  # tap(graph, feeds): sees every call's float inputs (calibration data for quantizing)

    def _graphs(self, info) -> list[LlmGraph]:
        graphs = []
        for entry in info.contextBinaryInfoV3.graphs:
            g = entry.graphInfoV3
            err, handle = QnnGraph.QnnGraph_retrieve(self.context, g.graphName)
            if err:
                raise EngineError(f"graph '{g.graphName}' cannot be retrieved (QNN error {int(err)})")
            inputs = {t.v1.name: t for t in g.graphInputs}
            outputs = {t.v1.name: t for t in g.graphOutputs}
            missing = {"input_ids", "attention_mask", "position_ids_cos", "position_ids_sin", "past_key_0_in"} - set(inputs)
            if missing or "logits" not in outputs:
                raise EngineError(f"graph '{g.graphName}' lacks the Genie inputs {sorted(missing)} or 'logits'")
            ar, cl = _shape(inputs["input_ids"])[-1], _shape(inputs["attention_mask"])[-1]
            graphs.append(LlmGraph(g.graphName, handle, inputs, outputs, ar, cl - ar))
        return graphs

    # -- state --------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the conversation: the cache is emptied (zeroed, and masked from now on)."""
        self.filled = 0
        for cache in self.keys + self.values:
            cache.fill(0.0)

    def apply_section(self, section: bytes) -> None:
        err = QnnContext.QnnContext_applyBinarySection(self.context, None, QNN_CONTEXT_SECTION_UPDATABLE,
                                                       lora.section_buffer(section), None, None)
        if err:
            raise EngineError(f"the adapter's binary section was refused (QNN error {int(err)})")
        self.section = section  # persistent: an evicted graph re-applies it from these bytes
        for graph in self.graphs:  # an adapter may bring I/O encodings of its own
            encodings = lora.adapter_io_encodings(section, graph.name)
            lora.refresh_io_encodings(list(graph.inputs.values()) + list(graph.outputs.values()), encodings)

    def set_alpha(self, name: str, value: float) -> None:
        if name not in self.alphas:
            raise EngineError(f"'{name}' is not an alpha tensor of this model (those are {sorted(self.alphas)})")
        self.alphas[name] = float(value)

    # -- running ------------------------------------------------------------------------
    def process(self, tokens: list[int]) -> np.ndarray:
        """Feed ``tokens`` (prompt chunks through the prompt processor while they fit, the rest
        through the token generator) and return the logits after the last one."""
        if self.filled + len(tokens) > self.size:
            raise EngineError(f"{len(tokens)} tokens do not fit the context: {self.filled} of {self.size} "
                              "positions are in use")
        logits, rest = None, list(tokens)
        while rest:
            prompt = self.prompt_graph
            graph = prompt if len(rest) > 1 and prompt.ar > 1 and self.filled <= prompt.past else self.token_graph
            take = rest[:graph.ar]
            logits = self._step(graph, take)
            rest = rest[len(take):]
        return logits

    def _step(self, graph: LlmGraph, tokens: list[int]) -> np.ndarray:
        n, ar, past, start = len(tokens), graph.ar, graph.past, self.filled
        ids = np.zeros((1, ar), np.int32)
        ids[0, :n] = tokens
        mask = np.full((1, ar, past + ar), self.mask, np.float32)
        for row in range(ar):
            if row < n:  # the filled cache, then the new tokens up to this one
                mask[0, row, :start] = 0.0
                mask[0, row, past:past + row + 1] = 0.0
            else:  # padding of a partial chunk: itself only, its outputs are dropped
                mask[0, row, past + row] = 0.0
        angles = np.outer(start + np.arange(ar), self.rope_inverse)
        feeds = {"input_ids": ids, "attention_mask": mask,
                 "position_ids_cos": np.cos(angles).astype(np.float32), "position_ids_sin": np.sin(angles).astype(np.float32)}
        for i in range(self.layers):
            feeds[f"past_key_{i}_in"] = self.keys[i][..., :past]
            feeds[f"past_value_{i}_in"] = self.values[i][:, :, :past]
        for name, value in self.alphas.items():
            feeds[name] = np.full(_shape(graph.inputs[name]), value, np.float32)
        if self.tap is not None:
            self.tap(graph, feeds)
        ins = [_feed(graph.inputs[name], feeds[name]) for name in graph.inputs]
        outs = [io_tensor(t, np.zeros(_shape(t), dtypes.storage(t.v1.dataType))) for t in graph.outputs.values()]
        err = QnnGraph.QnnGraph_execute(graph.handle, ins, len(ins), outs, len(outs), None, None)
        if err:
            raise EngineError(f"graph '{graph.name}' failed to execute (QNN error {int(err)})")
        result = {t.v1.name: _read(t, t.v1.clientBuf.data) for t in outs}
        for i in range(self.layers):
            self.keys[i][..., start:start + n] = result[f"past_key_{i}_out"][..., :n]
            self.values[i][:, :, start:start + n] = result[f"past_value_{i}_out"][:, :, :n]
        self.filled += n
        return result["logits"][0, n - 1]
