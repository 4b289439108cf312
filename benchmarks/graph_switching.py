"""Graph switching under QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, measured in one run.

Four graphs of the LoRA example MLP (16 MiB of weights each, distinct) in one context binary,
loaded from a read-only mmap with PERSISTENT_BINARY, executed round-robin. Each configuration
runs in a fresh child process, so its peak RSS (real process memory, VmHWM) is its own.

- Peak RSS with a hint that holds one graph vs the target: hint + 10% + the interpreter
  baseline (RSS after imports, before loading).
- Execute throughput with a hint that holds every graph vs no hint. Target: >= 0.8x.
- The switching cost when the working set does not fit (hint holds one graph), vs no hint.

Run: python benchmarks/graph_switching.py
"""
import threads  # first: one BLAS thread before numpy loads

import json
import os
import subprocess
import sys
import tempfile
import time

GRAPHS, LAYERS, WIDTH, SEQ, MAX_RANK = 4, 4, 1024, 16, 16
ROUNDS = 6


def build(path: str) -> int:
    from qnnpy import QnnBackend, QnnContext, QnnGraph
    from qnnpy.examples import lora_mlp
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, ctx = QnnContext.QnnContext_create(backend, None, None)
    for g in range(GRAPHS):
        _, graph = QnnGraph.QnnGraph_create(ctx, f"g{g}", None)
        weights = lora_mlp.register_weights(graph, lora_mlp.make_base([WIDTH] * (LAYERS + 1), seed=g), MAX_RANK,
                                            False, prefix=f"g{g}/")
        lora_mlp.build_qnn(graph, weights, SEQ, prefix=f"g{g}/")
        QnnGraph.QnnGraph_finalize(graph, None, None)
    _, size = QnnContext.QnnContext_getBinarySize(ctx)
    blob = bytearray(size)
    QnnContext.QnnContext_getBinary(ctx, blob, size)
    with open(path, "wb") as f:
        f.write(blob)
    return size


def status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    return status_mb("VmRSS")


def peak_rss_mb() -> float:
    """VmHWM: this process image's own peak. (getrusage's ru_maxrss is not: Linux carries
    the parent's high-water mark across fork and exec.)"""
    return status_mb("VmHWM")


def child(path: str, hint_mb: int) -> dict:
    """Load with the given hint (0: none), run ROUNDS round-robin passes, report."""
    import mmap

    import numpy as np

    from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnSystemContext
    from qnnpy.builder import io_tensor
    from qnnpy.QnnContext import (QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, QNN_CONTEXT_CONFIG_PERSISTENT_BINARY,
                                  QnnContext_Config_t)
    baseline = rss_mb()
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    configs = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
    if hint_mb:
        configs.append(QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, memoryLimitHint=hint_mb))
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, sysctx = QnnSystemContext.QnnSystemContext_create()
    _, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, mapped, len(mapped))
    io = {g.graphInfoV3.graphName: (g.graphInfoV3.graphInputs, g.graphInfoV3.graphOutputs)
          for g in info.contextBinaryInfoV3.graphs}
    err, ctx = QnnContext.QnnContext_createFromBinary(backend, None, configs, mapped, len(mapped), None)
    assert err == 0
    x, alpha = np.ones((SEQ, WIDTH), np.float32), np.ones(1, np.float32)
    runs = []
    for name, (ins, outs) in io.items():
        _, graph = QnnGraph.QnnGraph_retrieve(ctx, name)
        feeds = {t.v2.name.split("/")[-1]: t for t in ins}
        out = np.zeros((SEQ, WIDTH), np.float32)
        runs.append((graph, [io_tensor(feeds["x"], x), io_tensor(feeds["alpha"], alpha)], [io_tensor(outs[0], out)]))
    for graph, i, o in runs:  # warm-up pass
        assert QnnGraph.QnnGraph_execute(graph, i, 2, o, 1, None, None) == 0
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for graph, i, o in runs:
            assert QnnGraph.QnnGraph_execute(graph, i, 2, o, 1, None, None) == 0
    per_execute = (time.perf_counter() - start) / (ROUNDS * len(runs))
    peak = peak_rss_mb()
    return {"baseline_mb": baseline, "peak_mb": peak, "execute_s": per_execute}


def run_child(path, hint_mb) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", path, str(hint_mb)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    folder = tempfile.mkdtemp(prefix="qnnpy-switch-")
    path = os.path.join(folder, "graphs.bin")
    size = build(path)
    graph_mb = size / GRAPHS / 2**20
    one, every = int(graph_mb * 1.25) + 1, int(graph_mb * GRAPHS * 1.25) + 1
    free = run_child(path, 0)
    fits = run_child(path, every)
    tight = run_child(path, one)
    print(threads.line())
    print(f"{GRAPHS} graphs of {graph_mb:.1f} MiB in a {size / 2**20:.1f} MiB binary; "
          f"interpreter baseline {tight['baseline_mb']:.0f} MB")
    print("| measurement | qnnpy | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    limit = one * 1.1 + tight["baseline_mb"]
    print(f"| peak RSS, hint {one} MB (holds one graph) vs hint + 10% + interpreter baseline | "
          f"{tight['peak_mb']:.0f} MB | {limit:.0f} MB | {tight['peak_mb'] / limit:.2f}x | <= 1.0x |")
    print(f"| peak RSS without a hint (every graph resident) vs with the {one} MB hint | {free['peak_mb']:.0f} MB | "
          f"{tight['peak_mb']:.0f} MB | {free['peak_mb'] / tight['peak_mb']:.2f}x | report |")
    print(f"| execute throughput round-robin, hint {every} MB (all fit) vs no hint | "
          f"{1 / fits['execute_s']:.0f}/s | {1 / free['execute_s']:.0f}/s | {free['execute_s'] / fits['execute_s']:.2f}x | >= 0.8x |")
    print(f"| execute time round-robin, hint {one} MB (a switch per execute) vs no hint | "
          f"{tight['execute_s'] * 1e3:.2f} ms | {free['execute_s'] * 1e3:.2f} ms | "
          f"{tight['execute_s'] / free['execute_s']:.2f}x | report |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
