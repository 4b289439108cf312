"""Harness (a): a C client composes, finalizes and executes a graph through the function table
of libQnnHtp.so; its output equals numpy's relu(x W + b)."""
import numpy as np
from hypothesis import given, settings, strategies as st

from tests.shim.conftest import run


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_c_client_composes_and_executes(shim, harness, tmp_path_factory, seed):
    folder = tmp_path_factory.mktemp("compose")
    rng = np.random.default_rng(seed)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((2, 4), (4, 3), (3,)))
    for name, value in (("x", x), ("w", w), ("b", b)):
        value.tofile(folder / f"{name}.raw")
    done = run(harness("compose_execute"), shim / "libQnnHtp.so", folder / "x.raw", folder / "w.raw",
               folder / "b.raw", folder / "y.raw")
    assert done.returncode == 0, done.stderr
    reference = np.maximum(x.astype(np.float64) @ w + b, 0)
    np.testing.assert_allclose(np.fromfile(folder / "y.raw", np.float32).reshape(2, 3), reference, rtol=1e-5, atol=1e-6)
