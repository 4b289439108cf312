"""Argument fuzzing of the Genie dialog and sampler APIs (qnnpy.GenieDialog, qnnpy.GenieSampler):
hostile Python values — live config, dialog, sampler and sampler-config handles of the example
LLM, roles, adapter names, sentence codes, sampler JSON and callbacks among them, so that calls
get past the handle checks — in every position of every function.

A call must return a Genie_Status_t (or a tuple starting with one) and never raise. Genie's
GENERAL (-1) is a legitimate answer to many refusals (an unknown role, a failed apply), so the
bug signal here is the one line qnnpy logs for an internal fault ("this is a qnnpy bug"),
counted as GENERAL. A refusal that changed a live object counts as non-atomic. Runs in a
scratch folder: save and restore write where their path says.
"""
import collections
import contextlib
import inspect
import json
import logging
import os
import random
import shutil
import tempfile

from qnnpy import GenieDialog as G, GenieLog, GenieProfile, GenieSampler as GS, GenieTokenizer, _handles
from qnnpy.genie import sampler as sampler_module
from qnnpy.tools import genie_demo
from tests.fuzz.arguments import call_once, hostile_values

BUG = "this is a qnnpy bug"
# parameter name -> the live handle it takes, for the dialog functions and the sampler ones
_LIVE = {"dialogHandle": "dialog", "configHandle": "config", "samplerHandle": "sampler", "logHandle": "log",
         "profileHandle": "profile", "tokenizerHandle": "tokenizer"}
_HANDLES = {"GenieDialog": _LIVE, "GenieSampler": {**_LIVE, "configHandle": "sampler config"},
            "GenieLog": {**_LIVE, "configHandle": None}, "GenieProfile": {**_LIVE, "configHandle": None}}
_SAMPLER_JSON = ['{"sampler": {"version": 1, "temp": 0.5, "top-k": 3}}',
                 '{"sampler": {"version": 1, "type": "custom", "callback-name": "pick"}}']


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@contextlib.contextmanager
def _model():
    """A scratch folder holding the example LLM built by the offline tools, as the working
    directory, and the dialog JSON for it."""
    folder = tempfile.mkdtemp(prefix="qnnpy-genie-fuzz-")
    cwd = os.getcwd()
    try:
        shutil.copytree(genie_demo.EXAMPLE, os.path.join(folder, "llm"))
        with contextlib.redirect_stdout(open(os.devnull, "w")):
            genie_demo.build(os.path.join(folder, "llm"))
        with open(os.path.join(folder, "llm", "reference.json")) as f:
            text = json.dumps(genie_demo.dialog_config(json.load(f)))
        os.chdir(os.path.join(folder, "llm"))
        yield text
    finally:
        os.chdir(cwd)
        shutil.rmtree(folder, ignore_errors=True)


def functions():
    return [(name, fn) for module in (G, GS, GenieLog, GenieProfile, GenieTokenizer)
            for name, fn in sorted(vars(module).items())
            if name.startswith("Genie") and callable(fn) and hasattr(fn, "__wrapped__")]


def _handles_of(name: str) -> dict:
    return next((live for prefix, live in _HANDLES.items() if name.startswith(prefix) and prefix != "GenieDialog"),
                _LIVE)


def classify(result, lines: list[str]) -> str:
    code = result[0] if isinstance(result, tuple) else result
    if not isinstance(code, int):
        return "not a code"
    if any(BUG in line for line in lines):
        return "GENERAL"
    return "success" if code >= 0 else "precise"


def run(cases: int, seed: int = 0) -> tuple[collections.Counter, dict]:
    """({outcome: count}, {outcome: first example}) over ``cases`` random calls."""
    rng = random.Random(seed)
    counts, examples = collections.Counter(), {}
    with _model() as text, _heard() as capture, _callbacks_kept():
        live = {}

        def renew():
            if not _handles.get(live.get("config"), G.CONFIG):
                live["config"] = G.GenieDialogConfig_createFromJson(text)[1]
            if not _handles.get(live.get("dialog"), G.DIALOG):
                live["dialog"] = G.GenieDialog_create(live["config"])[1]
                G.GenieDialog_setMaxNumTokens(live["dialog"], 4)  # replies stay short
            live["sampler"] = G.GenieDialog_getSampler(live["dialog"])[1]
            live["tokenizer"] = G.GenieDialog_getTokenizer(live["dialog"])[1]
            if not _handles.get(live.get("log"), GenieLog.LOG):
                live["log"] = GenieLog.GenieLog_create(None, _heard_line, 4)[1]
            if not _handles.get(live.get("profile"), GenieProfile.PROFILE):
                live["profile"] = GenieProfile.GenieProfile_create(None)[1]
            if not _handles.get(live.get("sampler config"), GS.CONFIG):
                live["sampler config"] = GS.GenieSamplerConfig_createFromJson(rng.choice(_SAMPLER_JSON))[1]
        for _ in range(cases):
            renew()
            name, fn = rng.choice(functions())
            pool = hostile_values(rng) + [live["dialog"], live["config"], live["sampler"], live["sampler config"],
                                          "primary", "draft", "A", "alpha", text, *_SAMPLER_JSON, "pick", "temp",
                                          "top-k", "0.5", "saved", [10, 20, 30], 2, 5, 6, 100, _pick,
                                          live["tokenizer"], live["log"], live["profile"], _heard_line]
            args = [live.get(_handles_of(name)[p]) if p in _handles_of(name) and rng.random() < 0.8
                    else rng.choice(pool) for p in inspect.signature(fn).parameters]  # mostly live: calls go deep
            capture.lines.clear()
            call_once(name, fn, args, lambda result: classify(result, capture.lines), counts, examples)
        G.GenieDialog_free(live["dialog"])
        G.GenieDialogConfig_free(live["config"])
        GS.GenieSamplerConfig_free(live["sampler config"])
        GenieLog.GenieLog_free(live["log"])
        GenieProfile.GenieProfile_free(live["profile"])
    return counts, examples


def _heard_line(*_):
    """A Genie log callback for the pool."""


def _pick(size, logits, count, tokens, *user_data):
    """A custom sampler for the pool: the largest logit."""
    tokens[0] = int(logits.argmax())


@contextlib.contextmanager
def _callbacks_kept():
    """Custom samplers the campaign registers are forgotten after it."""
    before = dict(sampler_module.CALLBACKS)
    try:
        yield
    finally:
        sampler_module.CALLBACKS.clear()
        sampler_module.CALLBACKS.update(before)


@contextlib.contextmanager
def _heard():
    """qnnpy's log lines go to the returned handler only while the campaign runs."""
    logger, capture = logging.getLogger("qnnpy"), _Lines()
    level, propagate, handlers = logger.level, logger.propagate, logger.handlers
    logger.handlers, logger.propagate = [capture], False
    logger.setLevel(logging.ERROR)
    try:
        yield capture
    finally:
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)
