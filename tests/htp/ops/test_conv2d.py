import numpy as np
from hypothesis import given, settings, strategies as st

from tests.htp.ops.single_op import onnx_ref, run_op
from tests.support import fresh_api


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 2), st.integers(3, 7), st.integers(3, 7), st.sampled_from([1, 2]),
       st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 2), st.integers(0, 2),
       st.integers(0, 1000))
def test_conv2d_matches_onnx_conv(n, h, w, group, cin_g, cout_g, stride, dilation, pad, seed):
    rng = np.random.default_rng(seed)
    cin, cout, k = cin_g * group, cout_g * group, 2
    x = rng.standard_normal((n, h, w, cin)).astype(np.float32)
    filt = rng.standard_normal((k, k, cin_g, cout)).astype(np.float32)
    bias = rng.standard_normal(cout).astype(np.float32)
    span = (k - 1) * dilation + 1
    if h + 2 * pad < span or w + 2 * pad < span:
        return
    oh, ow = (h + 2 * pad - span) // stride + 1, (w + 2 * pad - span) // stride + 1
    ref = onnx_ref("Conv", {"x": x.transpose(0, 3, 1, 2), "w": filt.transpose(3, 2, 0, 1), "b": bias},
                   {"strides": [stride] * 2, "pads": [pad] * 4, "dilations": [dilation] * 2,
                    "group": group})[0].transpose(0, 2, 3, 1)
    with fresh_api() as api:
        err, (out,) = run_op(api, "Conv2d", [x], [(n, oh, ow, cout)], [filt, bias], stride=[stride, stride],
                             pad_amount=[[pad, pad], [pad, pad]], dilation=[dilation, dilation], group=group)
    assert err == 0
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
