"""Execute and load speed of the emulated HTP, as ratios measured in one run.

1. A transformer block (hidden 512, seq 128, batch 1, float32) through qnnpy vs onnxruntime
   on the same ONNX model, onnxruntime pinned to one thread. Target: <= 1.5x.
2. QnnContext_createFromBinary of a small context vs one with 64x the weight bytes (same
   graph, hidden 64 vs 512). Target: <= 2x, i.e. loading does not scale with weight bytes.
   Measured for an immutable buffer (zero copy) and a bytearray (one private copy).

Run: python benchmarks/execute.py
"""

import numpy as np
import onnxruntime as ort

from timing import best_of

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
    qnn = best_of(lambda: QnnGraph.QnnGraph_execute(graph, ins, 1, outs, 1, None, None))
    peer = best_of(lambda: session.run(None, {"x": data}))
    assert np.allclose(out, session.run(None, {"x": data})[0], rtol=1e-4, atol=1e-4)
    return qnn, peer


def load_time(backend, hidden, immutable):
    ctx, *_ = block_context(backend, hidden, 16, 4)
    _, size = QnnContext.QnnContext_getBinarySize(ctx)
    buf = bytearray(size)
    QnnContext.QnnContext_getBinary(ctx, buf, size)
    blob = bytes(buf) if immutable else buf

    def load():
        err, loaded = QnnContext.QnnContext_createFromBinary(backend, None, None, blob, size, None)
        assert err == 0
        QnnContext.QnnContext_free(loaded, None)

    return best_of(load), size


def main():
    _, backend = QnnBackend.QnnBackend_create(None, None)
    qnn, peer = execute_ratio(backend)
    print("| measurement | qnnpy | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| execute, transformer block 512x128 fp32 vs onnxruntime (1 thread) | {qnn * 1e3:.2f} ms "
          f"| {peer * 1e3:.2f} ms | {qnn / peer:.2f}x | <= 1.5x |")
    for immutable, how in ((True, "bytes, zero copy"), (False, "bytearray, one copy")):
        small, small_size = load_time(backend, 64, immutable)
        large, large_size = load_time(backend, 512, immutable)
        print(f"| createFromBinary {large_size / small_size:.0f}x larger context ({how}) | {large * 1e3:.2f} ms "
              f"| {small * 1e3:.2f} ms | {large / small:.2f}x | <= 2x |")


if __name__ == "__main__":
    main()
