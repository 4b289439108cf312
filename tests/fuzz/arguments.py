"""Argument fuzzing of every public qnnpy function: hostile Python values in every position.

Each call must return a QNN error code (or a tuple starting with one) and never raise; a
bad argument must get a precise code, not QNN_COMMON_ERROR_GENERAL (which means "a qnnpy
bug"). ``run(cases, seed)`` returns a table row per outcome class.
"""
import collections
import importlib
import inspect
import random

import numpy as np

from tests.fuzz import GENERAL, quiet_log

MODULES = ["QnnBackend", "QnnContext", "QnnDevice", "QnnGraph", "QnnLog", "QnnProfile", "QnnProperty",
           "QnnTensor", "QnnSystemContext", "QnnInterface", "QnnSystemInterface", "QnnHtpPerfInfrastructure"]


def hostile_values(rng: random.Random):
    return [None, 0, 1, -1, 2 ** 40, 2 ** 64, 0x5A000, 0x5A010, True, False, 1.5, float("nan"), "x", b"\x00" * 8,
            [], [None], [1, 2], {}, {"a": 1}, (), object(), np.zeros(3), np.array(5), np.float32(1.0),
            bytearray(16), memoryview(b"abc"), lambda *a: None, rng.randrange(1 << 32)]


def public_functions():
    for name in MODULES:
        module = importlib.import_module(f"qnnpy.{name}")
        for attr, fn in sorted(vars(module).items()):
            if attr.startswith(("Qnn", "QnnSystem")) and callable(fn) and hasattr(fn, "__wrapped__"):
                yield f"{name}.{attr}", fn


CACHES = {"plan", "section_plans", "updatable", "structure"}  # rebuilt on demand: not state a call may not change


def state() -> dict:
    """Every live handle's object, summarised field by field (containers by size): what a
    refused call must leave exactly as it was."""
    from qnnpy import _handles
    summary = {}
    for handle, (kind, obj) in list(_handles._live.items()):
        fields = vars(obj) if hasattr(obj, "__dict__") else {}
        summary[handle] = (kind, tuple(sorted(
            (k, len(v) if hasattr(v, "__len__") and not isinstance(v, (str, bytes)) else repr(v)[:60])
            for k, v in fields.items() if k not in CACHES)))
    return summary


def classify(result) -> str:
    code = result[0] if isinstance(result, tuple) else result
    if not isinstance(code, int):
        return "not a code"
    if code == 0:
        return "success"
    return "GENERAL" if int(code) == GENERAL else "precise"


def run(cases: int, seed: int = 0) -> tuple[collections.Counter, dict]:
    """({outcome: count}, {outcome: first example}) over ``cases`` random calls."""
    rng = random.Random(seed)
    functions = list(public_functions())
    counts, examples = collections.Counter(), {}
    with quiet_log():
        _calls(cases, rng, functions, counts, examples)
    return counts, examples


def _calls(cases, rng, functions, counts, examples) -> None:
    for _ in range(cases):
        name, fn = rng.choice(functions)
        arity = len(inspect.signature(fn).parameters)
        pool = hostile_values(rng)
        call_once(name, fn, [rng.choice(pool) for _ in range(arity)], classify, counts, examples)


def call_once(name: str, fn, args: list, judge, counts, examples) -> None:
    """One fuzzed call, counted: ``judge``'s verdict on its result, an escaped exception, or
    non-atomic when a refusal changed a live object."""
    before = state()
    try:
        outcome = judge(fn(*args))
    except BaseException as err:  # an escaped exception is the failure this looks for
        outcome = f"escaped {type(err).__name__}"
    if outcome in ("precise", "GENERAL") and state() != before:
        outcome = "non-atomic"
    counts[outcome] += 1
    examples.setdefault(outcome, f"{name}({', '.join(type(a).__name__ for a in args)})")
