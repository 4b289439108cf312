import numpy as np
from hypothesis import given, settings, strategies as st

from tests.htp.ops.single_op import onnx_ref, run_op
from tests.support import fresh_api


@settings(max_examples=30, deadline=None)
@given(st.booleans(), st.booleans(), st.booleans(), st.sampled_from([(), (3,), (2, 1)]), st.integers(0, 999))
def test_mat_mul_transposes_batches_and_bias(t0, t1, with_bias, batch, seed):
    rng = np.random.default_rng(seed)
    m, k, n = 3, 5, 4
    a = rng.standard_normal(batch + ((k, m) if t0 else (m, k))).astype(np.float32)
    b = rng.standard_normal((k, n) if not t1 else (n, k)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    ref = onnx_ref("MatMul", {"a": np.swapaxes(a, -1, -2) if t0 else a, "b": b.T if t1 else b})[0]
    if with_bias:
        ref = ref + bias
    with fresh_api() as api:
        err, (out,) = run_op(api, "MatMul", [a], [ref.shape], [b] + ([bias] if with_bias else []),
                             transpose_in0=t0, transpose_in1=t1)
    assert err == 0
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
