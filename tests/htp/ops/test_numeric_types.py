"""Quantize / Dequantize / Convert / Cast and float16, against onnx's QuantizeLinear rules."""
import numpy as np

from qnnpy.builder import quantize_params
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_SFIXED_POINT_8,
                            QNN_DATATYPE_UFIXED_POINT_8, QNN_DATATYPE_UFIXED_POINT_16)
from tests.htp.ops.single_op import onnx_ref, run_op

U8, S8 = QNN_DATATYPE_UFIXED_POINT_8, QNN_DATATYPE_SFIXED_POINT_8


def test_quantize_rounds_half_to_even_and_saturates(api):
    x = np.array([-1.0, 0.0, 0.25, 0.75, 1.25, 100.0, -100.0], np.float32)
    scale, zero_point = np.float32(0.5), np.uint8(10)
    ref = onnx_ref("QuantizeLinear", {"x": x, "s": scale, "z": zero_point})[0]
    err, (q,) = run_op(api, "Quantize", [x], [x.shape], out_dtype=np.uint8,
                       quant={"out0": (U8, quantize_params(0.5, -10))})
    assert err == 0 and np.array_equal(q, ref)


def test_dequantize_and_per_axis_encodings(api):
    q = np.array([[0, 128, 255], [10, 20, 30]], np.uint8)
    scales, offsets = [0.1, 0.5], [-128, 0]
    err, (x,) = run_op(api, "Dequantize", [q], [q.shape],
                       quant={"in0": (U8, quantize_params(scales, offsets, axis=0))})
    ref = onnx_ref("DequantizeLinear", {"q": q, "s": np.array(scales, np.float32),
                                        "z": np.array([128, 0], np.uint8)}, {"axis": 0})[0]
    assert err == 0 and np.allclose(x, ref)


def test_convert_requantizes_between_encodings(api):
    q = np.arange(0, 256, 17, dtype=np.uint8)
    err, (out,) = run_op(api, "Convert", [q], [q.shape], out_dtype=np.int8,
                         quant={"in0": (U8, quantize_params(0.1, -128)), "out0": (S8, quantize_params(0.2, 0))})
    # The documented rule: the value between the two encodings is a float32.
    value = ((q.astype(np.float64) - 128) * np.float64(np.float32(0.1))).astype(np.float32)
    expected = np.clip(np.rint(value.astype(np.float64) / np.float64(np.float32(0.2))), -128, 127)
    assert err == 0 and np.array_equal(out, expected)


def test_cast_treats_codes_as_integers_and_truncates_floats(api):
    q = np.array([0, 7, 255], np.uint8)
    err, (out,) = run_op(api, "Cast", [q], [q.shape], out_dtype=np.int32,
                         quant={"in0": (U8, quantize_params(0.5, -3))})
    assert err == 0 and np.array_equal(out, q.astype(np.int32))
    x = np.array([-1.7, 2.9, 1e10], np.float32)
    err, (out,) = run_op(api, "Cast", [x], [x.shape], out_dtype=np.int32)
    assert err == 0 and np.array_equal(out, [-1, 2, np.iinfo(np.int32).max])


def test_float16_graphs_round_every_tensor_to_half(api):
    x = np.array([1.0, 1.0001, 3.14159, 65504.0], np.float16)
    err, (out,) = run_op(api, "Relu", [x], [x.shape], out_dtype=np.float16)
    assert err == 0 and np.array_equal(out, x)
    a = np.full(4, 1.0, np.float16)
    err, (out,) = run_op(api, "ElementWiseAdd", [a, np.full(4, 2 ** -12, np.float16)], [(4,)],
                         out_dtype=np.float16)
    assert err == 0 and np.array_equal(out, (a.astype(np.float32) + 2 ** -12).astype(np.float16))


def test_16_bit_activations(api):
    x = np.linspace(-2, 2, 101).astype(np.float32)
    scale = 4 / 65535
    err, (q,) = run_op(api, "Quantize", [x], [x.shape], out_dtype=np.uint16,
                       quant={"out0": (QNN_DATATYPE_UFIXED_POINT_16, quantize_params(scale, -32768))})
    assert err == 0
    assert np.abs((q.astype(np.float64) - 32768) * scale - x).max() <= scale / 2 + 1e-9
    assert QNN_DATATYPE_FLOAT_32  # imported for readers: float input


def test_4_bit_weights_through_a_bw_encoding(api):
    """BW_SCALE_OFFSET: 4-bit values held one per byte in an 8-bit container saturate at [-8, 7]."""
    from qnnpy.QnnTypes import QNN_DEFINITION_DEFINED, QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET, Qnn_QuantizeParams_t
    qp = Qnn_QuantizeParams_t(encodingDefinition=QNN_DEFINITION_DEFINED,
                              quantizationEncoding=QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET)
    qp.bwScaleOffsetEncoding.bitwidth, qp.bwScaleOffsetEncoding.scale = 4, 0.5
    x = np.array([-10.0, -4.0, -0.25, 0.75, 3.5, 10.0], np.float32)
    err, (q,) = run_op(api, "Quantize", [x], [x.shape], out_dtype=np.int8, quant={"out0": (S8, qp)})
    assert err == 0 and np.array_equal(q, [-8, -8, 0, 2, 7, 7])


def test_softmax_beta_scales_the_logits(api):
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    err, (out,) = run_op(api, "Softmax", [x], [x.shape], beta=2.5, axis=1)
    ref = onnx_ref("Softmax", {"x": x * np.float32(2.5)}, {"axis": 1})[0]
    assert err == 0 and np.allclose(out, ref, rtol=1e-6, atol=1e-7)
