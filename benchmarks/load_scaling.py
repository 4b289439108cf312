"""createFromBinary time against the number of nodes and against the binary's size, as
ratios: loading must stay linear (it was quadratic in the node count: 32k nodes took 35 s).

    python benchmarks/load_scaling.py
"""
import threads  # first: one BLAS thread before numpy loads

import numpy as np

from timing import best_of_interleaved
from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.builder import GraphBuilder
from qnnpy.QnnTypes import QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE, \
    QNN_TENSOR_TYPE_NATIVE


def chain_binary(nodes: int, width: int = 8) -> bytes:
    """A context binary of one graph: a chain of ``nodes`` ElementWiseAdd ops."""
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, context = QnnContext.QnnContext_create(backend, None, None)
    _, graph = QnnGraph.QnnGraph_create(context, "chain", None)
    b = GraphBuilder(graph)
    one = b.static("one", np.ones((1, width), np.float32))
    cur = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (1, width))
    for k in range(nodes):
        kind = QNN_TENSOR_TYPE_APP_READ if k == nodes - 1 else QNN_TENSOR_TYPE_NATIVE
        nxt = b.tensor(f"t{k}", kind, QNN_DATATYPE_FLOAT_32, (1, width))
        b.node("ElementWiseAdd", [cur, one], [nxt], name=f"add{k}")
        cur = nxt
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    _, size = QnnContext.QnnContext_getBinarySize(context)
    blob = bytearray(size)
    QnnContext.QnnContext_getBinary(context, blob, size)
    QnnBackend.QnnBackend_free(backend)
    return bytes(blob)


def load_time(binary: bytes):
    def load():
        _, backend = QnnBackend.QnnBackend_create(None, None)
        err, context = QnnContext.QnnContext_createFromBinary(backend, None, None, binary, len(binary), None)
        assert err == 0, err
        _, graph = QnnGraph.QnnGraph_retrieve(context, "chain")
        QnnBackend.QnnBackend_free(backend)
    return load


def main():
    small, large = chain_binary(8192), chain_binary(32768)
    t_small, t_large = best_of_interleaved(load_time(small), load_time(large), repeat=3)
    print(threads.line())
    print("| benchmark | measured | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    print(f"| createFromBinary + retrieve, 32k nodes vs 8k nodes (4x) | {t_large * 1e3:.0f} ms | "
          f"{t_small * 1e3:.0f} ms | {t_large / t_small:.2f}x | <= 4x |")
    wide_small, wide_large = chain_binary(256, width=1024), chain_binary(256, width=16384)
    t_ws, t_wl = best_of_interleaved(load_time(wide_small), load_time(wide_large), repeat=5)
    print(f"| createFromBinary + retrieve, {len(wide_large) / len(wide_small):.0f}x larger binary, same nodes | "
          f"{t_wl * 1e3:.1f} ms | {t_ws * 1e3:.1f} ms | {t_wl / t_ws:.2f}x | report |")


if __name__ == "__main__":
    main()
