"""LLMs split into ctx-bins by layer ranges, as on-device LLMs ship: llm-split cuts the
exports where the residual stream crosses between layers (each part equal to its share of the
whole model under onnxruntime), the toolchain builds a context binary and adapter sections per
part, and a dialog whose ctx-bins and bin-sections list the parts replies as transformers."""
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from tokenizers import Tokenizer

from qnnpy import GenieDialog as G
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.tools import genie_demo, llm_split
from tests.genie.test_dialog import ask


def _random_feeds(model, seed):
    rng, feeds = np.random.default_rng(seed), {}
    for item in model.graph.input:
        shape = [d.dim_value for d in item.type.tensor_type.shape.dim]
        feeds[item.name] = (rng.integers(0, 256, shape).astype(np.int32) if item.name == "input_ids"
                            else (rng.standard_normal(shape) * 0.5).astype(np.float32))
    return feeds


@pytest.mark.parametrize("ar", [8, 1])
def test_the_parts_chained_compute_the_whole_model(genie_split_model, ar):
    work, _ = genie_split_model
    whole = onnx.load(work / f"model_ar{ar}.onnx")
    feeds = _random_feeds(whole, ar)
    expected = dict(zip([o.name for o in whole.graph.output],
                        ort.InferenceSession(whole.SerializeToString()).run(None, feeds)))
    have = dict(feeds)
    parts = [onnx.load(work / f"model_ar{ar}_{p}_of_2.onnx") for p in (1, 2)]
    assert [i.name for i in parts[0].graph.input][0] == "input_ids" and parts[1].graph.output[0].name == "logits"
    assert {i.name for i in parts[0].graph.input} >= {"past_key_0_in", "past_value_0_in"}
    assert {i.name for i in parts[1].graph.input} >= {"past_key_1_in", "past_value_1_in"}
    for part in parts:
        outs = ort.InferenceSession(part.SerializeToString()).run(None, {i.name: have[i.name] for i in part.graph.input})
        have.update(zip([o.name for o in part.graph.output], outs))
    for name, value in expected.items():
        np.testing.assert_allclose(have[name], value, rtol=1e-5, atol=1e-5, err_msg=name)


def test_llm_split_refuses_what_it_cannot_cut():
    model = onnx.load(f"{genie_demo.EXAMPLE}/model_ar1.onnx")
    with pytest.raises(llm_split.SplitError, match="3 parts of a 2-layer model"):
        llm_split.split(model, 3)
    plain = onnx.helper.make_model(onnx.helper.make_graph(
        [onnx.helper.make_node("Relu", ["x"], ["y"])], "g",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])]))
    with pytest.raises(llm_split.SplitError, match="not in Genie's conventions"):
        llm_split.split(plain, 2)


@pytest.fixture
def split_dialog(genie_split_model, monkeypatch):
    work, reference = genie_split_model
    monkeypatch.chdir(work)
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(genie_demo.dialog_config(reference, parts=2)))
    status, handle = G.GenieDialog_create(config)
    assert status == S.GENIE_STATUS_SUCCESS
    yield handle, reference, Tokenizer.from_file(str(work / "tokenizer.json"))
    G.GenieDialog_free(handle)
    G.GenieDialogConfig_free(config)


@pytest.mark.parametrize("adapter, alpha, key", [("none", 1.0, "base"), ("B", 1.0, "b"), ("A", 1.0, "a"),
                                                 ("A", 0.5, "a_half")])
def test_a_split_model_replies_as_transformers(split_dialog, adapter, alpha, key):
    handle, reference, tokenizer = split_dialog
    assert G.GenieDialog_applyLora(handle, "primary", adapter) == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_setLoraStrength(handle, "primary", "alpha", alpha) == S.GENIE_STATUS_SUCCESS
    for prompt in reference["prompts"]:
        G.GenieDialog_reset(handle)
        _, pieces = ask(handle, prompt["text"])
        assert "".join(p for p, _ in pieces) == genie_demo.expected_reply(tokenizer, prompt[key]), prompt["text"]


def test_each_part_gets_only_its_own_adapter_section(genie_split_model, monkeypatch):
    """An adapter's second section alone ("" for the first part) changes only the second part:
    with B's second section on top of the default adapter, the reply differs from both the base
    and B (B's first part is missing), and applying B's first section then gives B's reply."""
    work, reference = genie_split_model
    monkeypatch.chdir(work)
    doc = genie_demo.dialog_config(reference, parts=2)
    adapters = doc["dialog"]["engine"]["model"]["binary"]["lora"]["adapters"]
    b_files = next(a["bin-sections"] for a in adapters if a["name"] == "B")
    adapters += [{"version": 1, "name": "B-second", "bin-sections": ["", b_files[1]]},
                 {"version": 1, "name": "B-first", "bin-sections": [b_files[0], ""]}]
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(doc))
    _, handle = G.GenieDialog_create(config)
    tokenizer = Tokenizer.from_file(str(work / "tokenizer.json"))
    prompt = reference["prompts"][0]
    replies = []
    for name in ("none", "B-second", "B-first"):
        assert G.GenieDialog_applyLora(handle, "primary", name) == S.GENIE_STATUS_SUCCESS
        G.GenieDialog_reset(handle)
        replies.append("".join(p for p, _ in ask(handle, prompt["text"])[1]))
    base, b = (genie_demo.expected_reply(tokenizer, prompt[k]) for k in ("base", "b"))
    assert replies[0] == base and replies[1] not in (base, b) and replies[2] == b
    G.GenieDialog_free(handle)
    G.GenieDialogConfig_free(config)


@pytest.mark.parametrize("change, message", [
    (lambda doc: doc["ctx-bins"].reverse(), "layers [1, 0]"),
    (lambda doc: doc["lora"]["adapters"][0]["bin-sections"].pop(), "must align with ctx-bins (2)"),
])
def test_split_configs_that_do_not_fit_fail_at_create(genie_split_model, monkeypatch, caplog, change, message):
    work, reference = genie_split_model
    monkeypatch.chdir(work)
    doc = genie_demo.dialog_config(reference, parts=2)
    change(doc["dialog"]["engine"]["model"]["binary"])
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(doc))
    assert G.GenieDialog_create(config) == (S.GENIE_STATUS_ERROR_GENERAL, None)
    assert message in caplog.records[-1].getMessage()
    G.GenieDialogConfig_free(config)
