"""qnnpy quant-analyzer: each part's cost agrees with an independent onnxruntime QDQ simulation
of that part alone, and the mixed precision it writes reaches its target when converted."""
import json

import numpy as np
import pytest

from qnnpy.examples import decoder
from qnnpy.tools import cli
from qnnpy.tools.converter import convert, encodings_path
from qnnpy.tools.quant_analyzer import OVERRIDES, REPORT, analyze
from tests.tools.converter_support import Loaded, qdq_model, run_onnxruntime, sqnr_db

OPTIONS = {"use_per_channel_quantization": True, "act_quantizer_calibration": "mse"}


def _ort(model, feeds):
    return run_onnxruntime(model, feeds, exact=True)[0]


def _samples(folder):
    return [{"x": np.fromfile(folder / f"x{k}.raw", np.float32).reshape(1, decoder.SEQ, decoder.HIDDEN),
             "alpha": np.ones(1, np.float32)} for k in range(3)]


def _sqnr(refs, gots) -> float:
    """Over all samples at once."""
    return sqnr_db(np.stack(refs), np.stack(gots))


@pytest.fixture(scope="module")
def analysis(decoder_files):
    folder, _ = decoder_files
    return analyze(str(folder / "decoder.onnx"), str(folder / "inputs.txt"), str(folder / "names.txt"),
                   target_sqnr_db=30, **OPTIONS)


def test_each_part_costs_what_a_qdq_simulation_of_it_alone_costs(decoder_files, analysis, tmp_path):
    """The weights, and the three most costly activation groups, each quantized alone: the
    analyzer's SQNR against onnxruntime running the ONNX model with QDQ pairs on just those
    tensors (the converter's encodings for them)."""
    folder, model = decoder_files
    convert(str(folder / "decoder.onnx"), str(tmp_path / "q.qnnpy"), str(folder / "names.txt"),
            input_list=str(folder / "inputs.txt"), **OPTIONS)
    doc = json.loads(open(encodings_path(str(tmp_path / "q.qnnpy"))).read())
    refs = [_ort(model, s) for s in _samples(folder)]
    for part, section in [(analysis.weights, "param_encodings")] + [(p, "activation_encodings")
                                                                     for p in analysis.activations[:3]]:
        alone = {"activation_encodings": [], "param_encodings": [],
                 section: [e for e in doc[section] if e["name"] in part.tensors]}
        assert len(alone[section]) == len(part.tensors)
        simulation = qdq_model(model, alone)
        assert abs(part.sqnr_db - _sqnr(refs, [_ort(simulation, s) for s in _samples(folder)])) <= 0.3, part.tensors


def test_the_whole_model_is_measured_as_the_converter_builds_it(decoder_files, analysis, tmp_path):
    """The measured SQNR is the converted model's, and small independent noises add: the sum
    of the parts predicts it within 1 dB (measured: 29.45 vs 29.33 dB)."""
    folder, model = decoder_files
    convert(str(folder / "decoder.onnx"), str(tmp_path / "q.qnnpy"), str(folder / "names.txt"),
            input_list=str(folder / "inputs.txt"), **OPTIONS)
    loaded = Loaded(str(tmp_path / "q.qnnpy"))
    got = [loaded.run(**s)["logits"] for s in _samples(folder)]
    loaded.close()
    assert abs(analysis.quantized_sqnr_db - _sqnr([_ort(model, s) for s in _samples(folder)], got)) <= 0.01
    assert abs(analysis.predicted_sqnr_db - analysis.quantized_sqnr_db) <= 1.0
    costs = [p.sqnr_db for p in analysis.activations]
    assert costs == sorted(costs) and np.isinf(costs[-1])  # most costly first; the zero LoRA branch is lossless


def test_the_written_mixed_precision_reaches_the_target(decoder_files, tmp_path, capsys):
    """Through the CLI: the overrides it writes, given to the converter, give >= 30 dB on
    inputs it never saw, promoting a few activations only; the base model at 8 bit does not."""
    folder, model = decoder_files
    out = tmp_path / "analysis"
    assert cli.main(["quant-analyzer", "-i", str(folder / "decoder.onnx"), "--lora_weight_list", str(folder / "names.txt"),
                     "--input_list", str(folder / "inputs.txt"), "--use_per_channel_quantization",
                     "--act_quantizer_calibration", "mse", "--target_sqnr_db", "30", "--output_dir", str(out)]) == 0
    printed = capsys.readouterr().out
    report = json.loads((out / REPORT).read_text())
    assert 0 < len(report["promoted"]) <= 8 and f"{len(report['promoted'])} activations at 16 bit" in printed
    assert report["mixed_sqnr_db"] >= 30 > report["quantized_sqnr_db"]
    overrides = json.loads((out / OVERRIDES).read_text())
    assert {e["name"] for e in overrides["activation_encodings"] if e["bw"] == 16} == set(report["promoted"])
    rng = np.random.default_rng(11)
    unseen = [{"x": rng.standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32),
               "alpha": np.ones(1, np.float32)} for _ in range(2)]
    refs = [_ort(model, s) for s in unseen]
    for name, extra in (("mixed", {"quantization_overrides": str(out / OVERRIDES)}), ("a8", {})):
        convert(str(folder / "decoder.onnx"), str(tmp_path / f"{name}.qnnpy"), str(folder / "names.txt"),
                input_list=str(folder / "inputs.txt"), **OPTIONS, **extra)
        loaded = Loaded(str(tmp_path / f"{name}.qnnpy"))
        measured = _sqnr(refs, [loaded.run(**s)["logits"] for s in unseen])
        loaded.close()
        assert (measured >= 30) == (name == "mixed"), (name, measured)


@pytest.mark.parametrize("extra, words", [
    ([], "--input_list is required"),
    (["--input_list", "inputs.txt", "--act_bitwidth", "16", "--target_sqnr_db", "40"], "nothing to promote"),
    (["--input_list", "missing.txt"], "cannot read input list"),
])
def test_errors_are_one_clear_line_and_write_nothing(decoder_files, tmp_path, capsys, extra, words):
    folder, _ = decoder_files
    argv = ["quant-analyzer", "-i", str(folder / "decoder.onnx"), "--output_dir", str(tmp_path / "out")]
    argv += [str(folder / a) if a.endswith(".txt") else a for a in extra]
    assert cli.main(argv) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
