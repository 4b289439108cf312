"""Harness: signals from C. A 1 us timeout and an abort that another C thread triggers while the
execute runs both stop it (TIMED_OUT, ABORTED) with the output buffer untouched."""
from tests.shim.conftest import run


def test_c_client_times_out_and_aborts_an_execute(shim, harness):
    done = run(harness("signals"), shim / "libQnnHtp.so")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["timeout"] == "6033 1"       # QNN_GRAPH_ERROR_TIMED_OUT, output untouched
    assert lines["abort"] == "6031 0 1"       # QNN_GRAPH_ERROR_ABORTED, the trigger succeeded, untouched
