"""Execute and load speed of the emulated HTP, as ratios measured in one run.

1. A transformer block (hidden 512, seq 128, batch 1, float32) through qnnpy vs onnxruntime
   on the same ONNX model, both pinned to one thread. Target: <= 1.0x (issue 18).
2. QnnContext_createFromBinary of a small context vs one with 64x the weight bytes (same
   graph, hidden 64 vs 512). Target: <= 1.2x from an immutable buffer, i.e. loading does not
   scale with weight bytes (issue 18).
   Measured for an immutable buffer (zero copy) and a bytearray (one private copy).

Run: python benchmarks/execute.py
"""
import threads  # first: one BLAS thread before numpy loads

import numpy as np
import onnxruntime as ort

from timing import best_of_interleaved

from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.builder import io_tensor
from qnnpy.examples import transformer_block as tb


def block_context(backend, hidden, seq, heads):
    _, ctx = QnnContext.QnnContext_create(backend, None, None)
    _, graph = QnnGraph.QnnGraph_create(ctx, "block", None)
    weights = tb.make_weights(hidden)
    x, y = tb.build_qnn(graph, weights, seq, hidden, heads)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return ctx, graph, x, y, weights


def execute_ratio(backend):
    hidden, seq, heads = 512, 128, 8
    _, graph, x, y, weights = block_context(backend, hidden, seq, heads)
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(tb.onnx_model(weights, seq, hidden, heads).SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    data = np.random.default_rng(0).standard_normal((1, seq, hidden)).astype(np.float32)
    out = np.zeros_like(data)
    ins, outs = [io_tensor(x, data)], [io_tensor(y, out)]
    qnn, peer = best_of_interleaved(lambda: QnnGraph.QnnGraph_execute(graph, ins, 1, outs, 1, None, None),
                                    lambda: session.run(None, {"x": data}), repeat=30)
    assert np.allclose(out, session.run(None, {"x": data})[0], rtol=1e-4, atol=1e-4)
    return qnn, peer


def loader(backend, hidden, immutable):
    """A createFromBinary + free of the block at this size, and the binary's size."""
    ctx, *_ = block_context(backend, hidden, 16, 4)
    _, size = QnnContext.QnnContext_getBinarySize(ctx)
    buf = bytearray(size)
    QnnContext.QnnContext_getBinary(ctx, buf, size)
    blob = bytes(buf) if immutable else buf

    def load():
        err, loaded = QnnContext.QnnContext_createFromBinary(backend, None, None, blob, size, None)
        assert err == 0
        QnnContext.QnnContext_free(loaded, None)

    return load, size


def main():
    _, backend = QnnBackend.QnnBackend_create(None, None)
    qnn, peer = execute_ratio(backend)
    print(threads.line())
    print("| measurement | qnnpy | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| execute, transformer block 512x128 fp32 vs onnxruntime (1 thread) | {qnn * 1e3:.2f} ms "
          f"| {peer * 1e3:.2f} ms | {qnn / peer:.2f}x | <= 1.0x |")
    for immutable, how, target in ((True, "bytes, zero copy", "<= 1.2x"), (False, "bytearray, one copy", "report")):
        load_small, small_size = loader(backend, 64, immutable)
        load_large, large_size = loader(backend, 512, immutable)
        large, small = best_of_interleaved(load_large, load_small, repeat=30)
        print(f"| createFromBinary {large_size / small_size:.0f}x larger context ({how}) | {large * 1e3:.2f} ms "
              f"| {small * 1e3:.2f} ms | {large / small:.2f}x | {target} |")


if __name__ == "__main__":
    main()
