"""GenieLog.h, GenieProfile.h and GenieTokenizer.h through the Python API, on the example LLM:
what reaches a bound logger, what a bound profile records, and a tokenizer that agrees with
what the dialog feeds. The real library's answers to the same calls are compared in
test_real_genie.py (scenario tokenizers_logs_profiles)."""
import json

import pytest

from qnnpy import GenieDialog as G, GenieLog as L, GenieProfile as P, GenieTokenizer as T
from qnnpy.GenieCommon import Genie_Status_t as S
from tests.genie.test_dialog import ask, dialog_config


@pytest.fixture
def config(genie_model, monkeypatch):
    work, _ = genie_model
    monkeypatch.chdir(work)
    status, handle = G.GenieDialogConfig_createFromJson(json.dumps(dialog_config()))
    assert status == S.GENIE_STATUS_SUCCESS
    yield handle
    G.GenieDialogConfig_free(handle)


def test_the_tokenizer_encodes_what_the_dialog_feeds(config):
    """encode(prompt) is what a query feeds after bos-token (seen through a token query that
    feeds those ids and replies as the text query did); decode inverts it."""
    _, dialog = G.GenieDialog_create(config)
    status, tokenizer = G.GenieDialog_getTokenizer(dialog)
    assert status == S.GENIE_STATUS_SUCCESS and G.GenieDialog_getTokenizer(dialog) == (status, tokenizer)
    status, ids = T.GenieTokenizer_encode(tokenizer, "the quick brown fox")
    assert status == S.GENIE_STATUS_SUCCESS and ids[0] != 0  # no bos-token in front
    _, pieces = ask(dialog, "the quick brown fox")
    G.GenieDialog_reset(dialog)
    got = []
    G.GenieDialog_tokenQuery(dialog, ids, len(ids), 0, lambda out, n, code, data: got.extend(out), None)
    assert T.GenieTokenizer_decode(tokenizer, got, len(got)) == (S.GENIE_STATUS_SUCCESS, "".join(p for p, _ in pieces))
    assert T.GenieTokenizer_decode(tokenizer, ids, len(ids)) == (S.GENIE_STATUS_SUCCESS, "the quick brown fox")
    assert T.GenieTokenizer_encode(tokenizer, "<s>a</s>")[1] == [0, T.GenieTokenizer_encode(tokenizer, "a")[1][0], 1]
    é = T.GenieTokenizer_encode(tokenizer, "é")[1]
    assert len(é) == 2 and T.GenieTokenizer_decode(tokenizer, é[:1], 1) == (S.GENIE_STATUS_SUCCESS, "")  # half a char
    assert T.GenieTokenizer_decode(tokenizer, [0, 85], 2)[1].startswith("<s>")
    assert T.GenieTokenizer_encode(tokenizer, "") == (S.GENIE_STATUS_ERROR_GENERAL, None)
    assert T.GenieTokenizer_decode(tokenizer, [85], 0)[0] == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    assert T.GenieTokenizer_decode(tokenizer, [85, 4096], 2)[0] == S.GENIE_STATUS_ERROR_GENERAL  # outside the vocabulary
    assert T.GenieTokenizer_decode(tokenizer, [85], 2)[0] == S.GENIE_STATUS_ERROR_GENERAL  # fewer ids than counted
    assert T.GenieTokenizer_encode(tokenizer, None)[0] == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    G.GenieDialog_free(dialog)
    assert T.GenieTokenizer_encode(tokenizer, "x")[0] == S.GENIE_STATUS_ERROR_INVALID_HANDLE


def test_a_bound_logger_gets_the_dialogs_lines_up_to_its_level(config):
    heard = {}
    for level in (L.GENIE_LOG_LEVEL_ERROR, L.GENIE_LOG_LEVEL_WARN):
        lines = heard[level] = []
        status, log = L.GenieLog_create(None, lambda h, fmt, lvl, stamp, args, lines=lines:
                                        lines.append((h, fmt % args, lvl, stamp)), level)
        assert status == S.GENIE_STATUS_SUCCESS
        assert G.GenieDialogConfig_bindLogger(config, log) == S.GENIE_STATUS_SUCCESS
        _, dialog = G.GenieDialog_create(config)
        assert G.GenieDialog_applyLora(dialog, "primary", "nope") == S.GENIE_STATUS_ERROR_GENERAL
        G.GenieDialog_applyLora(dialog, "primary", "A")
        ask(dialog, "the fox")  # no strength set: a warning
        G.GenieDialog_free(dialog)
        assert L.GenieLog_free(log) == S.GENIE_STATUS_SUCCESS
        assert L.GenieLog_free(log) == S.GENIE_STATUS_ERROR_INVALID_HANDLE
        assert all(h == log for h, _, _, _ in lines) and [s for *_, s in lines] == sorted(s for *_, s in lines)
    assert [lvl for _, _, lvl, _ in heard[L.GENIE_LOG_LEVEL_ERROR]] == [L.GENIE_LOG_LEVEL_ERROR]
    assert "nope" in heard[L.GENIE_LOG_LEVEL_ERROR][0][1]
    assert [lvl for _, _, lvl, _ in heard[L.GENIE_LOG_LEVEL_WARN]] == [L.GENIE_LOG_LEVEL_ERROR, L.GENIE_LOG_LEVEL_WARN]
    assert "no strength was set" in heard[L.GENIE_LOG_LEVEL_WARN][1][1]
    _, dialog = G.GenieDialog_create(config)  # bound to a freed logger: nothing more arrives
    G.GenieDialog_applyLora(dialog, "primary", "nope")
    G.GenieDialog_free(dialog)
    assert len(heard[L.GENIE_LOG_LEVEL_WARN]) == 2
    assert [L.GenieLog_create(None, None, level)[0] for level in (0, 5, True)] == [S.GENIE_STATUS_ERROR_INVALID_ARGUMENT] * 3
    assert L.GenieLog_create(7, None, 1)[0] == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT  # the config must be NULL


def test_a_bound_profile_records_creates_switches_and_queries(config, genie_model):
    _, reference = genie_model
    _, profile = P.GenieProfile_create(None)
    assert G.GenieDialogConfig_bindProfiler(config, profile) == S.GENIE_STATUS_SUCCESS
    _, dialog = G.GenieDialog_create(config)
    G.GenieDialog_applyLora(dialog, "primary", "nope")
    G.GenieDialog_applyLora(dialog, "primary", "A")
    G.GenieDialog_setLoraStrength(dialog, "primary", "alpha", 1.0)
    G.GenieDialog_setMaxNumTokens(dialog, 5)
    prompt = reference["prompts"][0]
    _, pieces = ask(dialog, prompt["text"])
    assert P.GenieProfile_free(profile) == S.GENIE_STATUS_ERROR_BOUND_HANDLE  # the dialog lives
    status, text = P.GenieProfile_getJsonData(profile)
    doc = json.loads(text)
    assert doc["header"]["artifact_type"] == "GENIE_PROFILE" and doc["metadata"]["timestamp"] > 0
    [component] = doc["components"]
    assert component["name"].startswith("dialog") and component["type"] == "dialog"
    events = component["events"]
    assert [e["type"] for e in events] == ["GenieDialog_create", "GenieDialog_applyLora", "GenieDialog_applyLora",
                                          "GenieDialog_query"]
    assert "lora-adapter-switching-time" not in events[1] and events[2]["lora-adapter-switching-time"]["unit"] == "us"
    query = events[3]
    assert query["num-prompt-tokens"]["value"] == len(prompt["ids"])  # bos-token and the prompt
    assert query["num-generated-tokens"]["value"] == len(pieces) - 1 == 5
    assert all(e["start"] <= e["stop"] and e["duration"] == e["stop"] - e["start"] for e in events)
    assert query["time-to-first-token"]["value"] <= query["duration"]
    G.GenieDialog_free(dialog)
    assert P.GenieProfile_free(profile) == S.GENIE_STATUS_ERROR_BOUND_HANDLE  # the config lives
    G.GenieDialogConfig_free(config)
    assert P.GenieProfile_free(profile) == S.GENIE_STATUS_SUCCESS
    assert P.GenieProfile_getJsonData(profile)[0] == S.GENIE_STATUS_ERROR_INVALID_HANDLE


@pytest.mark.parametrize("content, warned", [(None, True), ("not json", True), ('{"devices": []}', False)])
def test_a_backend_extensions_file_that_cannot_be_read_is_a_warning(genie_model, monkeypatch, tmp_path, content,
                                                                    warned):
    """As measured on the real libGenie.so (with its extensions library at hand): a missing or
    unparsable file is a warning and the dialog is created."""
    work, _ = genie_model
    monkeypatch.chdir(work)
    path = tmp_path / "htp_backend_ext_config.json"
    if content is not None:
        path.write_text(content)
    doc = dialog_config(**{"dialog/engine/backend/extensions": str(path)})
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(doc))
    lines = []
    _, log = L.GenieLog_create(None, lambda h, fmt, level, stamp, args: lines.append(fmt % args), 2)
    G.GenieDialogConfig_bindLogger(config, log)
    status, dialog = G.GenieDialog_create(config)
    assert status == S.GENIE_STATUS_SUCCESS
    assert any("Unable to load backend extensions config" in line for line in lines) == warned
    G.GenieDialog_free(dialog)
    G.GenieDialogConfig_free(config)
    L.GenieLog_free(log)


def test_enum_arguments_of_the_wrong_python_type_are_invalid_arguments(config):
    """Found by the fuzz campaign: an array given as a level or a policy was an internal error."""
    import numpy as np
    _, dialog = G.GenieDialog_create(config)
    for value in (np.zeros(2), 2.0, "30", None, True):
        assert G.GenieDialog_setPerformancePolicy(dialog, value) == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
        assert L.GenieLog_create(None, None, value)[0] == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    assert G.GenieDialog_getPerformancePolicy(dialog) == (S.GENIE_STATUS_SUCCESS, 30)  # unchanged
    G.GenieDialog_free(dialog)


def test_text_that_is_not_utf8_is_refused_where_the_real_library_refuses_it(config):
    """A C string with a byte that is not UTF-8 reaches Python as a lone surrogate: a prompt
    fails to tokenize (GENERAL, one ABORT piece, nothing fed), text to encode is GENERAL,
    JSON — a config, stop sequences — is JSON_FORMAT (measured on the real libGenie.so)."""
    from qnnpy import GenieSampler as GS
    bad = b"caf\xe9".decode("utf-8", "surrogateescape")
    _, dialog = G.GenieDialog_create(config)
    status, pieces = ask(dialog, f"the {bad}")
    assert status == S.GENIE_STATUS_ERROR_GENERAL and pieces == [("", G.GENIE_DIALOG_SENTENCE_ABORT)]
    assert G.GenieDialog_getValue(dialog, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY) == (S.GENIE_STATUS_SUCCESS, 0)
    _, tokenizer = G.GenieDialog_getTokenizer(dialog)
    assert T.GenieTokenizer_encode(tokenizer, bad)[0] == S.GENIE_STATUS_ERROR_GENERAL
    assert G.GenieDialog_setStopSequence(dialog, json.dumps({"stop-sequence": [bad]}, ensure_ascii=False)) == \
        S.GENIE_STATUS_ERROR_JSON_FORMAT
    assert GS.GenieSamplerConfig_createFromJson(f'{{"sampler": {{"version": 1, "x{bad}": 1}}}}')[0] == \
        S.GENIE_STATUS_ERROR_JSON_FORMAT
    assert G.GenieDialogConfig_createFromJson(json.dumps(dialog_config(**{"dialog/tokenizer/path": bad}),
                                                         ensure_ascii=False))[0] == S.GENIE_STATUS_ERROR_JSON_FORMAT
    assert ask(dialog, "the fox")[0] in (S.GENIE_STATUS_SUCCESS, S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED)  # goes on
    G.GenieDialog_free(dialog)


def test_a_resume_token_query_with_an_array_count_is_an_invalid_argument(config):
    """Found by the fuzz campaign (seed 37): numTokens as an array with RESUME was an internal error."""
    import numpy as np
    _, dialog = G.GenieDialog_create(config)
    assert G.GenieDialog_tokenQuery(dialog, [1], np.zeros(2), G.GENIE_DIALOG_SENTENCE_RESUME,
                                    lambda *a: None, None) == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    G.GenieDialog_free(dialog)


def test_key_2_counts_the_tokens_sampled_since_the_last_complete_or_begin_query(config, tmp_path, monkeypatch):
    """Measured on the real libGenie.so (which answers key 2 though its header does not name
    it): a reply cut at 3 tokens counts 3, an eos-token counts as sampled, a BEGIN piece or a
    reset starts over at 0, an END piece goes on counting, and a saved dialog keeps the count."""
    from qnnpy import GenieSampler as GS
    from qnnpy.genie import sampler as sampler_module
    monkeypatch.setattr(sampler_module, "CALLBACKS", {})
    monkeypatch.setattr(GS, "CALLBACKS", sampler_module.CALLBACKS)
    script = []
    GS.GenieSampler_registerCallback("script", lambda size, logits, n, out: out.__setitem__(0, script.pop(0)))
    _, dialog = G.GenieDialog_create(config)
    sampled = lambda: G.GenieDialog_getValue(dialog, 2)  # noqa: E731
    G.GenieDialog_setMaxNumTokens(dialog, 3)
    ask(dialog, "the fox")
    assert sampled() == (S.GENIE_STATUS_SUCCESS, 3)
    _, sampler = G.GenieDialog_getSampler(dialog)
    _, custom = GS.GenieSamplerConfig_createFromJson('{"sampler": {"version": 1, "type": "custom", '
                                                     '"callback-name": "script"}}')
    GS.GenieSampler_applyConfig(sampler, custom)
    script[:] = [67, 1]  # a token, then the eos-token
    ask(dialog, " runs")
    assert sampled()[1] == 2
    G.GenieDialog_query(dialog, " a", G.GENIE_DIALOG_SENTENCE_BEGIN, lambda *a: None, None)
    assert sampled()[1] == 0
    script[:] = [67, 68, 69]
    G.GenieDialog_query(dialog, " b", G.GENIE_DIALOG_SENTENCE_END, lambda *a: None, None)
    assert sampled()[1] == 3
    assert G.GenieDialog_save(dialog, str(tmp_path / "saved")) == S.GENIE_STATUS_SUCCESS
    G.GenieDialog_reset(dialog)
    assert sampled()[1] == 0
    assert G.GenieDialog_restore(dialog, str(tmp_path / "saved")) == S.GENIE_STATUS_SUCCESS
    assert sampled()[1] == 3
    assert G.GenieDialog_getValue(dialog, 3)[0] == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    G.GenieDialog_free(dialog)
