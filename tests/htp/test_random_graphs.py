"""Random graphs through the public API agree with onnx's reference evaluator (float) and
stay within 30 dB SQNR of it when every activation is 8-bit (quantized path)."""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from onnx.reference import ReferenceEvaluator

from qnnpy import QnnGraph
from tests.htp.random_graphs import build, recipes
from tests.support import fresh_api
from tests.twin import Twin, run


def _reference(twin, x, extra=()):
    return ReferenceEvaluator(twin.onnx_model(extra)).run(None, {"x": x})


@settings(max_examples=200, deadline=None)
@given(recipe=recipes())
def test_float_graphs_match_onnx_reference(recipe):
    with fresh_api() as api:
        _check_float(api, recipe)


def _check_float(api, recipe):
    graph = api.graph()
    twin = Twin(graph)
    cur, x, _ = build(twin, recipe)
    y = twin.output(cur)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    err, out = run(graph, [(twin.inputs[0][1], x)], y)
    assert err == 0
    ref = _reference(twin, x)[0]
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(ref).max())))


def _sqnr_db(ref, got):
    noise = np.sum((ref - got) ** 2)
    return np.inf if noise == 0 else 10 * np.log10(np.sum(ref ** 2) / noise)


def _encoding(values):
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = max(hi - lo, 1e-4) / 255
    return scale, int(np.rint(lo / scale))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipe=recipes(max_ops=4))
def test_quantized_graphs_reach_30db_sqnr(recipe):
    with fresh_api() as calibration, fresh_api() as api:
        _check_quantized(calibration, api, recipe)


def _check_quantized(calibration, api, recipe):
    probe = Twin(calibration.graph())
    cur, x, norm_width = build(probe, recipe)
    # 8-bit normalization over a handful of features amplifies quantization noise by 1/std:
    # a real limit of 8-bit activations, so the 30 dB claim covers widths of 8 and more.
    assume(norm_width >= 8)
    probe.output(cur)
    names = [n for n in probe.shapes if n.startswith("t")]
    values = dict(zip(["y"] + names, _reference(probe, x, names)))
    values["x"] = x
    encodings = {name: _encoding(v) for name, v in values.items()}

    graph = api.graph()
    twin = Twin(graph, encodings)
    cur, _, _ = build(twin, recipe)
    y = twin.output(cur)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    scale, offset = encodings["x"]
    xq = np.clip(np.rint(x / scale) - offset, 0, 255).astype(np.uint8)
    err, yq = run(graph, [(twin.inputs[0][1], xq)], y, np.uint8)
    assert err == 0
    scale, offset = encodings["y"]
    got = (yq.astype(np.float64) + offset) * scale
    ref = values["y"]
    if np.sum(ref ** 2) < 1e-6:  # an all-but-zero signal has no meaningful SQNR
        assert np.abs(got - ref).max() <= 2 * scale
        return
    assert _sqnr_db(ref, got) >= 30, f"SQNR {_sqnr_db(ref, got):.1f} dB for {recipe}"
