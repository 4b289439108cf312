"""ONNX Runtime's QNN execution provider (the onnxruntime-qnn wheel, a real client that dlopens
any ``backend_path``) runs on qnnpy's libQnnHtp.so with no skip options, and its outputs match
ONNX Runtime's CPU provider, and the wheel's own libQnnHtp.so on the same session."""
import pathlib
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

ort_qnn = pytest.importorskip("onnxruntime_qnn", reason="the oracle extra (onnxruntime-qnn) is not installed")
import onnxruntime as ort  # noqa: E402

from tests.shim.conftest import run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
REAL_HTP = pathlib.Path(ort_qnn.get_qnn_htp_path())


def run_qnn_ep(backend, model, feeds, tmp_path, *options, expect_ok=True):
    inputs, outputs = tmp_path / "inputs.npz", tmp_path / "outputs.npz"
    np.savez(inputs, **feeds)
    done = subprocess.run([sys.executable, "-m", "tests.shim.ort_session", str(backend), str(model), str(inputs),
                           str(outputs), *options], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), f"the ORT process died (signal {-done.returncode}):\n{done.stderr[-2000:]}"
    if not expect_ok:
        return done
    assert done.returncode == 0, done.stderr[-2000:]
    with np.load(outputs) as saved:
        return [saved[f"arr_{i}"] for i in range(len(saved.files))]


def cpu(model, feeds):
    return ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, feeds)


def conv_model(path):
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((8, 3, 3, 3)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "W", "B"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1]),
         helper.make_node("Relu", ["c"], ["r"]),
         helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Flatten", ["p"], ["f"]),
         helper.make_node("Gemm", ["f", "G"], ["y"], transB=1),
         helper.make_node("Softmax", ["y"], ["s"], axis=-1)],
        "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("s", TensorProto.FLOAT, [1, 10])],
        [helper.make_tensor("W", TensorProto.FLOAT, w.shape, w.ravel()), helper.make_tensor("B", TensorProto.FLOAT, [8], b),
         helper.make_tensor("G", TensorProto.FLOAT, [10, 512], (rng.standard_normal((10, 512)) * 0.004).astype(np.float32).ravel())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.save(model, path)
    return path, {"x": rng.standard_normal((1, 3, 16, 16)).astype(np.float32)}


@pytest.fixture(scope="module")
def conv(tmp_path_factory):
    return conv_model(tmp_path_factory.mktemp("conv") / "conv.onnx")


@pytest.fixture(scope="module")
def qdq(tmp_path_factory, conv):
    """The conv model quantized by ONNX Runtime's own QDQ tool (uint8 activations and weights)."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    model, feeds = conv
    rng = np.random.default_rng(1)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": rng.standard_normal((1, 3, 16, 16)).astype(np.float32)} for _ in range(8)])

        def get_next(self):
            return next(self.batches, None)
    out = tmp_path_factory.mktemp("qdq") / "conv.qdq.onnx"
    quantize_static(str(model), str(out), Reader(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QUInt8)
    return out, feeds


def test_float_conv_model_matches_cpu_and_the_real_backend(shim, conv, tmp_path):
    model, feeds = conv
    ours = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path)[0]
    np.testing.assert_allclose(ours, cpu(model, feeds)[0], rtol=1e-4, atol=1e-6)
    real = run_qnn_ep(REAL_HTP, model, feeds, tmp_path)[0]
    np.testing.assert_allclose(ours, real, rtol=1e-4, atol=1e-6)


def test_qdq_model_runs_quantized_and_matches_the_real_backend(shim, qdq, tmp_path):
    model, feeds = qdq
    ours = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path)[0]
    real = run_qnn_ep(REAL_HTP, model, feeds, tmp_path)[0]
    step = 1 / 255  # the softmax output's uint8 scale: both backends run the graph in fixed point
    assert np.abs(ours - real).max() <= 2 * step, np.abs(ours - real).max()
    assert np.abs(ours - cpu(model, feeds)[0]).max() <= 4 * step


def test_ep_context_saved_on_qnnpy_loads_and_runs(shim, conv, tmp_path):
    model, feeds = conv
    saved = tmp_path / "conv_ctx.onnx"
    first = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path, "ep.context_enable=1",
                       f"ep.context_file_path={saved}")[0]
    assert saved.exists()
    assert any(n.op_type == "EPContext" for n in onnx.load(saved).graph.node)
    again = run_qnn_ep(shim / "libQnnHtp.so", saved, feeds, tmp_path)[0]
    np.testing.assert_array_equal(first, again)
    # the shared-resource path loads through contextCreateFromBinaryListAsync (the x86 real
    # backend answers it NOT_SUPPORTED) and frees the contexts from a static destructor, after
    # Python has finalized: the shim must answer that without entering Python (exit code 0)
    shared = run_qnn_ep(shim / "libQnnHtp.so", saved, feeds, tmp_path, "htp_share_resource_optimization=1")[0]
    np.testing.assert_array_equal(first, shared)


def test_binary_info_of_an_ep_context_reads_as_the_real_libraries_does(shim, harness, conv, tmp_path):
    """ORT saves the context binary of each backend beside its EP-context model; each system
    library describes its own backend's binary to the same C reader, and the two descriptions
    have the same versions, I/O and HTP record layout (V3 BinaryInfo and GraphInfo, a V1+V2
    graph blob of 112 bytes, a V1 context record of 8)."""
    import json
    model, feeds = conv
    described = {}
    for name, htp in (("qnnpy", shim / "libQnnHtp.so"), ("real", REAL_HTP)):
        folder = tmp_path / name
        folder.mkdir()
        run_qnn_ep(htp, model, feeds, folder, "ep.context_enable=1", "ep.context_embed_mode=0",
                   f"ep.context_file_path={folder / 'ctx.onnx'}")
        done = run(harness("binary_info"), htp.parent / "libQnnSystem.so", folder / "ctx_qnn.bin")
        assert done.returncode == 0, done.stderr[-2000:]
        described[name] = json.loads(done.stdout)
    ours, real = described["qnnpy"], described["real"]
    for key in ("version", "backendId", "coreApiVersion", "backendApiVersion", "platformInfoVersion", "socModel"):
        assert ours[key] == real[key], key
    assert len(ours["contextMetadata"]) == len(real["contextMetadata"]) == 16
    assert ours["contextMetadata"][:8] == real["contextMetadata"][:8] == "01000000"
    [g_ours], [g_real] = ours["graphs"], real["graphs"]
    assert g_ours["name"] == g_real["name"] and g_ours["version"] == g_real["version"] == 3 and g_ours["numUpdateableTensors"] == g_real["numUpdateableTensors"]

    def io(g):
        return [(t["version"], t["id"], t["name"], t["type"], t["dataType"], t["dims"]) for t in g["inputs"] + g["outputs"]]
    assert io(g_ours) == io(g_real)
    for blob in (g_ours["graphBlobInfo"], g_real["graphBlobInfo"]):
        assert len(blob) == 224 and blob[:8] == "01000000" and blob[80:88] == "02000000"


def test_a_failing_qnn_call_reaches_ort_as_an_error_not_a_crash(shim, tmp_path):
    node = helper.make_node("EPContext", ["x"], ["y"], domain="com.microsoft", embed_mode=1, main_context=1,
                            ep_cache_context=b"not a context binary" * 8, source="QNN")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    onnx.save(model, tmp_path / "bad.onnx")
    done = run_qnn_ep(shim / "libQnnHtp.so", tmp_path / "bad.onnx", {"x": np.zeros((1, 4), np.float32)}, tmp_path,
                      expect_ok=False)
    assert done.returncode == 1 and "ORT error" in done.stderr


# Keys where qnnpy answers differently from the wheel's libQnnHtp.so on purpose (docs/qnn-facts.md):
# features qnnpy implements that the x86 build does not claim, and features of the real HTP
# qnnpy does not implement (signals, op packages, shared memory, sparsity, ...).
QNNPY_ONLY = {"CONTEXT_SUPPORT_DEFERRED_GRAPH_INIT", "GRAPH_SUPPORT_ASYNC_EXECUTION", "TENSOR_SUPPORT_CONTEXT_TENSORS",
              "PROFILE_SUPPORT_MAX_EVENTS_CONFIG", "ERROR_GET_VERBOSE_MESSAGE", "MEMORY_SUPPORT_MEM_TYPE_DMA_BUF",
              "GRAPH_SUPPORT_FINALIZE_SIGNAL", "GRAPH_SUPPORT_EXECUTE_ASYNC_SIGNAL"}
REAL_ONLY = {"BACKEND_SUPPORT_OP_PACKAGE", "BACKEND_SUPPORT_PLATFORM_OPTIONS", "CONTEXT_SUPPORT_GRAPH_RETENTION_ORDER",
             "CONTEXT_SUPPORT_BINARY_SECTION_UPDATES", "GRAPH_SUPPORT_PRIORITY_CONTROL", "GRAPH_SUPPORT_BATCH_MULTIPLE",
             "GRAPH_SUPPORT_ONLINE_PREPARE", "GRAPH_SUPPORT_UPDATABLE_WEIGHTS_BINARY_SECTION_CREATION",
             "OP_PACKAGE_SUPPORTS_OP_IMPLS", "OP_PACKAGE_SUPPORTS_DUPLICATE_NAMES", "TENSOR_SUPPORT_SPARSITY",
             "LOG_SUPPORTS_DEFAULT_STREAM", "PROFILE_SUPPORTS_EXTENDED_EVENT", "PROFILE_SUPPORT_OPTRACE_CONFIG"}


def test_capabilities_answer_as_the_real_backend_except_the_documented_keys(shim):
    import json

    def answers(library):
        done = subprocess.run([sys.executable, "-m", "tests.shim.capabilities", str(library)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])
    ours, real = answers(shim / "libQnnHtp.so"), answers(REAL_HTP)
    differ = {k.removeprefix("QNN_PROPERTY_") for k in ours if ours[k] != real[k]}
    print(f"hasCapability: {len(ours) - len(differ)} of {len(ours)} keys answer as the real backend")
    assert differ == QNNPY_ONLY | REAL_ONLY, differ ^ (QNNPY_ONLY | REAL_ONLY)
    assert all(ours[f"QNN_PROPERTY_{k}"] == 0 for k in QNNPY_ONLY)
    assert all(ours[f"QNN_PROPERTY_{k}"] == 1000 for k in REAL_ONLY)


def test_lora_sections_through_the_run_option(shim, tmp_path):
    """A qnnpy base binary with updatable LoRA weights, wrapped in an EPContext model; ORT's run
    option ``qnn.lora_config`` (``<graph>;<section path>``) applies an adapter per run. Outputs
    match onnxruntime on the model with that adapter merged into its weights; a corrupted
    section reaches ORT as an error."""
    from qnnpy.examples import decoder
    from qnnpy.tools import lora_demo
    inputs = lora_demo.write_inputs(str(tmp_path))
    made = lora_demo.offline(str(tmp_path), "fp32", False)
    shape = [1, decoder.SEQ, decoder.HIDDEN]
    node = helper.make_node("EPContext", ["x", "alpha"], ["logits"], name="fp32", domain="com.microsoft", embed_mode=0,
                            main_context=1, ep_cache_context=str(pathlib.Path(made["base"]).relative_to(tmp_path)),
                            source="QNN")
    graph = helper.make_graph([node], "lora", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape),
                                               helper.make_tensor_value_info("alpha", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 9
    onnx.save(model, tmp_path / "lora_ctx.onnx")
    x = np.random.default_rng(4).standard_normal(shape).astype(np.float32)
    feeds = {"x": x, "alpha": np.ones(1, np.float32)}
    for name in (None, "A", "B"):
        options = []
        if name is not None:
            (tmp_path / f"{name}.cfg").write_text(f"fp32;{made[f'fp32_{name}.bin']}")
            options = [f"run.qnn.lora_config={tmp_path / f'{name}.cfg'}"]
        got = run_qnn_ep(shim / "libQnnHtp.so", tmp_path / "lora_ctx.onnx", feeds, tmp_path, *options)[0]
        reference = inputs["model"]
        if name is not None:
            rank, lora_alpha, _ = lora_demo.ADAPTERS[name]
            reference = decoder.merged_model(inputs["model"], inputs["tensors"][name], rank, lora_alpha, 1.0)
        ref = lora_demo.reference(reference, x)
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-4 * float(np.abs(ref).max()), err_msg=str(name))
    corrupt = bytearray(pathlib.Path(made["fp32_A.bin"]).read_bytes())
    corrupt[-1] ^= 0xFF
    (tmp_path / "bad.bin").write_bytes(corrupt)
    (tmp_path / "bad.cfg").write_text(f"fp32;{tmp_path / 'bad.bin'}")
    done = run_qnn_ep(shim / "libQnnHtp.so", tmp_path / "lora_ctx.onnx", feeds, tmp_path,
                      f"run.qnn.lora_config={tmp_path / 'bad.cfg'}", expect_ok=False)
    assert done.returncode == 1 and "ORT error" in done.stderr


def _profile_rows(csv_path) -> list[dict]:
    import csv
    with open(csv_path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("level", ["basic", "detailed"])
def test_profiling_levels_write_the_same_kinds_of_rows_as_the_real_backend(shim, conv, tmp_path, level):
    """ORT's profiling_level basic / detailed: QnnProfile events become ORT's CSV and go through
    the system library's serialization target. Each backend reports the finalize once and the
    execute once (a profiled call replaces the previous call's events), and at detailed one
    NODE row per executed node; qnnpy's serialized records are JSON lines."""
    import json
    model, feeds = conv
    rows = {}
    for name, htp in (("qnnpy", shim / "libQnnHtp.so"), ("real", REAL_HTP)):
        csv_path = tmp_path / f"{name}.csv"
        run_qnn_ep(htp, model, feeds, tmp_path, f"profiling_level={level}", f"profiling_file_path={csv_path}")
        rows[name] = _profile_rows(csv_path)
    for name, found in rows.items():
        messages = [r["Message"] for r in found if r["Event Level"] == "ROOT"]
        assert messages.count("FINALIZE") == 1 and messages.count("EXECUTE") == 1, (name, messages)
        nodes = [r for r in found if r["Message"] == "NODE"]
        assert (len(nodes) > 0) == (level == "detailed"), name
    ours_nodes = [r["Event Identifier"] for r in rows["qnnpy"] if r["Message"] == "NODE"]
    real_nodes = [r["Event Identifier"] for r in rows["real"] if r["Message"] == "NODE"]
    # the real backend adds its Input/Output pseudo-ops and suffixes ":OpId_<n> (cycles)"
    assert ours_nodes == [n.split(":")[0] for n in real_nodes if not n.startswith(("Input ", "Output "))]
    records = [json.loads(line) for line in (tmp_path / "qnnpy_qnn.log").read_text().splitlines()]
    assert records[0]["appName"] == "OnnxRuntime" and records[-1]["method"] == "BACKEND_EXECUTE"
    (execute,) = [e for e in records[-1]["events"] if e["type"] == 400]
    assert [e["identifier"] for e in execute["subEvents"]] == ours_nodes


def test_fp16_precision_is_computed_at_half_precision_as_on_the_real_backend(shim, conv, tmp_path):
    """enable_htp_fp16_precision=1 makes ORT give the graph the HTP PRECISION=FLOAT16 config:
    the real backend's outputs move away from float32 (1.6e-3 of full scale on this model),
    qnnpy's too (it rounds every float op to float16, accumulating in float32: 2.7e-4); both
    stay within 5e-3 of each other (docs/numerics.md)."""
    model, feeds = conv
    options = ("enable_htp_fp16_precision=1", "soc_model=60", "htp_arch=73")
    ours = run_qnn_ep(shim / "libQnnHtp.so", model, feeds, tmp_path, *options)[0]
    real = run_qnn_ep(REAL_HTP, model, feeds, tmp_path, *options)[0]
    reference = cpu(model, feeds)[0]
    scale = float(np.abs(reference).max())
    assert 1e-5 < np.abs(ours - reference).max() / scale < 2e-3
    assert 1e-5 < np.abs(real - reference).max() / scale
    assert np.abs(ours - real).max() / scale < 5e-3
