"""Harness (d): four C threads execute one graph concurrently through the shim (the GIL is
taken per call); every result equals the single-threaded one, bit for bit."""
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
