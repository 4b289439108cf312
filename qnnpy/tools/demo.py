"""End-to-end run of the emulated HTP and its LoRA v2 flow on the built-in models, checked step by step.

Part 1, the base model: composes the built-in transformer block through the public API,
executes it against onnx's reference evaluator, serializes the context, reloads it from an
mmapped file with PERSISTENT_BINARY (zero copy), and shows what a corrupted binary gets.

Part 2, LoRA v2 (tools/lora_demo.py): the offline tools on the example decoder and two PEFT
adapters of different ranks, then the device calls — apply A, switch to B, alpha 0, the
default adapter, back to A — each output checked against onnxruntime with the adapter merged
into the weights, for a float and an A16W8 model.

Part 3, Genie (tools/genie_demo.py): the example LLM's prompt and token graphs built into one
context binary with super adapters, then a Genie dialog replying with the base, adapter A,
adapter B and A at strength 0.5, each reply checked against transformers' greedy generation.
Exit code 1 when any check fails.
"""
import logging
import mmap
import os
import tempfile
import time

import numpy as np
from onnx.reference import ReferenceEvaluator

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnLog
from qnnpy.builder import io_tensor
from qnnpy.examples import transformer_block as tb
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, QnnContext_Config_t
from qnnpy.tools import genie_demo, lora_demo


def add_arguments(parser) -> None:
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--seq", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--output_dir", default=None, help="keep the artefacts here (default: a temp dir)")


class Report:
    def __init__(self):
        self.rows, self.failed = [], False

    def row(self, step, ok, detail):
        self.rows.append((step, "ok" if ok else "FAIL", detail))
        self.failed |= not ok
        print(f"  {step:<34} {'ok' if ok else 'FAIL':<5} {detail}", flush=True)


def _execute(graph, x, y, data):
    out = np.zeros([int(d) for d in y.v2.dimensions], np.float32)
    start = time.perf_counter()
    err = QnnGraph.QnnGraph_execute(graph, [io_tensor(x, data)], 1, [io_tensor(y, out)], 1, None, None)
    return err, out, (time.perf_counter() - start) * 1e3


def run(args) -> int:
    report, log_lines = Report(), []
    _, log = QnnLog.QnnLog_create(lambda fmt, lvl, ts, a: log_lines.append(fmt % a), QnnLog.QNN_LOG_LEVEL_WARN)
    _, backend = QnnBackend.QnnBackend_create(log, None)
    _, context = QnnContext.QnnContext_create(backend, None, None)
    _, graph = QnnGraph.QnnGraph_create(context, "transformer_block", None)
    print(f"qnnpy demo, part 1: transformer block hidden={args.hidden} seq={args.seq} heads={args.heads}")
    weights = tb.make_weights(args.hidden)
    x, y = tb.build_qnn(graph, weights, args.seq, args.hidden, args.heads)
    report.row("compose + finalize", QnnGraph.QnnGraph_finalize(graph, None, None) == 0, "public API only")

    data = np.random.default_rng(7).standard_normal((1, args.seq, args.hidden)).astype(np.float32)
    reference = ReferenceEvaluator(tb.onnx_model(weights, args.seq, args.hidden, args.heads)).run(None, {"x": data})[0]
    err, out, ms = _execute(graph, x, y, data)
    rel = float(np.abs(out - reference).max() / np.abs(reference).max())
    report.row("execute vs onnx.reference", err == 0 and rel <= 1e-5, f"max rel error {rel:.2e}, {ms:.1f} ms")

    folder = args.output_dir or tempfile.mkdtemp(prefix="qnnpy-demo-")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "transformer_block.bin")
    _, size = QnnContext.QnnContext_getBinarySize(context)
    buffer = bytearray(size)
    err, written = QnnContext.QnnContext_getBinary(context, buffer, size)
    with open(path, "wb") as f:
        f.write(buffer[:written])
    report.row("getBinary", err == 0, f"{written} bytes -> {path}")

    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    persistent = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
    start = time.perf_counter()
    err, loaded = QnnContext.QnnContext_createFromBinary(backend, None, persistent, mapped, len(mapped), None)
    load_ms = (time.perf_counter() - start) * 1e3
    _, graph2 = QnnGraph.QnnGraph_retrieve(loaded, "transformer_block")
    err2, out2, _ = _execute(graph2, x, y, data)
    report.row("createFromBinary (mmap, zero copy)", err == 0 and err2 == 0 and np.array_equal(out, out2),
               f"bit-identical outputs, loaded in {load_ms:.1f} ms")

    corrupt = bytearray(buffer[:written])
    corrupt[written // 2] ^= 0xFF
    quiet = logging.getLogger("qnnpy")
    quiet.disabled = True  # the expected error is shown in the table, from the QnnLog callback
    err, _ = QnnContext.QnnContext_createFromBinary(backend, None, None, bytes(corrupt), written, None)
    quiet.disabled = False
    report.row("corrupted binary is refused", err == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY,
               f"error {int(err)}: {log_lines[-1] if log_lines else '(no log line)'}")

    QnnContext.QnnContext_free(loaded, None)
    mapped.close()
    lora_demo.run(backend, folder, report)
    QnnBackend.QnnBackend_free(backend)
    QnnLog.QnnLog_free(log)
    genie_demo.run(folder, report)
    print("demo " + ("FAILED" if report.failed else "passed"))
    return 1 if report.failed else 0
