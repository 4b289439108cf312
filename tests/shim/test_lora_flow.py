"""Harness (b): the on-device LoRA v2 flow from C — dlopen, getProviders, createFromBinary with
a persistent buffer, system-library binary info, retrieve, applyBinarySection, I/O encodings
refreshed from each section's binary info, execute — on binaries made by the offline tools.
Outputs are checked against onnxruntime running the model with each adapter merged into the
weights, and against the same flow with graph switching on."""
import numpy as np
import pytest

from qnnpy.examples import decoder
from qnnpy.tools import lora_demo
from tests.shim.conftest import run
from tests.tools.converter_support import sqnr_db

STEPS = (("A", 1.0), ("B", 1.0), (None, 0.0), ("default_adapter", 1.0), ("A", 1.0))  # None: keep B


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lora_flow")
    inputs = lora_demo.write_inputs(str(folder))
    x = np.random.default_rng(5).standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32)
    x.tofile(folder / "x.raw")
    references = {None: lora_demo.reference(inputs["model"], x)}
    for name, (rank, lora_alpha, _) in lora_demo.ADAPTERS.items():
        merged = decoder.merged_model(inputs["model"], inputs["tensors"][name], rank, lora_alpha, 1.0)
        references[name] = lora_demo.reference(merged, x)
    graphs = {graph: lora_demo.offline(str(folder), graph, quantized) for graph, quantized in
              (("fp32", False), ("a16w8", True))}
    return folder, graphs, references


def _run_flow(shim, harness, folder, graphs, graph, limit_mb, tag):
    out = folder / f"out_{graph}_{tag}"
    out.mkdir()
    steps = [f"{graphs[graph][f'{graph}_{name}.bin'] if name else '-'}:{alpha}" for name, alpha in STEPS]
    done = run(harness("lora_flow"), shim / "libQnnHtp.so", shim / "libQnnSystem.so", graphs[graph]["base"], graph,
               out, folder / "x.raw", limit_mb, *steps)
    assert done.returncode == 0, done.stderr[-3000:]
    return [np.fromfile(out / f"out_{k}.raw", np.float32).reshape(1, decoder.SEQ, decoder.HIDDEN)
            for k in range(len(STEPS))]


def _expected(step: int):
    name, alpha = STEPS[step]
    current = name or STEPS[step - 1][0]
    return None if alpha == 0 or current == "default_adapter" else current


@pytest.mark.parametrize("graph", ["fp32", "a16w8"])
def test_c_client_switches_adapters(shim, harness, made, graph):
    folder, graphs, references = made
    outputs = _run_flow(shim, harness, folder, graphs, graph, 0, "plain")
    for step, got in enumerate(outputs):
        ref = references[_expected(step)]
        if graph == "fp32":
            np.testing.assert_allclose(got, ref, rtol=0, atol=1e-4 * float(np.abs(ref).max()), err_msg=f"step {step}")
        else:
            assert sqnr_db(ref, got) >= lora_demo.QUANTIZED_MIN_SQNR_DB, f"step {step}"
    np.testing.assert_array_equal(outputs[0], outputs[4])  # back to A: bit-identical
    switching = _run_flow(shim, harness, folder, graphs, graph, 1, "switching")  # a 1 MB hint: graph switching on
    for plain, switched in zip(outputs, switching):
        np.testing.assert_array_equal(plain, switched)
