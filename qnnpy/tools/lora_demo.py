"""Part 2 of ``qnnpy demo``: the whole LoRA v2 flow on the built-in decoder, with the tools a
QAIRT user runs offline and the calls an application makes on the device.

Offline: the example decoder as ONNX (LoRA on q/v, max rank 16) and two PEFT adapters of
different ranks -> ``lora-tensor-names`` -> ``converter --lora_weight_list`` ->
``lora-importer`` -> ``context-binary-generator --adapter_weight_config`` (base binary, one
section per adapter, the default adapter). Online, public API only: createFromBinary (mmap,
PERSISTENT_BINARY) -> apply A, execute -> apply B -> alpha 0 -> default adapter -> back to A,
refreshing the I/O encodings from each section's binary info. Every output is compared with
an independent reference: onnxruntime (onnx's reference evaluator if it is missing) running
the ONNX model with the adapter merged into the base weights. Done for a float model (errors
at float rounding level) and an A16W8 quantized one (SQNR) converted with
``--quant_updatable_mode all``, so that every adapter brings its own activation and I/O
encodings.
"""
import mmap
import os
import time

import numpy as np
import onnx
import yaml

from qnnpy import QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.examples import decoder
from qnnpy.htp import dtypes
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, QNN_CONTEXT_SECTION_UPDATABLE, QnnContext_Config_t
from qnnpy.tools import context_binary_generator, converter, lora_importer, lora_names
from qnnpy.tools.net_run import to_float, to_native

MAX_RANK = 16
ADAPTERS = {"A": (16, 32.0, 1), "B": (8, 8.0, 2)}  # name: (rank, lora_alpha, seed)
CALIBRATION_SAMPLES = 4
# 8-bit per-tensor weights bound this model's SQNR near 30-37 dB even with 16-bit activations;
# a section applied with stale I/O encodings, or base encodings that clip an adapter, measures
# 10-15 dB, so 25 dB separates a working flow from a broken one.
QUANTIZED_MIN_SQNR_DB = 25.0


def write_inputs(folder: str) -> dict:
    """The user's starting point: base ONNX, PEFT adapter folders, calibration inputs and the
    importer's YAML. Returns the paths and each adapter's tensors (PEFT keys)."""
    model = decoder.make_model(MAX_RANK)
    onnx.save(model, os.path.join(folder, "decoder.onnx"))
    tensors = {name: decoder.write_peft_adapter(os.path.join(folder, f"adapter_{name}"), rank, lora_alpha, seed)
               for name, (rank, lora_alpha, seed) in ADAPTERS.items()}
    rng = np.random.default_rng(11)
    lines = []
    for i in range(CALIBRATION_SAMPLES):
        rng.standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32).tofile(os.path.join(folder, f"x_{i}.raw"))
        lines.append(f"x:=x_{i}.raw alpha:=alpha_1.raw")
    np.ones(1, np.float32).tofile(os.path.join(folder, "alpha_1.raw"))
    with open(os.path.join(folder, "input_list.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(folder, "lora_config.yaml"), "w") as f:
        yaml.safe_dump({"use_case": [{"name": name, "lora_weights": f"adapter_{name}"} for name in ADAPTERS]}, f,
                       sort_keys=False)
    return {"model": model, "tensors": tensors}


def offline(folder: str, graph: str, quantized: bool) -> dict:
    """The offline tools, as functions, into ``folder/<graph>/``. Returns the generator's outputs."""
    out = os.path.join(folder, graph)
    os.makedirs(out, exist_ok=True)
    names = lora_names.tensor_names(os.path.join(folder, "adapter_A"), os.path.join(folder, "decoder.onnx"))
    weight_list = os.path.join(out, "lora_weights.txt")
    with open(weight_list, "w") as f:
        f.write("\n".join(names) + "\n")
    network, inputs = os.path.join(folder, "decoder.onnx"), os.path.join(folder, "input_list.txt")
    model = os.path.join(out, f"{graph}.qnnpy")
    converter.convert(network, model, weight_list, input_list=inputs if quantized else None, act_bitwidth=16,
                      quant_updatable_mode="all")
    summary = lora_importer.import_adapters(os.path.join(folder, "lora_config.yaml"), model, network,
                                            os.path.join(out, "importer"), inputs if quantized else None)
    return context_binary_generator.generate([model], "base", os.path.join(out, "binaries"), summary)


def _map(path):
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


class Client:
    """What an application does on the device: load the base once, switch sections, keep its
    I/O tensor descriptions' encodings in step with the applied section."""

    def __init__(self, backend, base_path: str, graph: str):
        self.base, self.name = _map(base_path), graph
        persistent = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
        self.err, self.context = QnnContext.QnnContext_createFromBinary(backend, None, persistent, self.base,
                                                                        len(self.base), None)
        _, self.graph = QnnGraph.QnnGraph_retrieve(self.context, graph)
        g = next(g.graphInfoV3 for g in lora.binary_info(self.base).contextBinaryInfoV3.graphs
                 if g.graphInfoV3.graphName == graph)
        self.inputs = {t.v2.name: t for t in g.graphInputs}
        self.output = g.graphOutputs[0]
        self.sections = []

    def apply(self, path: str) -> tuple[int, float]:
        section = _map(path)
        self.sections.append(section)  # persistent: the client keeps it until QnnContext_free
        start = time.perf_counter()
        err = QnnContext.QnnContext_applyBinarySection(self.context, self.graph, QNN_CONTEXT_SECTION_UPDATABLE,
                                                       lora.section_buffer(section), None, None)
        ms = (time.perf_counter() - start) * 1e3
        if not err:
            lora.refresh_io_encodings(list(self.inputs.values()) + [self.output],
                                      lora.adapter_io_encodings(section, self.name))
        return err, ms

    def execute(self, x: np.ndarray, alpha: float) -> tuple[int, np.ndarray]:
        feeds = [io_tensor(self.inputs["x"], to_native(self.inputs["x"], x)),
                 io_tensor(self.inputs["alpha"], to_native(self.inputs["alpha"], np.array([alpha], np.float32)))]
        raw = np.zeros(tuple(self.output.v2.dimensions), dtypes.storage(self.output.v2.dataType))
        err = QnnGraph.QnnGraph_execute(self.graph, feeds, 2, [io_tensor(self.output, raw)], 1, None, None)
        return err, to_float(self.output, raw)

    def close(self):
        QnnContext.QnnContext_free(self.context, None)
        for m in self.sections + [self.base]:
            m.close()


def reference(model, x: np.ndarray) -> np.ndarray:
    try:
        import onnxruntime
    except ImportError:
        from onnx.reference import ReferenceEvaluator
        return ReferenceEvaluator(model).run(None, {"x": x, "alpha": np.ones(1, np.float32)})[0]
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x, "alpha": np.ones(1, np.float32)})[0]


def sqnr_db(ref, got) -> float:
    noise = float(np.sum((ref.astype(np.float64) - got) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref.astype(np.float64) ** 2)) / noise)


STEPS = (("apply A, alpha 1", "A", 1.0), ("switch to B, alpha 1", "B", 1.0), ("B with alpha 0 (= base)", None, 0.0),
         ("default adapter (= base)", "default_adapter", 1.0), ("back to A (bit-identical)", "A", 1.0))


def run(backend, folder, report) -> None:
    inputs = write_inputs(folder)
    x = np.random.default_rng(5).standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32)
    references = {None: reference(inputs["model"], x)}  # the model as exported: LoRA weights zero
    for name, (rank, lora_alpha, _) in ADAPTERS.items():
        references[name] = reference(decoder.merged_model(inputs["model"], inputs["tensors"][name], rank,
                                                            lora_alpha, 1.0), x)
    print(f"qnnpy demo, part 2: LoRA v2 on the example decoder ({decoder.LAYERS} layers, hidden {decoder.HIDDEN}, "
          f"seq {decoder.SEQ}), LoRA on q/v with max rank {MAX_RANK}; adapter A rank {ADAPTERS['A'][0]}, "
          f"B rank {ADAPTERS['B'][0]}; reference: onnxruntime with the adapter merged into the weights")
    for graph, quantized in (("decoder_fp32", False), ("decoder_a16w8", True)):
        start = time.perf_counter()
        files = offline(folder, graph, quantized)
        report.row(f"{graph}: offline tools", True, f"names -> converter -> importer -> generator in "
                   f"{time.perf_counter() - start:.1f} s: " + ", ".join(os.path.basename(p) for p in files.values()))
        client = Client(backend, files["base"], graph)
        report.row(f"{graph}: load base", client.err == 0, "createFromBinary (mmap, persistent) + retrieve")
        print(f"  {'step':<34} {'':<5} {'section':>9} {'apply':>9} {'max |err|':>10} {'SQNR':>8}")
        first_a, current = None, None
        for step, name, alpha in STEPS:
            err, ms, size = 0, 0.0, 0
            if name is not None:
                path = files[f"{graph}_{name}.bin"]
                err, ms = client.apply(path)
                size, current = os.path.getsize(path), name
            err2, out = client.execute(x, alpha)
            ref = references[None if alpha == 0 or current == "default_adapter" else current]
            max_err, sqnr = float(np.abs(out - ref).max()), sqnr_db(ref, out)
            ok = err == 0 and err2 == 0 and (sqnr >= QUANTIZED_MIN_SQNR_DB if quantized
                                             else max_err <= 1e-4 * float(np.abs(ref).max()))
            if step.startswith("back to A"):
                ok = ok and np.array_equal(out, first_a)
            if name == "A" and first_a is None:
                first_a = out.copy()
            report.row(step, ok, f"{size / 1024:7.1f} KiB {ms:6.2f} ms {max_err:10.2e} {sqnr:6.1f} dB")
        client.close()
