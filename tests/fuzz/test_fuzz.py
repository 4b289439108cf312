"""A bounded run of the fuzz campaign (tests/fuzz): no GENERAL code, no escaped exception,
no hang, no refusal that changed state, no binary accepted at load that normal use then
refuses, over random arguments to every public function (the Genie dialog API's on live
dialogs too) and mutated binaries."""
import pytest

from tests.fuzz import arguments, binaries, genie_calls
from tests.fuzz.__main__ import FAILURES


@pytest.mark.parametrize("attack, cases", [(arguments.run, 4000), (binaries.run, 1500), (genie_calls.run, 300)],
                         ids=["arguments", "binaries", "genie"])
def test_every_bad_input_gets_a_precise_code(attack, cases):
    counts, examples = attack(cases, seed=12345)
    bad = {k: (v, examples[k]) for k, v in counts.items()
           if k in FAILURES or k.startswith("escaped") or k == "not a code"}
    assert not bad, bad
    assert counts.get("precise", 0) > cases // 2  # the attacks do reach the checks
