"""Random graphs through the public API against onnx's reference evaluator: float graphs
agree to 1e-5; all-8-bit graphs give exactly the codes of an independent QDQ model; 8-bit
activations stay 30 dB below full scale from the float result."""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from onnx.reference import ReferenceEvaluator

from qnnpy import QnnGraph
from qnnpy.QnnTypes import QNN_DATATYPE_UFIXED_POINT_8
from tests.htp.random_graphs import build, recipes
from tests.support import fresh_api
from tests.twin import Twin, run


def _reference(twin, x, extra=()):
    return ReferenceEvaluator(twin.onnx_model(extra)).run(None, {"x": x})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipe=recipes())
def test_float_graphs_match_onnx_reference(recipe):
    with fresh_api() as api:
        _check_float(api, recipe)


def _check_float(api, recipe):
    graph = api.graph()
    twin = Twin(graph)
    built = build(twin, recipe)
    # Normalizing over a few features divides by a tiny deviation, which magnifies one-ulp
    # differences between two correct float32 implementations beyond 1e-5.
    assume(built.norm_width >= 8)
    x = built.x
    y = twin.output(built.output)
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
    return QNN_DATATYPE_UFIXED_POINT_8, scale, int(np.rint(lo / scale))


def _quantized_run(calibration, api, recipe, qdq, quantize_weights):
    """Calibrate 8-bit encodings on the float graph, then run it with 8-bit activations (and
    8-bit symmetric weights if asked). Returns (codes, twin, built, values, encodings)."""
    probe = Twin(calibration.graph())
    built = build(probe, recipe)
    probe.output(built.output)
    names = [n for n in probe.shapes if n.startswith("t")]
    values = dict(zip(["y"] + names, _reference(probe, built.x, names)))
    values["x"] = built.x
    encodings = {name: _encoding(v) for name, v in values.items()}
    graph = api.graph()
    twin = Twin(graph, encodings, qdq=qdq, quantize_weights=quantize_weights)
    y = twin.output(build(twin, recipe).output)
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    _, scale, offset = encodings["x"]
    xq = np.clip(np.rint(built.x / scale) - offset, 0, 255).astype(np.uint8)
    err, yq = run(graph, [(twin.inputs[0][1], xq)], y, np.uint8)
    assert err == 0
    return yq, twin, built, values, encodings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipe=recipes(max_ops=4))
def test_quantized_graphs_match_an_independent_qdq_oracle(recipe):
    """The same graph in ONNX with QuantizeLinear/DequantizeLinear after every tensor, run by
    onnx.reference, must give the same output codes (one code of slack for float32 ties)."""
    with fresh_api() as calibration, fresh_api() as api:
        yq, twin, built, _, encodings = _quantized_run(calibration, api, recipe, qdq=True,
                                                       quantize_weights=True)
    oracle = ReferenceEvaluator(twin.onnx_model()).run(None, {twin.inputs[0][0]: built.x})[0]
    _, scale, offset = encodings["y"]
    oracle_codes = np.rint(oracle.astype(np.float64) / scale) - offset
    assert np.abs(oracle_codes - yq.astype(np.int64)).max() <= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(recipe=recipes(max_ops=4))
def test_quantized_graphs_stay_30db_below_full_scale(recipe):
    """Graphs with 8-bit activations stay within the float reference by 30 dB relative to
    the full scale of the last op (its input's or output's peak, whichever is larger: a
    squashing last op such as Relu or Sigmoid narrows the output while the upstream
    quantization steps were set by the wider input) (weights stay float here; 8-bit weights are checked exactly by
    the QDQ oracle test, and per-tensor 8-bit weights with outliers can cost more). (Relative to the signal's own power the figure also depends on the data's
    crest factor: a few large values set the step for all the small ones.)
    Normalization is left out: per-tensor 8-bit inputs to LayerNorm lose rows whose
    magnitude is a few steps, a property of 8-bit quantization that the QDQ oracle test
    above covers exactly."""
    assume(not {"layernorm", "rmsnorm"} & set(recipe[2]))
    with fresh_api() as calibration, fresh_api() as api:
        yq, _, _, values, encodings = _quantized_run(calibration, api, recipe, qdq=False,
                                                     quantize_weights=False)
    _, scale, offset = encodings["y"]
    got = (yq.astype(np.float64) + offset) * scale
    ref = values["y"].astype(np.float64)
    chain = ["x"] + [n for n in values if n.startswith("t")]
    peak = max(float(np.abs(ref).max()), float(np.abs(values[chain[-2]]).max()) if len(chain) > 1 else 0.0)
    assume(peak > 1e-3)
    mse = float(np.mean((ref - got) ** 2))
    assert mse == 0 or 10 * np.log10(peak ** 2 / mse) >= 30, f"{10 * np.log10(peak ** 2 / mse):.1f} dB"
