"""A16W8 LLM graphs (16-bit activations and KV cache, 8-bit per-channel weights, adapters with
their own encodings) against transformers + PEFT in float: for each prompt and adapter case,
the next token after each prefix of the float generation (teacher forcing, 32 tokens) must be
the reference's for at least 95 % of the tokens. Free-running generation is reported beside
it: one near-tie that rounds the other way sends a free run down another path, after which the
two are no longer comparable token by token."""
import numpy as np
import pytest

from qnnpy import QnnBackend
from qnnpy.genie.engine import LlmEngine
from qnnpy.QnnTypes import QNN_DATATYPE_UFIXED_POINT_16
from tests.genie.test_engine import greedy

CASES = (("default_adapter", 1.0, "base"), ("A", 1.0, "a"), ("A", 0.5, "a_half"), ("B", 1.0, "b"))
TOKENS = 32


@pytest.fixture(scope="module")
def quantized_engine(genie_quantized_model):
    work, reference = genie_quantized_model
    _, backend = QnnBackend.QnnBackend_create(None, None)
    yield LlmEngine(backend, (work / "qbin" / "qllm.bin").read_bytes(), reference["config"]["rope_theta"],
                    alpha_names=("alpha",)), work, reference
    QnnBackend.QnnBackend_free(backend)


def teacher_forced(engine, ids, want) -> int:
    engine.reset()
    logits, agree = engine.process(ids), 0
    for k, token in enumerate(want):
        agree += int(np.argmax(logits)) == token
        if k + 1 < len(want):
            logits = engine.process([token])
    return agree


def test_a16w8_next_token_agreement(quantized_engine):
    engine, work, reference = quantized_engine
    graph = engine.graphs[0]
    assert graph.inputs["past_key_0_in"].v1.dataType == QNN_DATATYPE_UFIXED_POINT_16
    rows, forced, free, total = [], 0, 0, 0
    for section, strength, key in CASES:
        engine.apply_section((work / "qbin" / f"q8-q1_{section}.bin").read_bytes())
        engine.set_alpha("alpha", strength)
        case_forced = case_free = case_total = 0
        for prompt in reference["prompts"]:
            want = prompt[key][:TOKENS]
            case_forced += teacher_forced(engine, prompt["ids"], want)
            case_free += sum(g == w for g, w in zip(greedy(engine, prompt["ids"])[:TOKENS], want))
            case_total += len(want)
        rows.append(f"{key:7s} next-token {case_forced}/{case_total}  free-running {case_free}/{case_total}")
        forced, free, total = forced + case_forced, free + case_free, total + case_total
    rows.append(f"all     next-token {forced / total:.1%}  free-running {free / total:.1%}")
    print("\n" + "\n".join(rows))
    assert forced / total >= 0.95, rows


def test_an_adapter_sections_binary_info_lists_every_graph_io_as_the_base_does(genie_quantized_model):
    """Genie refreshes its cached I/O tensors from a section's binary info position by position,
    ids included: the list must be the base's (input_ids too, which no adapter re-encodes), with
    the adapter's encodings. A list of only the re-encoded tensors shifted every id by one, and
    the real libGenie.so then passed a tensor twice (QNN error 6004)."""
    from qnnpy import lora
    work, _ = genie_quantized_model

    def io(info):
        return [[(g.graphInfoV3.graphName, t.v1.name, t.v1.id, t.v1.dataType) for t in ts]
                for g in info.contextBinaryInfoV3.graphs for ts in (g.graphInfoV3.graphInputs,
                                                                     g.graphInfoV3.graphOutputs)]
    base = io(lora.binary_info((work / "qbin" / "qllm.bin").read_bytes()))
    for adapter in ("A", "B", "default_adapter"):
        assert io(lora.binary_info((work / "qbin" / f"q8-q1_{adapter}.bin").read_bytes())) == base, adapter
