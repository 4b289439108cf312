"""Harness (d): four C threads execute one graph concurrently through the shim (the GIL is
taken per call); every result equals the single-threaded one, bit for bit. And executeAsync
from C: queued executes notify in order, from qnnpy's worker thread."""
import numpy as np
import pytest

from qnnpy.examples import decoder
from qnnpy.tools import lora_demo
from tests.shim.conftest import run


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("threads")
    lora_demo.write_inputs(str(folder))
    np.random.default_rng(2).standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32).tofile(
        folder / "x.raw")
    return folder, lora_demo.offline(str(folder), "fp32", False)["base"]


def test_concurrent_executes_from_c_threads(shim, harness, made):
    folder, base = made
    done = run(harness("threads"), shim / "libQnnHtp.so", shim / "libQnnSystem.so", base, "fp32", folder / "x.raw")
    assert done.returncode == 0 and "failures 0 of 20" in done.stdout, done.stdout + done.stderr[-2000:]


def test_execute_async_from_c_notifies_in_order_from_another_thread(shim, harness):
    done = run(harness("execute_async"), shim / "libQnnHtp.so")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["order"] == "0 1 2 3 4 5 6 7" and lines["status"] == "0 0 0 0 0 0 0 0"
    assert lines["threads"] == "1 0"  # one notifying thread, never the caller's
    assert lines["outputs"] == "ok"
