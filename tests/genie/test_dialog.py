"""The Genie dialog API on the fixture's context binary and super-adapter sections, driven by
a dialog JSON written as for a device: the streamed replies are the text of transformers'
greedy generations (base, adapter A, A at strength 0.5, adapter B), and every misuse gets
the status Genie gives it."""
import json
import os
import threading

import numpy as np
import pytest
from tokenizers import Tokenizer

from qnnpy import GenieDialog as G
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.tools import genie_demo


def dialog_config(**changes) -> dict:
    """The demo's dialog JSON (both models share its numbers), with ``changes`` made: a path of
    keys joined by '/' to a new value, or to None to delete the key."""
    with open(os.path.join(genie_demo.EXAMPLE, "reference.json")) as f:
        doc = genie_demo.dialog_config(json.load(f))
    for path, value in changes.items():
        node = doc
        keys = path.split("/")
        for key in keys[:-1]:
            node = node[int(key) if key.isdigit() else key]
        if value is None:
            del node[keys[-1]]
        else:
            node[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return doc


@pytest.fixture
def dialog(genie_model, monkeypatch):
    work, reference = genie_model
    monkeypatch.chdir(work)  # relative paths resolve against the working directory, as in Genie
    status, config = G.GenieDialogConfig_createFromJson(json.dumps(dialog_config()))
    assert status == S.GENIE_STATUS_SUCCESS
    status, handle = G.GenieDialog_create(config)
    assert status == S.GENIE_STATUS_SUCCESS
    yield handle, config, reference, Tokenizer.from_file(str(work / "tokenizer.json"))
    assert G.GenieDialog_free(handle) == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialogConfig_free(config) == S.GENIE_STATUS_SUCCESS


def ask(handle, text):
    pieces = []
    status = G.GenieDialog_query(handle, text, G.GENIE_DIALOG_SENTENCE_COMPLETE,
                                 lambda piece, code, data: data.append((piece, code)), pieces)
    return status, pieces


@pytest.mark.parametrize("adapter, alpha, key", [("none", 1.0, "base"), ("A", 1.0, "a"),
                                                 ("A", 0.5, "a_half"), ("B", 1.0, "b")])
def test_replies_are_transformers_greedy_generations(dialog, adapter, alpha, key):
    handle, _, reference, tokenizer = dialog
    assert G.GenieDialog_applyLora(handle, "primary", adapter) == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_setLoraStrength(handle, "target", "alpha", alpha) == S.GENIE_STATUS_SUCCESS
    for prompt in reference["prompts"]:
        assert G.GenieDialog_reset(handle) == S.GENIE_STATUS_SUCCESS
        status, pieces = ask(handle, prompt["text"])
        expected = prompt[key][:-1] if prompt[key][-1] == 1 else prompt[key]  # </s> ends a reply, unshown
        assert "".join(p for p, _ in pieces) == tokenizer.decode(expected)
        assert [c for _, c in pieces][0] == G.GENIE_DIALOG_SENTENCE_BEGIN and pieces[-1] == ("", G.GENIE_DIALOG_SENTENCE_END)
        assert set(c for _, c in pieces[1:-1]) <= {G.GENIE_DIALOG_SENTENCE_CONTINUE}
        full = len(prompt["ids"]) + len(prompt[key]) == 64
        assert status == (S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED if full else S.GENIE_STATUS_SUCCESS)
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER) == (S.GENIE_STATUS_SUCCESS, adapter)


def test_the_cache_is_kept_between_queries_until_reset(dialog):
    handle, _, _, tokenizer = dialog
    assert G.GenieDialog_setMaxNumTokens(handle, 3) == S.GENIE_STATUS_SUCCESS
    ask(handle, "the fox")
    status, first = G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)
    assert status == S.GENIE_STATUS_SUCCESS and first == 1 + len(tokenizer.encode("the fox").ids) + 2
    ask(handle, " runs")
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1] == \
        first + 3 + len(tokenizer.encode(" runs").ids) + 2  # the 1st reply's unfed 3rd token, </s>, <s>
    G.GenieDialog_reset(handle)
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1] == 0


def test_a_query_beyond_the_context_ends_its_stream_and_warns(dialog):
    handle = dialog[0]
    status, pieces = ask(handle, "the quick brown fox " * 20)
    assert status == S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED and pieces == [("", G.GENIE_DIALOG_SENTENCE_END)]


def test_misuse_gets_genie_codes_and_changes_nothing(dialog):
    handle, config, _, _ = dialog
    assert G.GenieDialog_applyLora(handle, "primary", "A") == S.GENIE_STATUS_SUCCESS
    cases = [
        (G.GenieDialog_applyLora(handle, "primary", "C"), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_applyLora(handle, "sidekick", "B"), S.GENIE_STATUS_ERROR_GENERAL),  # as the real library
        (G.GenieDialog_setLoraStrength(handle, "sidekick", "alpha", 0.5), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_releaseLoraMemory(handle, "sidekick", "A"), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_tokenQuery(handle, None, 3, G.GENIE_DIALOG_SENTENCE_COMPLETE, print, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_tokenQuery(handle, [5, 6], 3, G.GENIE_DIALOG_SENTENCE_COMPLETE, print, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_tokenQuery(handle, [5], 1, G.GENIE_DIALOG_SENTENCE_COMPLETE, None, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_tokenQuery(handle, [5], 1, G.GENIE_DIALOG_SENTENCE_RESUME, print, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_tokenQuery(handle, [], 0, G.GENIE_DIALOG_SENTENCE_RESUME, print, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),  # nothing is paused
        (G.GenieDialog_signal(handle, 0), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_signal(handle, 3), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_setPriority(handle, "primary", 50), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_setPriority(handle, "draft", 100), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_setPriority(handle, None, 100), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_setOemKey(handle, None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_save(handle, None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_restore(handle, None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_applyLora(handle, "draft", "B"), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_applyLora(handle, "primary", None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_applyLora(12345, "primary", "B"), S.GENIE_STATUS_ERROR_INVALID_HANDLE),
        (G.GenieDialog_applyLora(config, "primary", "B"), S.GENIE_STATUS_ERROR_INVALID_HANDLE),
        (G.GenieDialog_setLoraStrength(handle, "primary", "beta", 0.5), S.GENIE_STATUS_ERROR_GENERAL),
        (G.GenieDialog_setLoraStrength(handle, "primary", "alpha", "0.5"), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_query(handle, "hi", G.GENIE_DIALOG_SENTENCE_COMPLETE, None, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_query(handle, None, G.GENIE_DIALOG_SENTENCE_COMPLETE, print, None),
         S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_query(handle, "hi", 9, print, None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_query(handle, "hi", [1], print, None), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_getValue(handle, 7)[0], S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_setMaxNumTokens(handle, -1), S.GENIE_STATUS_ERROR_INVALID_ARGUMENT),
        (G.GenieDialog_create(None), (S.GENIE_STATUS_ERROR_INVALID_HANDLE, None)),
        (G.GenieDialogConfig_free(handle), S.GENIE_STATUS_ERROR_INVALID_HANDLE),
    ]
    assert [got for got, _ in cases] == [want for _, want in cases]
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER) == (S.GENIE_STATUS_SUCCESS, "A")


@pytest.mark.parametrize("change, status", [
    ({"dialog/context/colour": 1}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/engine/model/binary/lora/adapters/0/rank": 8}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/tokenizer": None}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/engine/backend/QnnHtp/poll": None}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/context/size": "64"}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/type": "spd"}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/sampler/top-p": 1.5}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/engine/model/binary/lora/lora-version": 4}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
    ({"dialog/engine/role": "primary"}, S.GENIE_STATUS_ERROR_JSON_SCHEMA),
])
def test_configs_are_checked_against_the_schema(change, status):
    assert G.GenieDialogConfig_createFromJson(json.dumps(dialog_config(**change))) == (status, None)


def test_text_that_is_not_json_or_not_a_string():
    assert G.GenieDialogConfig_createFromJson('{"dialog": ') == (S.GENIE_STATUS_ERROR_JSON_FORMAT, None)
    assert G.GenieDialogConfig_createFromJson(None) == (S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, None)


def test_a_missing_adapter_file_is_named(genie_model, monkeypatch):
    work, _ = genie_model
    monkeypatch.chdir(work)
    doc = dialog_config(**{"dialog/engine/model/binary/lora/adapters/1/bin-sections": ["bin/missing.bin"]})
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(doc))
    _, handle = G.GenieDialog_create(config)
    lines = []
    from qnnpy import QnnLog
    _, logger = QnnLog.QnnLog_create(lambda fmt, level, ts, args: lines.append(fmt % args), 5)
    assert G.GenieDialog_applyLora(handle, "primary", "B") == S.GENIE_STATUS_ERROR_GENERAL
    assert "Can't access adapter file bin/missing.bin" in lines[-1]
    QnnLog.QnnLog_free(logger)
    G.GenieDialog_free(handle)
    G.GenieDialogConfig_free(config)


@pytest.mark.parametrize("change, status", [
    ({"dialog/context/size": 128}, S.GENIE_STATUS_ERROR_INVALID_CONFIG),  # more than the model's 64
    ({"dialog/context/size": 0}, S.GENIE_STATUS_ERROR_INVALID_CONFIG),
    ({"dialog/engine/model/binary/lora/adapters/1/bin-sections": ["a.bin", "b.bin"]}, S.GENIE_STATUS_ERROR_GENERAL),
    ({"dialog/engine/model/binary/ctx-bins": []}, S.GENIE_STATUS_ERROR_GENERAL),
    ({"dialog/engine/model/positional-encoding/rope-dim": 16}, S.GENIE_STATUS_ERROR_GENERAL),
    ({"dialog/engine/model/positional-encoding/type": "alibi"}, S.GENIE_STATUS_ERROR_GENERAL),
])
def test_configs_genie_takes_but_the_model_cannot_serve_fail_at_create(genie_model, monkeypatch, change, status):
    monkeypatch.chdir(genie_model[0])
    assert_created_as(dialog_config(**change), status)


def assert_created_as(doc, status):
    err, config = G.GenieDialogConfig_createFromJson(json.dumps(doc))
    assert err == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_create(config) == (status, None)
    G.GenieDialogConfig_free(config)


def test_genie_t2t_run_prints_the_adapted_reply(genie_model, monkeypatch, tmp_path, capsys):
    """The tool as a device script calls it: -c config -p prompt -l adapter,alpha,value."""
    from qnnpy.tools import qairt
    work, reference = genie_model
    monkeypatch.chdir(work)
    (tmp_path / "dialog.json").write_text(json.dumps(dialog_config()))
    tokenizer = Tokenizer.from_file(str(work / "tokenizer.json"))
    for prompt in reference["prompts"]:
        fills = len(prompt["ids"]) + len(prompt["a_half"]) == 64  # a reply that fills the context fails the tool
        assert qairt.genie_t2t_run_main(["-c", str(tmp_path / "dialog.json"), "-p", prompt["text"],
                                         "-l", "A,alpha,0.5"]) == (1 if fills else 0)
        out = capsys.readouterr().out
        expected = prompt["a_half"][:-1] if prompt["a_half"][-1] == 1 else prompt["a_half"]
        assert out == (f"Using libGenie.so version 1.13.0\n\n[PROMPT]: {prompt['text']}\n\n"
                       f"[BEGIN]: {tokenizer.decode(expected)}[END]\n")  # the real tool's format
    assert qairt.genie_t2t_run_main(["-c", str(tmp_path / "dialog.json"), "-p", "x", "-l", "A,alpha"]) == 1
    assert "even count" in capsys.readouterr().err


def test_genie_t2t_run_example_sampler_is_greedy(genie_model, monkeypatch, tmp_path, capsys):
    """--add_example_sampler registers the real tool's 'customProcessGreedy' (the largest
    logit): a config naming it replies with transformers' greedy ids; without the flag the
    name is unregistered and the query fails."""
    from qnnpy.genie import sampler
    from qnnpy.tools import qairt
    monkeypatch.setattr(sampler, "CALLBACKS", {})
    monkeypatch.setattr("qnnpy.GenieSampler.CALLBACKS", sampler.CALLBACKS)
    work, reference = genie_model
    monkeypatch.chdir(work)
    custom = {"version": 1, "type": "custom", "callback-name": "customProcessGreedy"}
    (tmp_path / "dialog.json").write_text(json.dumps(dialog_config(**{"dialog/sampler": custom})))
    prompt = reference["prompts"][0]
    ids = prompt["ids"][1:] if prompt["ids"][0] == 0 else prompt["ids"]
    (tmp_path / "ids.txt").write_text(" ".join(map(str, ids)))
    run = ["-c", str(tmp_path / "dialog.json"), "-tok", str(tmp_path / "ids.txt"), "-l", "B"]
    assert qairt.genie_t2t_run_main(run) == 1
    assert "the query failed: GENIE_STATUS_ERROR_GENERAL" in capsys.readouterr().err
    fills = len(prompt["ids"]) + len(prompt["b"]) == 64
    assert qairt.genie_t2t_run_main(run + ["--add_example_sampler"]) == int(fills)
    expected = prompt["b"][:-1] if prompt["b"][-1] == 1 else prompt["b"]
    assert "[BEGIN]: " + "".join(f"{t} " for t in expected) + "[END]" in capsys.readouterr().out


def test_genie_t2t_run_writes_a_profile_and_logs(genie_model, monkeypatch, tmp_path, capsys):
    """--profile FILE: the dialog's GenieProfile JSON (create, the adapter switch, the query
    with its token counts); --log warn: the dialog's warnings on stderr (-l without a strength
    leaves the alpha unset)."""
    from qnnpy.tools import qairt
    work, reference = genie_model
    monkeypatch.chdir(work)
    short = dialog_config(**{"dialog/context/eos-token": [1, 222]})  # replies end at a space
    (tmp_path / "dialog.json").write_text(json.dumps(short))
    prompt = reference["prompts"][0]
    run = ["-c", str(tmp_path / "dialog.json"), "-p", prompt["text"], "-l", "A"]
    assert qairt.genie_t2t_run_main(run + ["--profile", str(tmp_path / "p.json"), "--log", "warn"]) == 0
    assert "[WARN] adapter 'A' is applied but no strength was set" in capsys.readouterr().err
    events = json.loads((tmp_path / "p.json").read_text())["components"][0]["events"]
    assert [e["type"] for e in events] == ["GenieDialog_create", "GenieDialog_applyLora", "GenieDialog_query"]
    assert events[2]["num-prompt-tokens"]["value"] == len(prompt["ids"])
    reply = prompt["a"] + [1]
    assert events[2]["num-generated-tokens"]["value"] == min(reply.index(1), (reply + [222]).index(222))
    assert qairt.genie_t2t_run_main(run + ["--profile", str(tmp_path / "p.json")]) == 1  # exists: refused
    assert qairt.genie_t2t_run_main(run + ["--log", "error"]) == 0
    assert "[WARN]" not in capsys.readouterr().err


def test_genie_t2t_run_token_files_saves_rewinds_and_actions(genie_model, monkeypatch, tmp_path, capsys):
    """-tok: the ids in, transformers' ids out; -s then -r: the saved conversation continues
    as the unsaved one did; -w: a REWIND query after the first; --action PAUSE: the query
    stops with the real tool's line; the flags qnnpy cannot honour are refused by name."""
    from qnnpy.tools import qairt
    work, reference = genie_model
    monkeypatch.chdir(work)
    config = str(tmp_path / "dialog.json")
    (tmp_path / "dialog.json").write_text(json.dumps(dialog_config()))
    prompt = reference["prompts"][0]
    ids = prompt["ids"][1:] if prompt["ids"][0] == 0 else prompt["ids"]
    (tmp_path / "ids.txt").write_text(" ".join(map(str, ids[:4])) + "\n" + " ".join(map(str, ids[4:])) + "\n")
    fills = len(prompt["ids"]) + len(prompt["a"]) == 64
    assert qairt.genie_t2t_run_main(["-c", config, "-tok", str(tmp_path / "ids.txt"), "-l", "A"]) == int(fills)
    out = capsys.readouterr().out
    expected = prompt["a"][:-1] if prompt["a"][-1] == 1 else prompt["a"]
    assert out == ("Using libGenie.so version 1.13.0\n\n[PROMPT TOKENS]: " + "".join(f"{t} " for t in ids) + "\n"
                   "[BEGIN]: " + "".join(f"{t} " for t in expected) + "[END]\n" + ("" if fills else "\n"))
    short = dialog_config(**{"dialog/context/eos-token": [1, 222]})  # replies end at a space: none fills the context
    (tmp_path / "short.json").write_text(json.dumps(short))
    run = ["-c", str(tmp_path / "short.json"), "-p", "the fox", "-l", "B"]
    assert qairt.genie_t2t_run_main(run + ["-s", str(tmp_path / "saved")]) == 0
    capsys.readouterr()
    assert qairt.genie_t2t_run_main(run[:2] + ["-p", " runs", "-l", "B", "-r", str(tmp_path / "saved")]) == 0
    restored = capsys.readouterr().out
    status, handle = G.GenieDialog_create(G.GenieDialogConfig_createFromJson(json.dumps(short))[1])
    G.GenieDialog_applyLora(handle, "primary", "B")
    ask(handle, "the fox")
    _, pieces = ask(handle, " runs")
    G.GenieDialog_free(handle)
    assert restored.endswith("[BEGIN]: " + "".join(p for p, _ in pieces) + "[END]\n")
    assert qairt.genie_t2t_run_main(run + ["-w", "the fox jumps"]) == 0
    assert capsys.readouterr().out.count("[PROMPT]: ") == 2
    assert qairt.genie_t2t_run_main(run + ["--action", "PAUSE", "--sleep", "0"]) == 0
    assert "Query successfully paused" in capsys.readouterr().out
    for flags, words in ((["-e", "x.raw"], "--embedding_file cannot be honoured"),
                         (["--allow_engine_switch", "draft,e.json"], "--allow_engine_switch cannot be honoured"),
                         (["--action", "STOP"], "the actions are ABORT and PAUSE"),
                         (["--priority", "7"], "not a Genie priority"),
                         (["-tok", str(tmp_path / "ids.txt")], "give one of --prompt")):
        assert qairt.genie_t2t_run_main(run + flags) == 1
        assert words in capsys.readouterr().err


def test_enable_graph_switching_creates_the_context_as_genie_does(genie_model, monkeypatch):
    """A 1024 MB memory limit hint and a persistent binary; replies are unchanged."""
    from qnnpy import _handles
    work, reference = genie_model
    monkeypatch.chdir(work)
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(dialog_config(
        **{"dialog/engine/backend/QnnHtp/enable-graph-switching": True})))
    _, handle = G.GenieDialog_create(config)
    residency = _handles.get(_handles.get(handle, G.DIALOG).engine.context, "context").residency
    assert residency is not None and residency.limit == 1024 << 20
    assert G.GenieDialog_applyLora(handle, "primary", "B") == S.GENIE_STATUS_SUCCESS
    prompt = reference["prompts"][0]
    _, pieces = ask(handle, prompt["text"])
    assert "".join(p for p, _ in pieces) == genie_demo.expected_reply(
        Tokenizer.from_file(str(work / "tokenizer.json")), prompt["b"])
    G.GenieDialog_free(handle)
    G.GenieDialogConfig_free(config)


def test_release_lora_memory_answers_as_the_real_libgenie(dialog):
    """Codes measured on the real libGenie.so: a name the config does not list is GENERAL;
    one it lists is SUCCESS, applied before or not (again too), and releasing the current one
    clears APPLIED_LORA_ADAPTER; an unknown role is GENERAL; NULL arguments INVALID_ARGUMENT."""
    handle = dialog[0]
    adapter = lambda: G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER)[1]  # noqa: E731
    assert G.GenieDialog_releaseLoraMemory(handle, "primary", "C") == S.GENIE_STATUS_ERROR_GENERAL
    assert G.GenieDialog_releaseLoraMemory(handle, "primary", "B") == S.GENIE_STATUS_SUCCESS  # never applied
    assert G.GenieDialog_applyLora(handle, "primary", "A") == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_applyLora(handle, "primary", "B") == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_releaseLoraMemory(handle, "primary", "A") == S.GENIE_STATUS_SUCCESS and adapter() == "B"
    assert G.GenieDialog_releaseLoraMemory(handle, "target", "B") == S.GENIE_STATUS_SUCCESS and adapter() == ""
    assert G.GenieDialog_releaseLoraMemory(handle, "primary", "B") == S.GENIE_STATUS_SUCCESS
    assert [G.GenieDialog_releaseLoraMemory(handle, "sidekick", "B"), G.GenieDialog_releaseLoraMemory(handle, None, "B"),
            G.GenieDialog_releaseLoraMemory(handle, "primary", None), G.GenieDialog_releaseLoraMemory(None, "primary", "B")] \
        == [S.GENIE_STATUS_ERROR_GENERAL, S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, S.GENIE_STATUS_ERROR_INVALID_ARGUMENT,
            S.GENIE_STATUS_ERROR_INVALID_HANDLE]


def token_ask(handle, ids, code=G.GENIE_DIALOG_SENTENCE_COMPLETE):
    got = []
    status = G.GenieDialog_tokenQuery(handle, ids, len(ids), code,
                                      lambda out, n, piece_code, data: data.append((list(out), n, piece_code)), got)
    return status, got


def test_token_queries_generate_transformers_greedy_tokens(dialog):
    """The prompt's ids in (Genie puts <s> in front), transformers' greedy ids out, one per
    call (BEGIN, then CONTINUE), END with none."""
    handle, _, reference, _ = dialog
    assert G.GenieDialog_applyLora(handle, "primary", "B") == S.GENIE_STATUS_SUCCESS
    for prompt in reference["prompts"]:
        G.GenieDialog_reset(handle)
        ids = prompt["ids"][1:] if prompt["ids"][0] == 0 else prompt["ids"]
        status, got = token_ask(handle, ids)
        expected = prompt["b"][:-1] if prompt["b"][-1] == 1 else prompt["b"]
        assert [out[0] for out, _, _ in got[:-1]] == expected
        assert [code for _, _, code in got] == [1] + [2] * (len(expected) - 1) + [3] and got[-1][:2] == ([], 0)
        assert status in (S.GENIE_STATUS_SUCCESS, S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED)


def test_out_of_vocabulary_tokens_are_refused_before_anything_is_fed(dialog):
    handle, _, _, _ = dialog
    token_ask(handle, [10, 20])
    before = G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)
    status, got = token_ask(handle, [10, 256])  # n-vocab is 256
    assert status == S.GENIE_STATUS_ERROR_GENERAL and got == [([], 0, G.GENIE_DIALOG_SENTENCE_ABORT)]
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY) == before


def test_a_restored_dialog_continues_as_the_saved_one_did(dialog, tmp_path):
    """Saved after a cut reply (its last token unfed), the conversation continues the same way
    in the same dialog after more queries and in a new dialog; restoring from a folder without a
    saved state, or from one of another shape, is refused and changes nothing."""
    handle, config, _, _ = dialog
    assert G.GenieDialog_save(handle, str(tmp_path / "none")) == S.GENIE_STATUS_ERROR_QUERY_FAILED  # nothing yet
    G.GenieDialog_setMaxNumTokens(handle, 4)
    ask(handle, "the quick")
    assert G.GenieDialog_save(handle, str(tmp_path / "a" / "b")) == S.GENIE_STATUS_SUCCESS
    occupancy = G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1]
    follow = ask(handle, " brown fox")
    ask(handle, " jumps")
    assert G.GenieDialog_restore(handle, str(tmp_path / "a" / "b")) == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1] == occupancy
    assert ask(handle, " brown fox") == follow
    _, other = G.GenieDialog_create(config)
    G.GenieDialog_setMaxNumTokens(other, 4)
    assert G.GenieDialog_restore(other, str(tmp_path / "a" / "b")) == S.GENIE_STATUS_SUCCESS
    assert ask(other, " brown fox") == follow
    state = G.GenieDialog_getValue(other, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)
    assert G.GenieDialog_restore(other, str(tmp_path / "none")) == S.GENIE_STATUS_ERROR_QUERY_FAILED
    (tmp_path / "bad").mkdir()
    with np.load(tmp_path / "a" / "b" / "qnnpy-dialog-state.npz") as saved:
        arrays = {k: saved[k] for k in saved.files}
    arrays["cache_0"] = arrays["cache_0"][..., :-1]  # one position short: history and cache disagree
    np.savez(tmp_path / "bad" / "qnnpy-dialog-state.npz", **arrays)
    assert G.GenieDialog_restore(other, str(tmp_path / "bad")) == S.GENIE_STATUS_ERROR_QUERY_FAILED
    assert G.GenieDialog_getValue(other, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY) == state
    (tmp_path / "file").write_text("x")
    assert G.GenieDialog_save(other, str(tmp_path / "file")) == S.GENIE_STATUS_ERROR_QUERY_FAILED
    G.GenieDialog_free(other)


def test_signals_from_another_thread_abort_or_pause_a_running_query(dialog):
    """A thread signals while the reply streams (it waits for the first piece): ABORT ends the
    stream with END and WARNING_ABORTED; PAUSE returns WARNING_PAUSED with no END, every other
    query then fails until a RESUME query carries the reply on from the token it stopped at."""
    handle, _, _, _ = dialog
    G.GenieDialog_setMaxNumTokens(handle, 40)
    for action, status in ((G.GENIE_DIALOG_ACTION_ABORT, S.GENIE_STATUS_WARNING_ABORTED),
                           (G.GENIE_DIALOG_ACTION_PAUSE, S.GENIE_STATUS_WARNING_PAUSED)):
        G.GenieDialog_reset(handle)
        streaming, signalled = threading.Event(), threading.Event()
        pieces = []

        def on_piece(piece, code, data):
            pieces.append((piece, code))
            streaming.set()
            signalled.wait(5)  # the signal lands while this query runs
        signaller = threading.Thread(target=lambda: (streaming.wait(5), G.GenieDialog_signal(handle, action),
                                                     signalled.set()))
        signaller.start()
        assert G.GenieDialog_query(handle, "the fox", G.GENIE_DIALOG_SENTENCE_COMPLETE, on_piece, None) == status
        signaller.join()
        if action == G.GENIE_DIALOG_ACTION_ABORT:
            assert pieces[-1] == ("", G.GENIE_DIALOG_SENTENCE_END) and len(pieces) == 2
            continue
        assert len(pieces) == 1 and pieces[0][1] == G.GENIE_DIALOG_SENTENCE_BEGIN
        assert ask(handle, "more") == (S.GENIE_STATUS_ERROR_QUERY_FAILED, [("", G.GENIE_DIALOG_SENTENCE_ABORT)])
        status, resumed = ask_code(handle, "", G.GENIE_DIALOG_SENTENCE_RESUME)
        assert status in (S.GENIE_STATUS_SUCCESS, S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED)
        assert resumed[0][1] == G.GENIE_DIALOG_SENTENCE_BEGIN and resumed[-1] == ("", G.GENIE_DIALOG_SENTENCE_END)


def ask_code(handle, text, code):
    pieces = []
    status = G.GenieDialog_query(handle, text, code, lambda piece, c, data: data.append((piece, c)), pieces)
    return status, pieces


def test_priority_and_oem_key_are_accepted_and_change_nothing(dialog):
    handle, _, _, _ = dialog
    G.GenieDialog_setMaxNumTokens(handle, 5)
    before = ask(handle, "the fox")
    for priority in G.GenieDialog_Priority_t:
        assert G.GenieDialog_setPriority(handle, "primary", priority) == S.GENIE_STATUS_SUCCESS
    assert G.GenieDialog_setOemKey(handle, "key") == S.GENIE_STATUS_SUCCESS
    G.GenieDialog_reset(handle)
    assert ask(handle, "the fox") == before


@pytest.mark.parametrize("pick", [lambda r: [r[5]], lambda r: [r[5:8]], lambda r: ["zzz", r[6:8]]],
                         ids=["one character", "three characters", "second of two"])
def test_a_stop_sequence_ends_the_reply_and_leaves_the_conversation_before_it(genie_model, monkeypatch, pick):
    """The reply streams up to where a stop sequence begins (the text that could begin one is
    held back as empty pieces meanwhile) and ends there; the cache then holds the prompt and
    the reply before the stop — one token per character with this tokenizer — and the next
    query opens with eos and bos only, as after a reply that ended by itself."""
    work, _ = genie_model
    monkeypatch.chdir(work)
    tokenizer = Tokenizer.from_file(str(work / "tokenizer.json"))
    _, free = G.GenieDialog_create(G.GenieDialogConfig_createFromJson(json.dumps(dialog_config()))[1])
    G.GenieDialog_setMaxNumTokens(free, 40)
    full = "".join(p for p, _ in ask(free, "the fox")[1])
    G.GenieDialog_free(free)
    stops = pick(full)  # taken from the reply itself, so that one of them comes
    before = full[:min(full.find(stop) for stop in stops if stop in full)]
    doc = dialog_config(**{"dialog/stop-sequence": stops})
    _, handle = G.GenieDialog_create(G.GenieDialogConfig_createFromJson(json.dumps(doc))[1])
    G.GenieDialog_setMaxNumTokens(handle, 40)
    status, pieces = ask(handle, "the fox")
    assert status == S.GENIE_STATUS_SUCCESS and "".join(p for p, _ in pieces) == before
    assert pieces[-1] == ("", G.GENIE_DIALOG_SENTENCE_END)
    prompt = 1 + len(tokenizer.encode("the fox").ids)
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1] == prompt + len(before)
    assert G.GenieDialog_setStopSequence(handle, None) == S.GENIE_STATUS_SUCCESS
    ask(handle, " runs")
    assert G.GenieDialog_getValue(handle, G.GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY)[1] > prompt + len(before) + 2
    assert G.GenieDialog_setStopSequence(handle, '{"stop-sequence": [1]}') == S.GENIE_STATUS_ERROR_JSON_VALUE
    G.GenieDialog_free(handle)
