"""GenieSampler.h through the Python API: sampler configs applied between queries, custom
samplers given the model's logits, and every refusal leaving the sampler as it was. The real
library's answers to the same calls are compared in test_real_genie.py (scenario samplers)."""
import json

import numpy as np
import pytest

from qnnpy import GenieDialog as G, GenieSampler as GS, _handles
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie import sampler as sampler_module
from tests.genie.test_dialog import ask, dialog_config


@pytest.fixture(autouse=True)
def no_callbacks_left(monkeypatch):
    monkeypatch.setattr(sampler_module, "CALLBACKS", {})
    monkeypatch.setattr(GS, "CALLBACKS", sampler_module.CALLBACKS)


def open_dialog(sampler_block):
    status, config = G.GenieDialogConfig_createFromJson(json.dumps(dialog_config(**{"dialog/sampler": sampler_block})))
    assert status == S.GENIE_STATUS_SUCCESS
    status, handle = G.GenieDialog_create(config)
    assert status == S.GENIE_STATUS_SUCCESS
    G.GenieDialogConfig_free(config)
    status, sampler = G.GenieDialog_getSampler(handle)
    assert status == S.GENIE_STATUS_SUCCESS
    return handle, sampler


def sampler_config(block):
    status, config = GS.GenieSamplerConfig_createFromJson(json.dumps({"sampler": block}))
    assert status == S.GENIE_STATUS_SUCCESS
    return config


def text(handle, prompt):
    status, pieces = ask(handle, prompt)
    return status, "".join(p for p, _ in pieces)


@pytest.fixture
def work(genie_model, monkeypatch):
    folder, reference = genie_model
    monkeypatch.chdir(folder)
    return reference


def test_a_custom_sampler_taking_the_largest_logit_gives_transformers_greedy_ids(work):
    """The logits a custom sampler gets are the model's next-token logits: its argmax is
    transformers' greedy choice, token for token, for every reference prompt (adapter A)."""
    rows = []

    def largest(size, logits, count, tokens, user):
        assert size == logits.nbytes and logits.dtype == np.float32 and count == 1 and user == "mine"
        rows.append(logits.copy())
        tokens[0] = int(np.argmax(logits))
    assert GS.GenieSampler_registerUserDataCallback("largest", largest, "mine") == S.GENIE_STATUS_SUCCESS
    handle, _ = open_dialog({"version": 1, "type": "custom", "callback-name": "largest"})
    assert G.GenieDialog_applyLora(handle, "primary", "A") == S.GENIE_STATUS_SUCCESS
    for prompt in work["prompts"]:
        G.GenieDialog_reset(handle)
        rows.clear()
        got = []
        G.GenieDialog_tokenQuery(handle, prompt["ids"][1:], len(prompt["ids"]) - 1, 0,
                                 lambda out, n, code, data: got.extend(out), None)
        assert got == (prompt["a"][:-1] if prompt["a"][-1] == 1 else prompt["a"]) and len(rows) >= len(got)
        assert all(row.shape == (256,) for row in rows)
    G.GenieDialog_free(handle)


def test_an_applied_config_replaces_what_it_sets_and_keeps_the_rest(work):
    greedy, _ = open_dialog({"version": 1, "top-k": 1})
    _, want = text(greedy, "the fox")
    G.GenieDialog_free(greedy)
    handle, sampler = open_dialog({"version": 1, "temp": 1.5, "top-k": 0, "seed": 3})
    hot = sampler_config({"version": 1, "temp": 0.9})  # top-k stays 0: still sampling
    assert GS.GenieSampler_applyConfig(sampler, hot) == S.GENIE_STATUS_SUCCESS
    assert text(handle, "the fox")[1] != want
    G.GenieDialog_reset(handle)
    assert GS.GenieSampler_applyConfig(sampler, sampler_config({"version": 1, "top-k": 1})) == S.GENIE_STATUS_SUCCESS
    assert text(handle, "the fox")[1] == want
    G.GenieDialog_free(handle)
    assert GS.GenieSampler_applyConfig(sampler, hot) == S.GENIE_STATUS_ERROR_INVALID_HANDLE  # gone with its dialog


def test_a_seed_in_an_applied_config_is_ignored_as_on_the_real_library(work):
    replies = []
    for seed in (None, 11, 12):
        handle, sampler = open_dialog({"version": 1, "temp": 2.0, "top-k": 0, "seed": 3})
        if seed is not None:
            assert GS.GenieSampler_applyConfig(sampler, sampler_config({"version": 1, "seed": seed})) == 0
        replies.append(text(handle, "the fox")[1])
        G.GenieDialog_free(handle)
    assert replies[0] == replies[1] == replies[2]


@pytest.mark.parametrize("key, value, status, read", [
    ("top-k", "1.5", S.GENIE_STATUS_SUCCESS, 1), ("temp", " 2x", S.GENIE_STATUS_SUCCESS, 2.0),
    ("top-p", ".25e0", S.GENIE_STATUS_SUCCESS, 0.25), ("seed", "-3", S.GENIE_STATUS_SUCCESS, -3),
    ("temp", "", S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, None), ("top-k", "x1", S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, None),
    ("greedy", "true", S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, None),
    ("type", "weird", S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED, None),  # the real one samples garbage with it
    ("callback-name", "f", S.GENIE_STATUS_SUCCESS, "f"),
])
def test_set_param_reads_numbers_as_stof_and_stoll_do(key, value, status, read):
    config = sampler_config({"version": 1, "temp": 0.5})
    assert GS.GenieSamplerConfig_setParam(config, key, value) == status
    block = _handles.get(config, GS.CONFIG)
    assert block == ({"version": 1, "temp": 0.5} if read is None else {"version": 1, "temp": 0.5, key: read})
    assert GS.GenieSamplerConfig_free(config) == S.GENIE_STATUS_SUCCESS


def test_set_param_without_a_key_takes_a_whole_config_or_changes_nothing():
    config = sampler_config({"version": 1, "temp": 0.5, "top-k": 3})
    assert GS.GenieSamplerConfig_setParam(config, None, '{"sampler": {"version": 1, "top-p": 2}}') == \
        S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED
    assert GS.GenieSamplerConfig_setParam(config, None, "not json") == S.GENIE_STATUS_ERROR_SET_PARAMS_FAILED
    assert _handles.get(config, GS.CONFIG) == {"version": 1, "temp": 0.5, "top-k": 3}
    assert GS.GenieSamplerConfig_setParam(config, None, '{"sampler": {"version": 1, "top-p": 0.5}}') == 0
    assert _handles.get(config, GS.CONFIG) == {"version": 1, "top-p": 0.5}


@pytest.mark.parametrize("change", [{"temp": 0.0, "top-k": 0}, {"temp": "nan"}, {"top-p": "7"}, {"top-k": "-2"}])
def test_configs_the_real_library_would_misapply_are_refused_and_change_nothing(work, change):
    """temp 0 without top-k 1 aborts the real library's next query; values setParam let through
    out of range are applied there as they are. qnnpy refuses them at the apply."""
    handle, sampler = open_dialog({"version": 1, "top-k": 1})
    config = sampler_config({"version": 1, "temp": 0.7})
    for key, value in change.items():
        assert GS.GenieSamplerConfig_setParam(config, key, str(value)) == S.GENIE_STATUS_SUCCESS
    _, before = text(handle, "the fox")
    G.GenieDialog_reset(handle)
    assert GS.GenieSampler_applyConfig(sampler, config) == S.GENIE_STATUS_ERROR_APPLY_CONFIG_FAILED
    assert text(handle, "the fox")[1] == before  # still greedy, nothing of the config applied
    G.GenieDialog_free(handle)


@pytest.mark.parametrize("chooser, problem", [(None, "unregistered"), (lambda *a: a[3].__setitem__(0, 256), "range"),
                                              (lambda *a: 1 / 0, "raises")])
def test_a_custom_sampler_that_cannot_choose_fails_the_query_with_abort(work, chooser, problem):
    if chooser is not None:
        assert GS.GenieSampler_registerCallback("c", chooser) == S.GENIE_STATUS_SUCCESS
    handle, sampler = open_dialog({"version": 1, "type": "custom", "callback-name": "c"})
    status, pieces = ask(handle, "the fox")
    assert status == S.GENIE_STATUS_ERROR_GENERAL and pieces == [("", G.GENIE_DIALOG_SENTENCE_ABORT)]
    G.GenieDialog_free(handle)


def test_registration_misuse():
    assert GS.GenieSampler_registerCallback("c", None) == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    assert GS.GenieSampler_registerCallback("c", "not callable") == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    assert GS.GenieSampler_registerCallback(None, lambda *a: None) == S.GENIE_STATUS_ERROR_INVALID_ARGUMENT
    assert sampler_module.CALLBACKS == {}
