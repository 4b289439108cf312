"""Part 2 of ``qnnpy demo``: the LoRA v2 run-time flow on the built-in LoRA MLP."""
import mmap
import os
import time

import numpy as np
from qnnpy import QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.examples import lora_mlp
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, QNN_CONTEXT_SECTION_UPDATABLE, QnnContext_Config_t

SEQ = 32


def _write(folder, name, data) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _map(path):
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _offline(backend, folder, dims, max_rank, adapters):
    """Base binary and one section per adapter, the way the context binary generator makes them."""
    _, ctx = QnnContext.QnnContext_create(backend, None, None)
    _, graph = QnnGraph.QnnGraph_create(ctx, "lora_mlp", None)
    base = lora_mlp.make_base(dims)
    weights = lora_mlp.register_weights(graph, base, max_rank, context=False)
    io = lora_mlp.build_qnn(graph, weights, SEQ)
    QnnGraph.QnnGraph_finalize(graph, None, None)
    _, size = QnnContext.QnnContext_getBinarySize(ctx)
    blob = bytearray(size)
    QnnContext.QnnContext_getBinary(ctx, blob, size)
    paths = {"base": _write(folder, "lora_mlp.bin", blob)}
    for name, adapter in adapters.items():
        section = lora.make_section(ctx, graph, lora.update_structs(weights, adapter))
        paths[name] = _write(folder, f"lora_mlp_{name}.bin", section)
    QnnContext.QnnContext_free(ctx, None)
    return base, io, paths


def _sqnr(ref, got) -> float:
    noise = float(np.sum((ref - got) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref ** 2)) / noise)


def run(backend, folder, args, report) -> None:
    width, max_rank = args.lora_width, args.max_rank
    dims = [width] * 3
    adapters = {"adapter_A": lora_mlp.make_adapter(dims, max_rank, max_rank, 1),
                "adapter_B": lora_mlp.make_adapter(dims, max(1, max_rank // 2), max_rank, 2),
                "default_adapter": lora_mlp.zero_adapter(dims, max_rank)}
    print(f"qnnpy demo, part 2: LoRA v2 on an MLP {dims}, max rank {max_rank}; ranks A={max_rank}, "
          f"B={max(1, max_rank // 2)} (zero-padded)")
    base, io, paths = _offline(backend, folder, dims, max_rank, adapters)
    report.row("base binary + 3 sections", True, ", ".join(
        f"{os.path.basename(p)} {os.path.getsize(p)} B" for p in paths.values()))
    base_map = _map(paths["base"])
    persistent = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
    err, ctx = QnnContext.QnnContext_createFromBinary(backend, None, persistent, base_map, len(base_map), None)
    _, graph = QnnGraph.QnnGraph_retrieve(ctx, "lora_mlp")
    report.row("load base (mmap, persistent)", err == 0, "createFromBinary + retrieve")
    sections = {name: _map(path) for name, path in paths.items() if name != "base"}
    x = np.random.default_rng(3).standard_normal((SEQ, width)).astype(np.float32)
    out = np.zeros((SEQ, width), np.float32)
    first_a = None
    print(f"  {'step (vs merged-weight reference)':<34} {'':<5} {'apply':>9} {'max |err|':>10} {'SQNR':>8}")
    for step, name, alpha in (("apply A, alpha 1", "adapter_A", 1.0), ("switch to B, alpha 1", "adapter_B", 1.0),
                              ("B with alpha 0 (= base)", None, 0.0), ("default adapter (= base)", "default_adapter", 1.0),
                              ("back to A (bit-identical)", "adapter_A", 1.0)):
        apply_ms = 0.0
        if name is not None:
            start = time.perf_counter()
            err = QnnContext.QnnContext_applyBinarySection(ctx, graph, QNN_CONTEXT_SECTION_UPDATABLE,
                                                           lora.section_buffer(sections[name]), None, None)
            apply_ms = (time.perf_counter() - start) * 1e3
            current = adapters[name]
        feeds = [io_tensor(io["x"], x), io_tensor(io["alpha"], np.array([alpha], np.float32))]
        err = err or QnnGraph.QnnGraph_execute(graph, feeds, 2, [io_tensor(io["y"], out)], 1, None, None)
        ref = lora_mlp.reference(x, alpha, base, current)  # merged weights, float64: independent
        max_err, sqnr = float(np.abs(out - ref).max()), _sqnr(ref, out)
        ok = err == 0 and max_err <= 1e-4 * max(1.0, float(np.abs(ref).max()))
        if step.startswith("back to A"):
            ok = ok and np.array_equal(out, first_a)
        if name == "adapter_A" and first_a is None:
            first_a = out.copy()
        report.row(step, ok, f"{apply_ms:7.2f} ms {max_err:10.2e} {sqnr:6.1f} dB")
    QnnContext.QnnContext_free(ctx, None)
    for m in list(sections.values()) + [base_map]:
        m.close()
