"""qairt-quantizer's flags on qnnpy's quantizer: the ones that change results do what the
QAIRT documentation says (checked against numpy's percentiles and the encoding arithmetic,
and end to end against onnxruntime on the example decoder), the rest are noted or refused by
name before anything is written."""
import json

import numpy as np
import pytest

from qnnpy.tools import model_file, qairt
from qnnpy.tools.converter.quantizer import calibrated_encoding
from qnnpy.tools.converter.runner import GraphRunner
from tests.tools.converter_support import run_onnxruntime, sqnr_db

RNG = np.random.default_rng(4)
VALUES = np.concatenate([RNG.standard_normal(20000) * 0.5 + 0.3, [40.0, -25.0]]).astype(np.float32)


def representable(enc, bits):
    return enc.offset * enc.scale, (enc.offset + 2 ** bits - 1) * enc.scale


@pytest.mark.parametrize("bits", [8, 16])
@pytest.mark.parametrize("p", [99.99, 99.0, 95.0])
def test_percentile_calibration_takes_the_percentile_range(bits, p):
    lo, hi = representable(calibrated_encoding(VALUES, bits, "percentile", p), bits)
    want_lo, want_hi = np.percentile(VALUES, [100 - p, p])
    step = (hi - lo) / (2 ** bits - 1)
    assert abs(lo - want_lo) <= step and abs(hi - want_hi) <= step  # the zero point's rounding moves one end
    full_lo, full_hi = representable(calibrated_encoding(VALUES, bits, "min-max"), bits)
    assert hi - lo < (full_hi - full_lo) / 5  # the two outliers no longer set the range


@pytest.mark.parametrize("bits", [8, 16])
def test_symmetric_schemas(bits):
    half = 2 ** (bits - 1)
    sym = calibrated_encoding(VALUES, bits, "min-max", schema="symmetric")
    assert sym.offset == -half and np.isclose(sym.scale * (half - 1), 40.0, rtol=1e-6)
    positive = np.abs(VALUES)
    unsigned = calibrated_encoding(positive, bits, "min-max", schema="unsignedsymmetric")
    assert unsigned.offset == 0 and np.isclose(unsigned.scale * (2 ** bits - 1), 40.0, rtol=1e-6)
    assert calibrated_encoding(VALUES, bits, "min-max", schema="unsignedsymmetric") == sym  # negatives: symmetric


def convert(decoder_files, out, *flags):
    folder, _ = decoder_files
    argv = ["-i", folder / "decoder.onnx", "--lora_weight_list", folder / "names.txt", "--output_path", out, *flags]
    return qairt.qairt_converter([str(a) for a in argv])


def test_per_row_quantization_covers_matmul_weights_only(decoder_files, tmp_path):
    folder, _ = decoder_files
    assert convert(decoder_files, tmp_path / "rows.qnnpy", "--input_list", folder / "inputs.txt",
                   "--use_per_row_quantization") == 0
    (graph,), _ = model_file.load(str(tmp_path / "rows.qnnpy"))
    multiplied = {n.inputs[1] for n in graph.nodes if n.op_type == "MatMul"}
    static = {n: t for n, t in graph.tensors.items() if t.role == "static" and t.encoding is not None}
    assert multiplied & set(static)
    for name, t in static.items():
        assert (t.encoding.axis is not None) == (name in multiplied and len(t.shape) >= 2), name
    assert all(graph.tensors[n].encoding.axis is None for n in graph.lora_weights)


WIDTH = 32.0  # the overridden tensors' range, [-16, 16): wide enough not to clip


def test_float_fallback_quantizes_only_what_the_overrides_name(decoder_files, tmp_path):
    """converter (float) -> qairt-quantizer --float_fallback with encodings for the input and
    the first layer's output only: those two are quantized with exactly the given encodings,
    every other tensor stays float, and the model still matches onnxruntime."""
    folder, model = decoder_files
    assert convert(decoder_files, tmp_path / "float.qnnpy") == 0
    (graph,), _ = model_file.load(str(tmp_path / "float.qnnpy"))
    chosen = ["x", graph.nodes[0].outputs[0]]
    doc = {"version": "1.0.0", "param_encodings": [], "activation_encodings": [
        {"name": n, "enc_type": "PER_TENSOR", "dtype": "INT", "bw": 16, "is_sym": False,
         "scale": [WIDTH / 65535], "offset": [-32768]} for n in chosen]}
    (tmp_path / "some.json").write_text(json.dumps(doc))
    argv = ["--input_dlc", tmp_path / "float.qnnpy", "--output_dlc", tmp_path / "fb.qnnpy",
            "--quantization_overrides", tmp_path / "some.json", "--float_fallback"]
    assert qairt.qairt_quantizer([str(a) for a in argv]) == 0
    (graph,), _ = model_file.load(str(tmp_path / "fb.qnnpy"))
    quantized = {n for n, t in graph.tensors.items() if t.encoding is not None and t.encoding_of is None}
    assert quantized == set(chosen)
    for n in chosen:
        assert graph.tensors[n].encoding.offset == -32768 and np.isclose(graph.tensors[n].encoding.scale, WIDTH / 65535)
    x = np.fromfile(folder / "x0.raw", np.float32).reshape(1, -1, graph.tensors["x"].shape[-1])
    want = run_onnxruntime(model, {"x": x, "alpha": np.ones(1, np.float32)})[0]
    with GraphRunner(graph) as runner:
        got = runner.run({"x": x, "alpha": np.ones(1, np.float32)})[graph.outputs[0]]
    assert sqnr_db(want, got) >= 70  # two 16-bit roundings in a float model (measured 75.3 dB)


def test_ignore_encodings_computes_every_encoding(decoder_files, tmp_path):
    folder, _ = decoder_files
    calib = ["--input_list", folder / "inputs.txt"]
    assert convert(decoder_files, tmp_path / "plain.qnnpy", *calib) == 0
    doc = json.loads((tmp_path / "plain.encodings").read_text())
    for e in doc["activation_encodings"]:
        e["scale"] = [e["scale"][0] * 2]
    (tmp_path / "twice.json").write_text(json.dumps(doc))
    assert convert(decoder_files, tmp_path / "ignored.qnnpy", *calib, "--quantization_overrides",
                   tmp_path / "twice.json", "--ignore_encodings") == 0
    assert convert(decoder_files, tmp_path / "used.qnnpy", *calib, "--quantization_overrides",
                   tmp_path / "twice.json") == 0
    plain, ignored, used = (json.loads((tmp_path / f"{n}.encodings").read_text())["activation_encodings"]
                            for n in ("plain", "ignored", "used"))
    assert ignored == plain and used != plain


@pytest.mark.parametrize("flags, words", [
    (["--quantization_algorithms", "cle", "adaround"], "--quantization_algorithms cannot be honoured"),
    (["--restrict_quantization_steps", "-0x80 0x7F"], "--restrict_quantization_steps cannot be honoured"),
    (["--op_package_lib", "libX.so:Provider"], "--op_package_lib cannot be honoured"),
    (["--bias_bitwidth", "32"], "--bias_bitwidth 32 cannot be honoured"),
    (["--param_quantizer_schema", "asymmetric"], "--param_quantizer_schema asymmetric cannot be honoured"),
    (["--param_quantizer_calibration", "mse"], "--param_quantizer_calibration mse cannot be honoured"),
    (["--act_quantizer_calibration", "entropy"], "--act_quantizer_calibration entropy cannot be honoured"),
    (["--act_quantizer_calibration", "percentile", "--percentile_calibration_value", "80"], "between 90 and 100"),
    (["--float_bitwidth", "16"], "--float_bitwidth 16 cannot be honoured"),
])
def test_flags_qnnpy_cannot_honour_are_refused_by_name(decoder_files, tmp_path, capsys, flags, words):
    folder, _ = decoder_files
    assert convert(decoder_files, tmp_path / "float.qnnpy") == 0
    capsys.readouterr()
    argv = ["--input_dlc", tmp_path / "float.qnnpy", "--output_dlc", tmp_path / "q.qnnpy", "--input_list",
            folder / "inputs.txt", *flags]
    assert qairt.qairt_quantizer([str(a) for a in argv]) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "q.qnnpy").exists()


def test_dump_encodings_json_is_noted(decoder_files, tmp_path, capsys):
    folder, _ = decoder_files
    assert convert(decoder_files, tmp_path / "float.qnnpy") == 0
    argv = ["--input_dlc", tmp_path / "float.qnnpy", "--output_dlc", tmp_path / "q.qnnpy", "--input_list",
            folder / "inputs.txt", "--dump_encodings_json", "--act_quantizer_calibration", "percentile",
            "--act_quantizer_schema", "symmetric"]
    assert qairt.qairt_quantizer([str(a) for a in argv]) == 0
    assert "--dump_encodings_json" in capsys.readouterr().err
    doc = json.loads((tmp_path / "q.encodings").read_text())
    assert doc["quantizer_args"]["act_quantizer_calibration"] == "percentile"
    assert all(e["offset"] == [-128] for e in doc["activation_encodings"] if e["bw"] == 8)


def test_output_tensor_cuts_the_model_there(decoder_files, tmp_path):
    """--output_tensor: the named intermediate tensor becomes the only output, and its values
    are onnxruntime's for that tensor (the ONNX model cut with onnx's own extractor). (A LoRA
    weight list naming weights past the cut is refused, as any name that is no initializer.)"""
    import onnx
    from onnx import utils
    folder, model = decoder_files
    name = model.graph.node[len(model.graph.node) // 2].output[0]
    assert qairt.qairt_converter([str(a) for a in ["-i", folder / "decoder.onnx", "--output_path", tmp_path / "cut.qnnpy",
                                                   "--output_tensor", name]]) == 0
    (graph,), _ = model_file.load(str(tmp_path / "cut.qnnpy"))
    assert graph.outputs == [name]
    cut = utils.Extractor(onnx.shape_inference.infer_shapes(model)).extract_model(
        [i.name for i in model.graph.input], [name])
    x = np.fromfile(folder / "x0.raw", np.float32).reshape(1, -1, graph.tensors["x"].shape[-1])
    feeds = {i: v for i, v in (("x", x), ("alpha", np.ones(1, np.float32))) if i in graph.inputs}
    want = run_onnxruntime(cut, {i.name: feeds.get(i.name, np.ones(1, np.float32)) for i in cut.graph.input})[0]
    with GraphRunner(graph) as runner:
        got = runner.run(feeds)[name]
    assert sqnr_db(want, got) >= 100


def test_converter_device_and_package_flags(decoder_files, tmp_path, capsys):
    assert convert(decoder_files, tmp_path / "a.qnnpy", "--onnx_defer_loading", "--enable_framework_trace",
                   "--disable_onnx_simplification") == 0
    err = capsys.readouterr().err
    assert all(f"--{flag}" in err for flag in ("onnx_defer_loading", "enable_framework_trace"))
    for flags, words in ((["--op_package_config", "pkg.xml"], "--op_package_config cannot be honoured"),
                         (["--package_name", "my.pkg"], "--package_name cannot be honoured"),
                         (["--float_bias_bitwidth", "16"], "--float_bias_bitwidth 16 cannot be honoured"),
                         (["--output_tensor", "nope"], "--output_tensor names ['nope']")):
        assert convert(decoder_files, tmp_path / "b.qnnpy", *flags) == 1
        assert words in capsys.readouterr().err
        assert not (tmp_path / "b.qnnpy").exists()
