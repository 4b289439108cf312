"""A client structured like Qualcomm's QNN sample application (tests/c/sample_app.cpp: dlopen,
getProviders, a device created with the INIT macros and an HTP custom config, binary info deep
-copied before the system context is freed, createFromBinary, retrieve, execute,
applyBinarySection) compiles as C++17 against include/ and runs unchanged on qnnpy and on the
real HTP backend, each on binaries its own backend wrote."""
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

from qnnpy.examples import decoder
from qnnpy.tools import lora_demo
from tests.shim.conftest import ROOT, run

if shutil.which("g++") is None:
    pytest.skip("the sample-app client needs g++", allow_module_level=True)


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory) -> pathlib.Path:
    exe = tmp_path_factory.mktemp("sample_app") / "sample_app"
    build = subprocess.run(["g++", "-std=c++17", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'include'}", "-o", str(exe),
                            str(ROOT / "tests/c/sample_app.cpp"), "-ldl"], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    return exe


def test_sample_app_client_runs_lora_sections_on_qnnpy(shim, sample_app, tmp_path):
    inputs = lora_demo.write_inputs(str(tmp_path))
    made = lora_demo.offline(str(tmp_path), "fp32", False)
    x = np.random.default_rng(11).standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32)
    x.tofile(tmp_path / "x.raw")
    np.ones(1, np.float32).tofile(tmp_path / "alpha.raw")
    out = tmp_path / "out"
    out.mkdir()
    done = run(sample_app, shim / "libQnnHtp.so", shim / "libQnnSystem.so", made["base"], out,
               f"x={tmp_path / 'x.raw'}", f"alpha={tmp_path / 'alpha.raw'}", made["fp32_A.bin"], made["fp32_B.bin"])
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "createDevice ok" in done.stdout and done.stdout.count("applyBinarySection ok") == 2
    references = [lora_demo.reference(inputs["model"], x)]
    for name in ("A", "B"):
        rank, lora_alpha, _ = lora_demo.ADAPTERS[name]
        references.append(lora_demo.reference(
            decoder.merged_model(inputs["model"], inputs["tensors"][name], rank, lora_alpha, 1.0), x))
    (output_name,) = {p.name.split("_", 2)[2] for p in out.iterdir()}
    for step, ref in enumerate(references):
        got = np.fromfile(out / f"{step}_fp32_{output_name}", np.float32).reshape(ref.shape)
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-4 * float(np.abs(ref).max()), err_msg=f"step {step}")


@pytest.mark.parametrize("backend", ["qnnpy", "real"])
def test_sample_app_client_runs_an_ep_context_binary(shim, sample_app, tmp_path, backend):
    """The same client on each backend's own context binary, written through ORT's EP-context
    path from one ONNX model; both outputs match ONNX Runtime's CPU provider."""
    ort_ep = pytest.importorskip("tests.shim.test_ort_qnn_ep", reason="the oracle extra is not installed")
    htp = shim / "libQnnHtp.so" if backend == "qnnpy" else ort_ep.REAL_HTP
    model, feeds = ort_ep.conv_model(tmp_path / "conv.onnx")
    ort_ep.run_qnn_ep(htp, model, feeds, tmp_path, "ep.context_enable=1", "ep.context_embed_mode=0",
                      f"ep.context_file_path={tmp_path / 'ctx.onnx'}")
    feeds["x"].tofile(tmp_path / "x.raw")
    out = tmp_path / "out"
    out.mkdir()
    done = run(sample_app, htp, htp.parent / "libQnnSystem.so", tmp_path / "ctx_qnn.bin", out, f"x={tmp_path / 'x.raw'}")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    (written,) = out.iterdir()
    expected = ort_ep.cpu(model, feeds)[0]
    np.testing.assert_allclose(np.fromfile(written, np.float32).reshape(expected.shape), expected, rtol=1e-4, atol=1e-6)
