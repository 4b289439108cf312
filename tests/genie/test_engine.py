"""The LLM engine on the prompt and token graphs of one context binary: greedy generation is
token for token what transformers + PEFT ``generate()`` gives (stored with the fixture) for the
base, adapter A, A at strength 0.5 and adapter B, on every prompt; adapters switch by their
super-adapter sections and strength through the alpha input."""
import numpy as np
import pytest

from qnnpy import QnnBackend
from qnnpy.genie.engine import EngineError, LlmEngine


def greedy(engine, ids):
    engine.reset()
    out, logits = [], engine.process(ids)
    while True:
        token = int(np.argmax(logits))
        out.append(token)
        if token == 1 or len(ids) + len(out) >= engine.size:
            return out
        logits = engine.process([token])


@pytest.fixture
def engine(genie_model):
    work, reference = genie_model
    config = reference["config"]
    _, backend = QnnBackend.QnnBackend_create(None, None)
    yield LlmEngine(backend, (work / "bin" / "llm.bin").read_bytes(), config["rope_theta"], config["mask"],
                    ("alpha",)), work, reference
    QnnBackend.QnnBackend_free(backend)


def test_the_context_holds_a_prompt_and_a_token_graph_of_one_context_length(engine):
    eng, _, reference = engine
    assert (eng.prompt_graph.ar, eng.token_graph.ar, eng.size) == (8, 1, reference["config"]["context"])
    assert eng.layers == reference["config"]["layers"]


@pytest.mark.parametrize("adapter, alpha, key", [("default_adapter", 1.0, "base"), ("A", 1.0, "a"), ("A", 0.5, "a_half"),
                                                 ("B", 1.0, "b")])
def test_greedy_generation_equals_transformers(engine, adapter, alpha, key):
    eng, work, reference = engine
    eng.apply_section((work / "bin" / f"ar8-ar1_{adapter}.bin").read_bytes())
    eng.set_alpha("alpha", alpha)
    for prompt in reference["prompts"]:
        assert greedy(eng, prompt["ids"]) == prompt[key], prompt["text"]


def test_a_prompt_longer_than_the_context_is_refused_and_the_cache_kept(engine):
    eng, _, reference = engine
    ids = reference["prompts"][0]["ids"]
    eng.process(ids)
    with pytest.raises(EngineError, match="do not fit the context"):
        eng.process([5] * (eng.size - len(ids) + 1))
    assert eng.filled == len(ids)
    with pytest.raises(EngineError, match="not an alpha tensor"):
        eng.set_alpha("beta", 1.0)


def test_graph_switching_keeps_one_graph_resident_and_its_adapter(genie_model):
    """Genie's enable-graph-switching: the prompt and token graphs evict each other (the hint
    is narrowed to one graph's bytes here — the tiny model fits Genie's 1024 MB twice over),
    every reload re-applies the adapter from the kept section, and replies stay transformers'."""
    from qnnpy import _handles
    work, reference = genie_model
    _, backend = QnnBackend.QnnBackend_create(None, None)
    eng = LlmEngine(backend, (work / "bin" / "llm.bin").read_bytes(), reference["config"]["rope_theta"],
                    alpha_names=("alpha",), graph_switching=True)
    residency = _handles.get(eng.context, "context").residency
    residency.limit = max(residency.estimated_bytes(g) for g in _handles.get(eng.context, "context").graphs.values())
    for adapter, alpha, key in (("B", 1.0, "b"), ("A", 1.0, "a"), ("A", 0.5, "a_half")):  # the export holds A
        eng.apply_section((work / "bin" / f"ar8-ar1_{adapter}.bin").read_bytes())
        eng.set_alpha("alpha", alpha)
        reapplied = residency.reapplies
        for prompt in reference["prompts"]:
            assert greedy(eng, prompt["ids"]) == prompt[key], (adapter, prompt["text"])
            assert len(residency.loaded) == 1
        assert residency.reapplies > reapplied  # the graph that was out when the adapter came got it on reload
    assert residency.evictions >= 6
    QnnBackend.QnnBackend_free(backend)


def test_graphs_that_quantize_a_shared_tensor_differently_are_refused(genie_quantized_model, tmp_path):
    """Each graph converted with its own calibration ranges (free8/free1, no shared
    overrides): the caches and RoPE inputs get different encodings in the two graphs, which
    Genie's shared buffers would misread (the real libGenie.so refuses such a model too)."""
    from tests.genie.conftest import qnnpy
    work, reference = genie_quantized_model
    qnnpy("context-binary-generator", "--model", work / "free8.qnnpy", "--model", work / "free1.qnnpy",
          "--binary_file", "free", "--output_dir", tmp_path)
    _, backend = QnnBackend.QnnBackend_create(None, None)
    with pytest.raises(EngineError, match="quantized differently where Genie shares its buffer"):
        LlmEngine(backend, (tmp_path / "free.bin").read_bytes(), alpha_names=("alpha",))
    QnnBackend.QnnBackend_free(backend)
