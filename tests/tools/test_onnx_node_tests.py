"""ONNX's own backend node tests, through the converter and QnnGraph_execute.

The expected outputs come from ONNX (its reference implementations), not from qnnpy. Every
case must end PASS or REFUSED with a named reason: a WRONG output or an ERROR (a traceback,
a graph the backend refuses after conversion, a failed execute) fails the test.
"""
import pytest

from tests.tools import node_conformance as nc

MIN_PASS = 970


@pytest.fixture(scope="module")
def results():
    return nc.run_all(nc.load_cases())


def test_no_case_is_wrong_or_errors(results, capsys):
    with capsys.disabled():
        print("\n" + nc.tally(results))
    bad = [f"{v} {name}: {detail.strip()}" for name, _, v, detail in results if v in (nc.WRONG, nc.ERROR)]
    assert not bad, "\n".join(bad)


def test_every_refusal_names_a_reason(results):
    unnamed = [f"{name}: {detail}" for name, _, v, detail in results
               if v == nc.REFUSED and nc.reason_class(detail) in ("other", "internal")]
    assert not unnamed, "\n".join(unnamed[:20])


def test_enough_cases_pass(results, capsys):
    with capsys.disabled():
        print("\n" + nc.op_table(results))
    passed = sum(v == nc.PASS for _, _, v, _ in results)
    assert passed >= MIN_PASS
