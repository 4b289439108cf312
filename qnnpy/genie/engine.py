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
import re
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


_CACHE_IN = re.compile(r"past_(key|value)_(\d+)_in$")
_CACHE_OUT = re.compile(r"past_(key|value)_(\d+)_out$")


class EngineError(Exception):
    """What a dialog reports as a failed query or apply, with the line that says why."""


@dataclass
class LlmGraph:
    """One graph of the model: its handle, its I/O structs by name, and its AR and past length.
    ``io``: the client tensors execute takes, each on a buffer of its own that every call
    rewrites (built on first use, dropped when an adapter changes the I/O encodings)."""
    name: str
    handle: object
    inputs: dict
    outputs: dict
    ar: int
    past: int
    io: tuple | None = None

    def client_tensors(self) -> tuple[list, list]:
        if self.io is None:
            self.io = tuple([io_tensor(t, np.zeros(_shape(t), dtypes.storage(t.v1.dataType))) for t in tensors.values()]
                            for tensors in (self.inputs, self.outputs))
        return self.io


def _shape(tensor) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor.v1.dimensions[:tensor.v1.rank])


def _feed(tensor, client, values: np.ndarray) -> None:
    """``values`` into the client tensor's buffer in the tensor's own type (quantized when
    fixed point)."""
    dtype, buffer = tensor.v1.dataType, client.v2.clientBuf.data
    if dtypes.is_fixed(dtype):
        values = lora.quantize(values, tensor, dtypes.storage(dtype))
    np.copyto(buffer, np.reshape(values, buffer.shape), casting="unsafe")


def _read(tensor, codes: np.ndarray) -> np.ndarray:
    return lora.dequantize(codes, tensor) if dtypes.is_fixed(tensor.v1.dataType) else codes.astype(np.float32)


class LlmPart:
    """One ctx-bin: its context and its graphs, one per AR."""

    def __init__(self, backend, binary, configs, index: int):
        self.binary, self.index, self.section = binary, index, None
        err, self.context = QnnContext.QnnContext_createFromBinary(backend, None, configs, binary, len(binary), None)
        if err:
            raise EngineError(f"context binary {index + 1} does not load (QNN error {int(err)})")
        self.graphs = {}
        for entry in lora.binary_info(binary).contextBinaryInfoV3.graphs:
            g = entry.graphInfoV3
            err, handle = QnnGraph.QnnGraph_retrieve(self.context, g.graphName)
            if err:
                raise EngineError(f"graph '{g.graphName}' cannot be retrieved (QNN error {int(err)})")
            inputs = {t.v1.name: t for t in g.graphInputs}
            outputs = {t.v1.name: t for t in g.graphOutputs}
            missing = {"attention_mask", "position_ids_cos", "position_ids_sin"} - set(inputs)
            if missing or not any(_CACHE_IN.match(name) for name in inputs):
                raise EngineError(f"graph '{g.graphName}' lacks the Genie inputs {sorted(missing) or ['past_key_{i}_in']}")
            mask = _shape(inputs["attention_mask"])
            ar, cl = mask[-2], mask[-1]
            if ar in self.graphs:
                raise EngineError(f"graphs '{self.graphs[ar].name}' and '{g.graphName}' both take {ar} tokens")
            self.graphs[ar] = LlmGraph(g.graphName, handle, inputs, outputs, ar, cl - ar)
        self.layers = sorted({int(m.group(2)) for g in self.graphs.values() for m in map(_CACHE_IN.match, g.inputs) if m})


class LlmEngine:
    """The prompt and token graphs of an LLM's context binaries (several when it is split into
    ctx-bins by layer ranges: each call runs them in order, a part's outputs feeding the next
    part's inputs of the same name), their KV cache, and their adapters."""

    def __init__(self, backend, binaries, rope_theta: float = 10000.0, mask: float = MASK,
                 alpha_names: tuple[str, ...] = (), rope_dim: int | None = None, graph_switching: bool = False,
                 pad: int = 0):
        """``binaries``: the ctx-bins' bytes in order (or one binary's).
        ``rope_dim``: Genie's ``rope-dim``, the number of rotary frequencies — the width of
        position_ids_cos, half the rotated head dimensions (default: that width).
        ``graph_switching``: Genie's ``enable-graph-switching`` — each context is created as
        Genie creates it then (a 1024 MB memory limit hint and a persistent binary), so graphs
        load on first use and evict one another under the hint; the binaries and the last
        applied sections are kept alive here, because a reloaded graph is rebuilt from them.
        ``pad``: the token filling the unused rows of a partial prompt chunk (Genie's
        ``pad-token``, by default its first ``eos-token``; the rows are masked either way)."""
        self.pad = pad
        if isinstance(binaries, (bytes, bytearray, memoryview)):
            binaries = [binaries]
        configs = None
        if graph_switching:
            configs = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, memoryLimitHint=GRAPH_SWITCHING_HINT_MB),
                       QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
        self.parts: list[LlmPart] = []
        for index, binary in enumerate(binaries):
            self.parts.append(LlmPart(backend, binary, configs, index))
        self._check_parts(alpha_names)
        first = self.parts[0]
        self.context = first.context
        self.graphs = [g for part in self.parts for g in part.graphs.values()]
        self.token_graph, self.prompt_graph = first.graphs[1], first.graphs[max(first.graphs)]
        self.size = self.token_graph.past + 1
        self.layers = sum(len(part.layers) for part in self.parts)
        width = _shape(self.token_graph.inputs["position_ids_cos"])[-1]
        if (rope_dim or width) != width:
            raise EngineError(f"rope-dim {rope_dim} does not match position_ids_cos, which holds {width} frequencies")
        self.rope_inverse = 1.0 / rope_theta ** (np.arange(width, dtype=np.float64) / width)
        self.mask = mask
        self.alphas = {name: 1.0 for name in alpha_names}
        for name in alpha_names:
            if not any(name in g.inputs for g in self.graphs):
                raise EngineError(f"alpha tensor '{name}' is not an input of any graph")
        self._check_shared_encodings()
        self.keys, self.values = [], []
        for part in self.parts:
            for i in part.layers:
                key, value = part.graphs[1].inputs[f"past_key_{i}_in"], part.graphs[1].inputs[f"past_value_{i}_in"]
                self.keys.append(np.zeros(_shape(key)[:3] + (self.size,), np.float32))
                self.values.append(np.zeros(_shape(value)[:2] + (self.size,) + _shape(value)[3:], np.float32))
        self.filled = 0
        self.tap = None  # tap(graph, feeds): sees every call's float inputs (calibration data for quantizing)

    def _check_parts(self, alpha_names) -> None:
        """The ctx-bins fit together: the same ARs and context, layers 0..L-1 once each in
        order, input_ids first, logits last, every other input made by an earlier part."""
        ars = sorted(self.parts[0].graphs)
        if 1 not in ars:
            raise EngineError("the context binary has no token generator (a graph taking one input_ids position)")
        layers = [i for part in self.parts for i in part.layers]
        if layers != list(range(len(layers))):
            raise EngineError(f"the ctx-bins hold the layers {layers} in that order, not 0..{len(layers) - 1}")
        size = self.parts[0].graphs[1].past + 1
        made = {"input_ids", "attention_mask", "position_ids_cos", "position_ids_sin", *alpha_names}
        for part in self.parts:
            if sorted(part.graphs) != ars:
                raise EngineError(f"ctx-bin {part.index + 1} has graphs for {sorted(part.graphs)} tokens, "
                                  f"ctx-bin 1 for {ars}")
            for graph in part.graphs.values():
                if graph.ar + graph.past != size:
                    raise EngineError("the graphs of the context binaries do not share one context length")
                if part.index == 0 and "input_ids" not in graph.inputs:
                    raise EngineError(f"graph '{graph.name}' of the first ctx-bin does not take input_ids")
                unfed = sorted(n for n in graph.inputs if n not in made and not _CACHE_IN.match(n))
                if unfed:
                    raise EngineError(f"graph '{graph.name}' takes {unfed}, which no earlier ctx-bin gives and the "
                                      "engine does not feed")
            made |= {n for g in part.graphs.values() for n in g.outputs}
        if "logits" not in self.parts[-1].graphs[1].outputs:
            raise EngineError("the last ctx-bin's graphs do not give 'logits'")

    # -- state --------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the conversation: the cache is emptied (zeroed, and masked from now on)."""
        self.filled = 0
        for cache in self.keys + self.values:
            cache.fill(0.0)

    def cache_state(self) -> list[np.ndarray]:
        """The filled part of every layer's key and value cache, for a saved dialog."""
        return ([k[..., :self.filled].copy() for k in self.keys]
                + [v[:, :, :self.filled].copy() for v in self.values])

    def load_cache_state(self, arrays: list[np.ndarray]) -> None:
        """Take back what cache_state gave (checked whole before anything changes)."""
        caches = self.keys + self.values
        if len(arrays) != len(caches):
            raise EngineError(f"the state holds {len(arrays)} caches, this model {len(caches)}")
        filled = arrays[0].shape[-1] if self.keys else 0
        for i, (array, cache) in enumerate(zip(arrays, caches)):
            want = cache[..., :filled].shape if i < len(self.keys) else cache[:, :, :filled].shape
            if array.dtype != np.float32 or array.shape != want or filled > self.size:
                raise EngineError(f"cache {i} of the state is {array.dtype} {list(array.shape)}; this model "
                                  f"takes float32 {list(want)} (at most {self.size} positions)")
        self.reset()
        for i, array in enumerate(arrays):
            if i < len(self.keys):
                self.keys[i][..., :filled] = array
            else:
                self.values[i - len(self.keys)][:, :, :filled] = array
        self.filled = filled

    def _io_encodings(self, changes: dict | None = None) -> dict:
        """{(graph, tensor, is input): (dtype, scale, offset)} of every fixed-point graph I/O
        tensor, with ``changes`` ({graph name: {tensor: quantizeParams}}) taken where given."""
        found = {}
        for graph in self.graphs:
            new = (changes or {}).get(graph.name, {})
            for is_input, tensors in ((True, graph.inputs), (False, graph.outputs)):
                for t in tensors.values():
                    if dtypes.is_fixed(t.v1.dataType):
                        enc = (new.get(t.v1.name) or t.v1.quantizeParams).scaleOffsetEncoding
                        found[graph.name, t.v1.name, is_input] = (int(t.v1.dataType), float(enc.scale), int(enc.offset))
        return found

    def _check_shared_encodings(self, changes: dict | None = None) -> None:
        """Genie fills one buffer per input name for whichever graph runs, copies a layer's new
        cache codes from past_*_out into past_*_in as they are, and hands a split's crossing
        tensor from one part to the next: each input name needs one encoding in every graph,
        shared by the outputs that feed it. The real libGenie.so checks inputs at creation; an
        adapter that breaks this would run on the device with the values misread."""
        by_name: dict[str, dict] = {}
        for (graph, name, is_input), enc in self._io_encodings(changes).items():
            key = name[:-4] + "_in" if _CACHE_OUT.match(name) else name
            by_name.setdefault(key, {})[f"{graph}:{name}", is_input] = enc
        for name, encodings in by_name.items():
            if not any(is_input for _, is_input in encodings) or len(set(encodings.values())) < 2:
                continue
            shown = ", ".join(f"{where} scale {e[1]:.6g} offset {e[2]}" for (where, _), e in sorted(encodings.items()))
            raise EngineError(f"'{name}' is quantized differently where Genie shares its buffer ({shown}); the "
                              "device would misread its values — give these tensors one encoding (a "
                              "--quantization_overrides entry, which adapters keep)")

    def apply_section(self, section: bytes, part: int = 0) -> None:
        """Apply an adapter's binary section to ctx-bin ``part``."""
        self.apply_sections([(part, section)])

    def section_encodings(self, sections: list[tuple[int, bytes]]) -> dict:
        """{graph name: {tensor name: encoding}}: the I/O encodings an adapter's sections,
        (ctx-bin index, bytes) each, bring to the graphs of their parts. Reading them describes
        each section, which costs more than applying it: a caller switching between adapters it
        keeps in memory keeps these with them."""
        changes: dict = {}
        for part, section in sections:
            try:
                covered = lora.section_io_encodings(section)
            except ValueError:
                continue  # not a readable section: applyBinarySection says precisely why
            changes.update({g.name: covered[g.name] for g in self.parts[part].graphs.values() if g.name in covered})
        return changes

    def apply_sections(self, sections: list[tuple[int, bytes]], changes: dict | None = None) -> None:
        """Apply an adapter's sections, (ctx-bin index, bytes) each, after checking that the
        encodings they bring together (``changes``: section_encodings of them, read here if not
        given) keep shared tensors quantized alike: when that check fails nothing is applied."""
        if changes is None:
            changes = self.section_encodings(sections)
        self._check_shared_encodings(changes)
        for part, section in sections:
            target = self.parts[part]
            err = QnnContext.QnnContext_applyBinarySection(target.context, None, QNN_CONTEXT_SECTION_UPDATABLE,
                                                           lora.section_buffer(section), None, None)
            if err:
                raise EngineError(f"the adapter's binary section for ctx-bin {part + 1} was refused "
                                  f"(QNN error {int(err)})")
            target.section = section  # persistent: an evicted graph re-applies it from these bytes
            for graph in target.graphs.values():  # an adapter may bring I/O encodings of its own
                lora.refresh_io_encodings(list(graph.inputs.values()) + list(graph.outputs.values()),
                                          changes.get(graph.name) or lora.adapter_io_encodings(section, graph.name))
                graph.io = None  # the client tensors carry the encodings: made again on next use

    def rewind(self, filled: int) -> None:
        """Keep the first ``filled`` cache positions (the rest are masked, then overwritten)."""
        if not 0 <= filled <= self.filled:
            raise EngineError(f"cannot rewind to {filled} of {self.filled} filled positions")
        self.filled = filled

    def release_sections(self) -> None:
        """Drop the applied sections' bytes (a graph that must re-apply one still holds it)."""
        for part in self.parts:
            part.section = None

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
            logits = self._step(graph.ar, take)
            rest = rest[len(take):]
        return logits

    def _step(self, ar: int, tokens: list[int]) -> np.ndarray:
        """One call of the AR-token graph of every ctx-bin, in order, for ``tokens`` (at most AR)."""
        graph = self.parts[0].graphs[ar]
        n, past, start = len(tokens), graph.past, self.filled
        ids = np.full((1, ar), self.pad, np.int32)
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
        for part in self.parts:
            graph = part.graphs[ar]
            for name, value in self.alphas.items():
                if name in graph.inputs:
                    feeds[name] = np.full(_shape(graph.inputs[name]), value, np.float32)
            if self.tap is not None:
                self.tap(graph, feeds)
            ins, outs = graph.client_tensors()
            for (name, tensor), client in zip(graph.inputs.items(), ins):
                _feed(tensor, client, feeds[name])
            err = QnnGraph.QnnGraph_execute(graph.handle, ins, len(ins), outs, len(outs), None, None)
            if err:
                raise EngineError(f"graph '{graph.name}' failed to execute (QNN error {int(err)})")
            feeds.update((name, _read(tensor, client.v2.clientBuf.data))
                         for (name, tensor), client in zip(graph.outputs.items(), outs))
        for i in range(self.layers):
            self.keys[i][..., start:start + n] = feeds[f"past_key_{i}_out"][..., :n]
            self.values[i][:, :, start:start + n] = feeds[f"past_value_{i}_out"][:, :, :n]
        self.filled += n
        return feeds["logits"][0, n - 1]
