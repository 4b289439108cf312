"""Real torch.onnx exports of Hugging Face models (tests/fixtures/exports, made by
tests/fixtures/make_exports.py) through the converter and QnnGraph_execute, checked
against the logits (and present KV cache) PyTorch computed for the same inputs."""
import glob
import os

import numpy as np
import onnx
import pytest

from qnnpy.tools.converter import build_graph
from qnnpy.tools.converter.runner import GraphRunner
from tests.tools.converter_support import sqnr_db

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "exports")
EXPORTS = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(FIXTURES, "*.onnx"))
                 if not p.endswith("_dynamic.onnx"))  # converted with its shape given, below


def load(name):
    return onnx.load(os.path.join(FIXTURES, name + ".onnx")), dict(np.load(os.path.join(FIXTURES, name + ".npz")))


def test_fixtures_are_there():
    assert len(EXPORTS) >= 20, EXPORTS


@pytest.mark.parametrize("name", EXPORTS)
def test_export_converts_and_matches_pytorch(name):
    model, arrays = load(name)
    graph = build_graph(model, set(), name)
    feeds = {n: arrays[n] for n in graph.inputs}
    assert set(graph.inputs) <= set(arrays)
    with GraphRunner(graph) as runner:
        outputs = runner.run(feeds)
    assert set(outputs) == {o.name for o in model.graph.output} - {n for n in arrays if arrays[n].size == 0}
    for out, got in outputs.items():
        assert got.shape == arrays[out].shape, out
        assert sqnr_db(arrays[out], got) >= 100, (out, sqnr_db(arrays[out], got))


@pytest.mark.parametrize("name", [n for n in EXPORTS if n.endswith("kv_empty")])
def test_empty_past_is_no_input(name):
    """A zero-length cache carries no data: it folds away rather than becoming an input."""
    model, _ = load(name)
    graph = build_graph(model, set(), name)
    assert graph.inputs == ["input_ids"]
    assert graph.tensors["input_ids"].dtype == "INT_32"  # int64 stored as INT_32


def test_a_dynamic_export_converts_with_its_shape_given(tmp_path, capsys):
    """An export with a dynamic sequence axis is refused naming the input and the flag, and
    converts with --desired_input_shape (or --onnx_define_symbol) to PyTorch's logits."""
    from qnnpy.tools import cli, model_file
    path = os.path.join(FIXTURES, "llama_dynamic.onnx")
    _, arrays = load("llama_dynamic")
    assert cli.main(["converter", "-i", path, "--output_path", str(tmp_path / "no.qnnpy")]) == 1
    err = capsys.readouterr().err
    assert "input 'input_ids' has no static shape" in err and "--desired_input_shape" in err
    for flags in (["-d", "input_ids", "1,8"], ["--onnx_define_symbol", "seq", "8"]):
        out = tmp_path / f"m{len(flags)}.qnnpy"
        assert cli.main(["converter", "-i", path, "--output_path", str(out), *flags]) == 0
        (graph,), _ = model_file.load(str(out))
        with GraphRunner(graph) as runner:
            got = runner.run({"input_ids": arrays["input_ids"]})["logits"]
        assert sqnr_db(arrays["logits"], got) >= 100
    assert cli.main(["converter", "-i", path, "--output_path", str(tmp_path / "bad.qnnpy"), "-d", "input_ids",
                     "2,8"]) == 1
    assert "does not fit its declared shape [1, None]" in capsys.readouterr().err
