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
EXPORTS = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(FIXTURES, "*.onnx")))


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
