"""A bounded run of the C-table fuzzer (tests/fuzz/c_calls.py): hostile values of each
parameter's kind to every function of both tables through the shim, each call forked: no
crash, no hang, no GENERAL code, no refused call that changed the live context."""
from tests.fuzz import c_calls


def test_c_tables_answer_hostile_arguments_with_precise_codes(shim, tmp_path):
    counts, examples = c_calls.run_with(c_calls.compile_harness(tmp_path), shim, 3000, seed=5)
    bad = {k: (counts[k], examples[k]) for k in ("crash", "hang", "GENERAL", "escaped", "non-atomic")
           if counts.get(k)}
    assert not bad, bad
    assert counts["precise"] > 1000
