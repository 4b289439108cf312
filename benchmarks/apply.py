"""Cost of applying a LoRA adapter, as ratios measured in one run.

1. QnnContext_applyBinarySection of an S-byte adapter vs a numpy copy of S bytes into warm
   memory, timed in turns (benchmarks/timing.py). Target: <= 1.2x (issue 18). Measured for an immutable buffer (views, no copy) and for a
   bytearray (each tensor's bytes are copied into memory it owns), at 1 MiB (fits in cache,
   where a copy outruns the XXH3 check) and 8 MiB (a typical LLM adapter).
2. The same adapter applied to an 8x larger base (more layers without LoRA). Target: <= 1.1x.
3. Switching adapter + first execute vs onnxruntime's multi-LoRA (adapter files loaded
   with LoraAdapter, activated per run with RunOptions.add_active_adapter), same model.
   Target: <= 1.0x.

numpy's BLAS is pinned to one thread, as onnxruntime's session is.

Run: python benchmarks/apply.py
"""
import threads  # noqa: F401  (first: one BLAS thread before numpy loads)

import os
import tempfile

import numpy as np
import onnxruntime as ort

from timing import best_of, best_of_interleaved

from qnnpy import QnnBackend, QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.examples import lora_mlp
from qnnpy.QnnContext import QNN_CONTEXT_SECTION_UPDATABLE

SEQ, LORA_LAYERS = 16, (0, 1)
SIZES = ((1024, 64), (2048, 256))  # (width, max rank): 1 MiB and 8 MiB adapters


class Model:
    """A LoRA MLP of ``layers`` layers (LoRA on the first two), loaded from its binary, and
    sections for the given adapters, made offline through the public API."""

    def __init__(self, backend, layers, adapters, width, max_rank):
        self.dims = [width] * (layers + 1)
        self.base = lora_mlp.make_base(self.dims)
        _, ctx = QnnContext.QnnContext_create(backend, None, None)
        _, graph = QnnGraph.QnnGraph_create(ctx, "mlp", None)
        weights = lora_mlp.register_weights(graph, self.base, max_rank, False, lora_layers=LORA_LAYERS)
        self.io = lora_mlp.build_qnn(graph, weights, SEQ)
        QnnGraph.QnnGraph_finalize(graph, None, None)
        _, size = QnnContext.QnnContext_getBinarySize(ctx)
        blob = bytearray(size)
        QnnContext.QnnContext_getBinary(ctx, blob, size)
        self.base_bytes = size
        self.sections = [lora.make_section(ctx, graph, lora.update_structs(weights, a)) for a in adapters]
        QnnContext.QnnContext_free(ctx, None)
        _, self.ctx = QnnContext.QnnContext_createFromBinary(backend, None, None, bytes(blob), size, None)
        _, self.graph = QnnGraph.QnnGraph_retrieve(self.ctx, "mlp")

    def apply(self, section):
        assert QnnContext.QnnContext_applyBinarySection(self.ctx, self.graph, QNN_CONTEXT_SECTION_UPDATABLE,
                                                        lora.section_buffer(section), None, None) == 0


def adapters_for(width, max_rank):
    return [lora_mlp.make_adapter([width] * 3, max_rank, max_rank, seed, LORA_LAYERS) for seed in (1, 2)]


def apply_rows(backend, width, max_rank):
    model = Model(backend, 2, adapters_for(width, max_rank), width, max_rank)
    size = len(model.sections[0])
    src, dst = np.frombuffer(model.sections[0], np.uint8), np.empty(size, np.uint8)
    immutable, copy = best_of_interleaved(lambda: model.apply(model.sections[0]), lambda: np.copyto(dst, src))
    mutable = bytearray(model.sections[0])
    copied, copy2 = best_of_interleaved(lambda: model.apply(mutable), lambda: np.copyto(dst, src))
    mib = size / 2**20
    return model, immutable, [
        (f"applyBinarySection, {mib:.1f} MiB adapter (bytes: zero copy) vs numpy copy of S bytes", immutable, copy, "<= 1.2x"),
        (f"applyBinarySection, {mib:.1f} MiB adapter (bytearray: one copy) vs numpy copy of S bytes", copied, copy2,
         "<= 1.2x"),
    ]


def main():
    _, backend = QnnBackend.QnnBackend_create(None, None)
    rows = []
    small, _, new_rows = apply_rows(backend, *SIZES[0])
    rows += new_rows
    rows += apply_rows(backend, *SIZES[1])[2]
    width, max_rank = SIZES[0]
    adapters = adapters_for(width, max_rank)
    large = Model(backend, 16, adapters, width, max_rank)
    on_large, on_small = best_of_interleaved(lambda: large.apply(large.sections[0]),
                                             lambda: small.apply(small.sections[0]))
    rows.append((f"applyBinarySection on a {large.base_bytes / small.base_bytes:.1f}x larger base vs the small base "
                 "(same 1 MiB adapter, zero copy, timed in turns)", on_large, on_small, "<= 1.1x"))

    # Switching adapter + first execute, against onnxruntime's multi-LoRA on the same model.
    x = np.random.default_rng(0).standard_normal((SEQ, width)).astype(np.float32)
    alpha = np.ones(1, np.float32)
    out = np.zeros((SEQ, width), np.float32)
    ins = [io_tensor(small.io["x"], x), io_tensor(small.io["alpha"], alpha)]
    outs = [io_tensor(small.io["y"], out)]
    turn = [0]

    def qnn_switch():
        turn[0] ^= 1
        small.apply(small.sections[turn[0]])
        QnnGraph.QnnGraph_execute(small.graph, ins, 2, outs, 1, None, None)

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 3  # its warning about overridable initializers is the point here
    session = ort.InferenceSession(lora_mlp.onnx_model(small.base, max_rank, SEQ, LORA_LAYERS).SerializeToString(),
                                   options, providers=["CPUExecutionProvider"])
    folder = tempfile.mkdtemp(prefix="qnnpy-bench-")
    run_options, keep_alive = [], []  # RunOptions does not own the adapters it activates
    for k, adapter in enumerate(adapters):
        fmt = ort.AdapterFormat()
        fmt.set_adapter_version(1)
        fmt.set_model_version(1)
        fmt.set_parameters({name: ort.OrtValue.ortvalue_from_numpy(v) for name, v in adapter.items()})
        path = os.path.join(folder, f"adapter{k}.onnx_adapter")
        fmt.export_adapter(path)
        loaded = ort.LoraAdapter()
        loaded.Load(path)
        keep_alive.append(loaded)
        ro = ort.RunOptions()
        ro.add_active_adapter(loaded)
        run_options.append(ro)

    def ort_switch():
        turn[0] ^= 1
        session.run(None, {"x": x, "alpha": alpha}, run_options[turn[0]])

    # Both peers compute the same thing (checked once, so the timing compares like with like).
    small.apply(small.sections[0])
    QnnGraph.QnnGraph_execute(small.graph, ins, 2, outs, 1, None, None)
    peer = session.run(None, {"x": x, "alpha": alpha}, run_options[0])[0]
    assert np.allclose(out, peer, rtol=1e-3, atol=1e-3)
    rows.append(("switch adapter + first execute vs onnxruntime multi-LoRA (1 thread)",
                 best_of(qnn_switch), best_of(ort_switch), "<= 1.0x"))

    print(threads.line())
    print("| measurement | qnnpy | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for name, ours, base, target in rows:
        print(f"| {name} | {ours * 1e6:.0f} us | {base * 1e6:.0f} us | {ours / base:.2f}x | {target} |")


if __name__ == "__main__":
    main()
