"""qnnpy converter: converted models agree with onnxruntime; errors are clear and write nothing."""
import json
import os

import numpy as np
import onnx
import pytest
from hypothesis import given, settings, strategies as st
from onnx import TensorProto, helper, numpy_helper

from qnnpy import lora
from qnnpy.examples import decoder
from qnnpy.tools import cli
from qnnpy.tools.converter import convert, encodings_path
from qnnpy.tools.converter.quantizer import activation_encoding, mse_activation_encoding
from tests.tools.converter_support import Loaded, promoted, qdq_model, residual_stream, run_onnxruntime, sqnr_db


def _ort(model, exact=False, **feeds):
    return run_onnxruntime(model, feeds, exact)


def _with_initializers(model, values: dict):
    """A copy of ``model`` whose named initializers hold ``values``: the adapter merged the
    way the ONNX model itself would run it."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for init in copy.graph.initializer:
        if init.name in values:
            init.CopyFrom(numpy_helper.from_array(values[init.name], init.name))
    return copy


def _x(seed=7):
    return np.random.default_rng(seed).standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32)


def test_decoder_with_an_adapter_matches_onnxruntime(decoder_files, tmp_path):
    folder, model = decoder_files
    graph = convert(str(folder / "decoder.onnx"), str(tmp_path / "d.qnnpy"), str(folder / "names.txt"))
    assert set(graph.lora_weights) == set(decoder.lora_weight_names())
    kinds = {n.op_type for n in graph.nodes}
    assert {"Gelu", "RmsNorm"} <= kinds and "ElementWiseSquareRoot" not in kinds  # both fusions
    roles = {n: t.role for n, t in graph.tensors.items()}
    assert all(roles[n] == "updatable" for n in decoder.lora_weight_names())  # ONNX names kept
    loaded = Loaded(str(tmp_path / "d.qnnpy"))
    tensors = decoder.write_peft_adapter(str(tmp_path / "peft"), rank=8, lora_alpha=16, seed=3)
    adapter = decoder.padded_onnx_weights(tensors, 8, 16, 16)
    section = lora.make_section(loaded.context, loaded.handle, lora.update_structs(loaded.registered, adapter))
    assert section
    x, alpha = _x(), np.array([0.75], np.float32)
    got = loaded.run(x=x, alpha=alpha)["logits"]
    ref = _ort(_with_initializers(model, adapter), x=x, alpha=alpha)[0]
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())
    loaded.close()


@pytest.mark.parametrize("bits,per_channel,calibration,floor_db", [
    (8, False, "min-max", 27), (8, True, "mse", 28), (16, False, "min-max", 35), (16, True, "min-max", 37.5)])
def test_quantized_decoder_matches_an_independent_qdq_simulation(decoder_files, tmp_path, bits, per_channel,
                                                                  calibration, floor_db):
    """The converted model against onnxruntime running the ONNX model with QuantizeLinear/
    DequantizeLinear on every tensor the converter's encodings name: the emulator and that
    simulation agree far below the quantization noise (8 bit: a rounding tie flipped in one
    row reaches the later rows through attention, so ~35 dB; 16 bit: ~77 dB), and the SQNR
    against float is the simulation's too. Measured vs float on this decoder: 8-bit
    activations ~28.8 dB (per-channel weights + mse ranges ~29.4 dB), 16-bit ~37 dB
    (per-channel ~39-40 dB); docs/numerics.md."""
    folder, model = decoder_files
    out = tmp_path / "q.qnnpy"
    convert(str(folder / "decoder.onnx"), str(out), str(folder / "names.txt"), input_list=str(folder / "inputs.txt"),
            act_bitwidth=bits, use_per_channel_quantization=per_channel, act_quantizer_calibration=calibration)
    doc = json.loads(open(encodings_path(str(out))).read())
    assert doc["version"] == "1.0.0" and {e["name"] for e in doc["param_encodings"]} >= set(decoder.lora_weight_names())
    assert any(e["enc_type"] == "PER_CHANNEL" for e in doc["param_encodings"]) == per_channel
    simulation = qdq_model(model, doc)
    loaded = Loaded(str(out))
    alpha = np.ones(1, np.float32)
    for x in (np.fromfile(folder / "x0.raw", np.float32).reshape(1, decoder.SEQ, decoder.HIDDEN), _x()):
        ref, sim = _ort(model, x=x, alpha=alpha)[0], _ort(simulation, exact=True, x=x, alpha=alpha)[0]
        got = loaded.run(x=x, alpha=alpha)["logits"]
        assert sqnr_db(sim, got) >= (33 if bits == 8 else 70)
        assert abs(sqnr_db(ref, got) - sqnr_db(ref, sim)) <= 0.5 and sqnr_db(ref, got) >= floor_db
    loaded.close()


def test_adapter_only_marks_the_lora_branch(decoder_files, tmp_path):
    folder, _ = decoder_files
    graph = convert(str(folder / "decoder.onnx"), str(tmp_path / "a.qnnpy"), str(folder / "names.txt"),
                    input_list=str(folder / "inputs.txt"))
    updatable = {n for n, t in graph.tensors.items() if t.updatable_encoding}
    assert updatable == {f"{k}.lora_{part}" for k in decoder.lora_keys() for part in ("down", "scaled", "up")}
    every = convert(str(folder / "decoder.onnx"), str(tmp_path / "b.qnnpy"), str(folder / "names.txt"),
                    input_list=str(folder / "inputs.txt"), quant_updatable_mode="all")
    assert {"x", "logits"} <= {n for n, t in every.tensors.items() if t.updatable_encoding}


def test_overrides_win_in_both_aimet_formats(decoder_files, tmp_path):
    folder, _ = decoder_files
    legacy = {"activation_encodings": {"logits": [{"bitwidth": 8, "dtype": "int", "is_symmetric": "False",
                                                   "scale": 0.125, "offset": -100}]}, "param_encodings": {}}
    v1 = {"version": "1.0.0", "activation_encodings": [{"name": "logits", "enc_type": "PER_TENSOR", "dtype": "INT",
                                                        "bw": 8, "is_sym": False, "scale": [0.125], "offset": [-100]}],
          "param_encodings": []}
    for doc in (legacy, v1):
        (tmp_path / "enc.json").write_text(json.dumps(doc))
        graph = convert(str(folder / "decoder.onnx"), str(tmp_path / "o.qnnpy"), input_list=str(folder / "inputs.txt"),
                        quantization_overrides=str(tmp_path / "enc.json"))
        enc = graph.tensors["logits"].encoding
        assert (enc.scale, enc.offset, enc.dtype) == (0.125, -100, "UFIXED_POINT_8")


def test_mse_ranges_never_lose_to_min_max():
    rng = np.random.default_rng(0)
    for values in (rng.standard_normal(5000), rng.standard_t(2, 5000), rng.uniform(-1, 3, 5000)):
        values = values.astype(np.float32)
        errs = []
        for enc in (activation_encoding(float(values.min()), float(values.max()), 8), mse_activation_encoding(values, 8)):
            codes = np.clip(np.rint(values / enc.scale) - enc.offset, 0, 255)
            errs.append(np.mean(((codes + enc.offset) * enc.scale - values) ** 2))
        assert errs[1] <= errs[0]


def _write_model(path, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "m", inputs, outputs, list(inits))
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9), path)


def _io(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


@pytest.mark.parametrize("case, words", [
    ("unknown_ops", "[dynamic shape] node 'nz' (NonZero)|[unsupported op] node 'hm' (Hardmax)"),
    ("weight_list", "'layers.0.q_proj.lora_A.weights' (closest: ['layers.0.q_proj.lora_A.weight'])"),
    ("bad_json", "cannot read quantization overrides"),
    ("bad_input_list", "holds 3 float32 values"),
])
def test_errors_are_clear_exit_non_zero_and_write_nothing(tmp_path, capsys, case, words):
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "layers.0.q_proj.lora_A.weight")
    nodes = [helper.make_node("MatMul", ["x", "layers.0.q_proj.lora_A.weight"], ["y"], name="mm")]
    if case == "unknown_ops":
        nodes += [helper.make_node("NonZero", ["y"], ["nzo"], name="nz"), helper.make_node("Hardmax", ["y"], ["z"], name="hm")]
    _write_model(tmp_path / "m.onnx", nodes, [_io("x", [2, 4])], [_io("y", [2, 4])], [w])
    args = ["converter", "-i", str(tmp_path / "m.onnx"), "--output_path", str(tmp_path / "out.qnnpy")]
    if case == "weight_list":
        (tmp_path / "names.txt").write_text("layers.0.q_proj.lora_A.weights\n")
        args += ["--lora_weight_list", str(tmp_path / "names.txt")]
    if case == "bad_json":
        (tmp_path / "enc.json").write_text("{not json")
        args += ["--quantization_overrides", str(tmp_path / "enc.json")]
    if case == "bad_input_list":
        np.ones(3, np.float32).tofile(tmp_path / "x.raw")
        (tmp_path / "list.txt").write_text("x.raw\n")
        args += ["--input_list", str(tmp_path / "list.txt")]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert all(w in err for w in words.split("|"))
    assert not [p for p in os.listdir(tmp_path) if p.startswith("out") or p.startswith(".qnnpy-")]


ELEMENTWISE = ("Add", "Sub", "Mul", "Relu", "Sigmoid", "Tanh", "Softmax", "Transpose", "Reshape", "Slice", "Concat",
               "Gemm", "ReduceMean", "Unsqueeze", "Sqrt", "Gather", "Split", "LayerNormalization", "Gelu", "Where")


@settings(max_examples=150, deadline=None)
@given(ops=st.lists(st.sampled_from(ELEMENTWISE), min_size=1, max_size=5), seed=st.integers(0, 10**6))
def test_random_onnx_graphs_round_trip(tmp_path_factory, ops, seed):
    """Small ONNX graphs over the op list convert and agree with onnxruntime to 1e-5."""
    rng = np.random.default_rng(seed)
    rows, cols = 3, 6
    nodes, inits, cur, shape = [], [], "x", [rows, cols]

    def const(array):
        name = f"c{len(inits)}"
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    for k, op in enumerate(ops):
        out = f"t{k}"
        r, c = shape
        if op in ("Add", "Sub", "Mul"):
            nodes.append(helper.make_node(op, [cur, const(rng.standard_normal(c).astype(np.float32))], [out]))
        elif op in ("Relu", "Sigmoid", "Tanh", "Gelu"):
            nodes.append(helper.make_node(op, [cur], [out]))
        elif op == "Sqrt":
            nodes.append(helper.make_node("Sigmoid", [cur], [out + "_s"]))
            nodes.append(helper.make_node("Sqrt", [out + "_s"], [out]))
        elif op == "Softmax":
            nodes.append(helper.make_node(op, [cur], [out], axis=-1))
        elif op == "Transpose":
            nodes.append(helper.make_node(op, [cur], [out], perm=[1, 0]))
            shape = [c, r]
        elif op == "Reshape":
            nodes.append(helper.make_node(op, [cur, const(np.array([c, r], np.int64))], [out]))
            shape = [c, r]
        elif op == "Slice":
            nodes.append(helper.make_node(op, [cur, const(np.array([0], np.int64)), const(np.array([c - 1], np.int64)),
                                               const(np.array([1], np.int64))], [out]))
            shape = [r, c - 1] if c > 1 else shape
            if c == 1:
                nodes[-1] = helper.make_node("Identity", [cur], [out])
        elif op == "Concat":
            nodes.append(helper.make_node(op, [cur, const(rng.standard_normal((r, 2)).astype(np.float32))], [out], axis=1))
            shape = [r, c + 2]
        elif op == "Gemm":
            nodes.append(helper.make_node(op, [cur, const(rng.standard_normal((5, c)).astype(np.float32)),
                                               const(rng.standard_normal(5).astype(np.float32))], [out], transB=1))
            shape = [r, 5]
        elif op == "ReduceMean":
            nodes.append(helper.make_node(op, [cur, const(np.array([1], np.int64))], [out], keepdims=1))
            shape = [r, 1]
        elif op == "Unsqueeze":
            nodes.append(helper.make_node(op, [cur, const(np.array([0], np.int64))], [out + "_u"]))
            nodes.append(helper.make_node("Squeeze", [out + "_u", const(np.array([0], np.int64))], [out]))
        elif op == "Gather":
            nodes.append(helper.make_node(op, [cur, const(np.array([r - 1, 0], np.int64))], [out], axis=0))
            shape = [2, c]
        elif op == "Split":
            nodes.append(helper.make_node(op, [cur], [out, out + "_rest"], axis=0, num_outputs=2) if r >= 2 else
                         helper.make_node("Identity", [cur], [out]))
            shape = [(r + 1) // 2, c] if r >= 2 else shape
        elif op == "LayerNormalization":
            nodes.append(helper.make_node(op, [cur, const(np.ones(c, np.float32)), const(np.zeros(c, np.float32))], [out],
                                          axis=-1, epsilon=1e-5))
        elif op == "Where":
            mask = const(rng.integers(0, 2, (r, c)).astype(bool))
            nodes.append(helper.make_node(op, [mask, cur, const(np.zeros((r, c), np.float32))], [out]))
        cur = out
    nodes.append(helper.make_node("Identity", [cur], ["y"]))
    folder = tmp_path_factory.mktemp("rand")
    graph = helper.make_graph(nodes, "r", [_io("x", [rows, cols])], [_io("y", shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)
    onnx.save(model, folder / "r.onnx")
    convert(str(folder / "r.onnx"), str(folder / "r.qnnpy"))
    loaded = Loaded(str(folder / "r.qnnpy"))
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    got = loaded.run(x=x)["y"]
    loaded.close()
    ref = _ort(model, x=x)[0]
    tolerance = 1e-5 * max(1.0, float(np.abs(ref).max()))
    if not np.allclose(got, ref, rtol=1e-5, atol=tolerance):
        # an ill-conditioned graph (a normalization over values a few ulp apart) magnifies
        # rounding: then qnnpy must be as close to the float64 result as onnxruntime is
        exact = _float64_reference(model, x)
        assert np.abs(got - exact).max() <= 4 * np.abs(ref - exact).max() + tolerance, (got, ref, exact)


def _float64_reference(model, x):
    """The graph evaluated in float64 by onnx.reference (float tensors widened)."""
    from onnx.reference import ReferenceEvaluator
    wide = onnx.ModelProto()
    wide.CopyFrom(model)
    for vi in list(wide.graph.input) + list(wide.graph.output):
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            vi.type.tensor_type.elem_type = TensorProto.DOUBLE
    for k, init in enumerate(wide.graph.initializer):
        value = numpy_helper.to_array(init)
        if value.dtype == np.float32:
            wide.graph.initializer[k].CopyFrom(numpy_helper.from_array(value.astype(np.float64), init.name))
    return ReferenceEvaluator(wide).run(None, {"x": x.astype(np.float64)})[0]


def test_float16_conversion(decoder_files, tmp_path):
    folder, model = decoder_files
    convert(str(folder / "decoder.onnx"), str(tmp_path / "h.qnnpy"), float_bitwidth=16)
    loaded = Loaded(str(tmp_path / "h.qnnpy"))
    x = _x()
    got = loaded.run(x=x.astype(np.float16), alpha=np.ones(1, np.float16))["logits"]
    loaded.close()
    assert sqnr_db(_ort(model, x=x, alpha=np.ones(1, np.float32))[0], got) >= 40


def _convert_and_compare(tmp_path, model, feeds, rtol=1e-5):
    onnx.save(model, tmp_path / "m.onnx")
    graph = convert(str(tmp_path / "m.onnx"), str(tmp_path / "m.qnnpy"))
    loaded = Loaded(str(tmp_path / "m.qnnpy"))
    got = loaded.run(**feeds)
    loaded.close()
    ref = _ort(model, **feeds)
    for name, value in zip(graph.outputs, ref):
        np.testing.assert_allclose(got[name], value, rtol=rtol, atol=rtol * max(1.0, float(np.abs(value).max())))
    return graph


def test_shape_subgraphs_fold_into_constants(tmp_path):
    """x.reshape(x.shape[0], -1) as exporters write it: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    n = helper.make_node
    nodes = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "zero"], ["d0"], axis=0),
             n("Unsqueeze", ["d0", "axes0"], ["d0u"]), n("Concat", ["d0u", "minus1"], ["shape"], axis=0),
             n("Reshape", ["x", "shape"], ["y"])]
    inits = [numpy_helper.from_array(np.array(0, np.int64), "zero"), numpy_helper.from_array(np.array([0], np.int64), "axes0"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
    model = helper.make_model(helper.make_graph(nodes, "s", [_io("x", [2, 3, 4])], [_io("y", [2, 12])], inits),
                              opset_imports=[helper.make_opsetid("", 18)], ir_version=9)
    graph = _convert_and_compare(tmp_path, model, {"x": np.arange(24, dtype=np.float32).reshape(2, 3, 4)})
    assert [node.op_type for node in graph.nodes] == ["Reshape"]


def test_tanh_gelu_decomposition_and_conv_convert_op_by_op(tmp_path):
    n = helper.make_node
    c = [numpy_helper.from_array(np.array(v, np.float32), k) for k, v in
         (("three", 3.0), ("k", 0.044715), ("s", np.sqrt(2 / np.pi)), ("one", 1.0), ("half", 0.5))]
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 2, 3, 3)).astype(np.float32), "w")
    nodes = [n("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], strides=[1, 1]),
             n("Pow", ["c", "three"], ["c3"]), n("Mul", ["c3", "k"], ["kc3"]), n("Add", ["c", "kc3"], ["inner"]),
             n("Mul", ["inner", "s"], ["arg"]), n("Tanh", ["arg"], ["t"]), n("Add", ["t", "one"], ["t1"]),
             n("Mul", ["c", "t1"], ["ct"]), n("Mul", ["ct", "half"], ["y"])]
    model = helper.make_model(helper.make_graph(nodes, "g", [_io("x", [1, 2, 5, 5])], [_io("y", [1, 4, 5, 5])], c + [w]),
                              opset_imports=[helper.make_opsetid("", 18)], ir_version=9)
    graph = _convert_and_compare(tmp_path, model, {"x": np.random.default_rng(1).standard_normal((1, 2, 5, 5)).astype(np.float32)})
    assert {"Conv2d", "ElementWisePower", "Tanh"} <= {node.op_type for node in graph.nodes}


def test_per_channel_overrides_and_4_bit_weights(tmp_path):
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((6, 4)) * np.array([0.1, 1, 5, 20])).astype(np.float32)  # channel scales differ
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"])]
    model = helper.make_model(helper.make_graph(nodes, "pc", [_io("x", [3, 6])], [_io("y", [3, 4])],
                                                [numpy_helper.from_array(w, "w")]),
                              opset_imports=[helper.make_opsetid("", 18)], ir_version=9)
    onnx.save(model, tmp_path / "m.onnx")
    x = rng.standard_normal((3, 6)).astype(np.float32)
    x.tofile(tmp_path / "x.raw")
    (tmp_path / "list.txt").write_text("x.raw\n")
    scales = (np.abs(w).max(axis=0) / 127).tolist()
    legacy = {"activation_encodings": {}, "param_encodings": {"w": [
        {"bitwidth": 8, "dtype": "int", "is_symmetric": "True", "scale": s, "offset": -128} for s in scales]}}
    (tmp_path / "enc.json").write_text(json.dumps(legacy))
    ref = _ort(model, x=x)[0]
    errors = {}
    for label, extra in (("per_channel", {"quantization_overrides": str(tmp_path / "enc.json")}),
                         ("per_tensor", {}), ("4_bit", {"weights_bitwidth": 4})):
        graph = convert(str(tmp_path / "m.onnx"), str(tmp_path / f"{label}.qnnpy"), input_list=str(tmp_path / "list.txt"),
                        act_bitwidth=16, **extra)
        loaded = Loaded(str(tmp_path / f"{label}.qnnpy"))
        errors[label] = sqnr_db(ref, loaded.run(x=x)["y"])
        loaded.close()
        if label == "per_channel":
            assert graph.tensors["w"].encoding.axis == 1
        if label == "4_bit":
            assert graph.tensors["w"].encoding.bitwidth == 4 and np.abs(graph.tensors["w"].data).max() <= 7
    assert errors["per_channel"] > errors["per_tensor"] > errors["4_bit"] > 10, errors


def _uniform_activation_types(graph) -> bool:
    """Every op but Convert reads and writes its real activations in one type."""
    for node in graph.nodes:
        types = {graph.tensors[n].dtype for n in node.inputs + node.outputs
                 if n and graph.tensors[n].role in ("input", "native", "output") and graph.tensors[n].data is None
                 and graph.tensors[n].dtype.startswith(("FLOAT", "UFIXED", "SFIXED"))}
        if node.op_type != "Convert" and len(types) > 1:
            return False
    return True


def test_a_16_bit_residual_stream_lifts_8_bit_activations_past_30_db(decoder_files, tmp_path):
    """Mixed precision through overrides, the way users keep sensitive tensors wide: the
    decoder with every activation at 8 bit except the residual stream (the model input, each
    residual sum, the output) at 16. The converter lowers the mixed ops with Converts, and the
    result matches onnxruntime running the same encodings as QDQ pairs. Measured: ~31 dB,
    against ~29 dB with the residual stream at 8 bit too (docs/numerics.md)."""
    folder, model = decoder_files
    convert(str(folder / "decoder.onnx"), str(tmp_path / "a8.qnnpy"), str(folder / "names.txt"),
            input_list=str(folder / "inputs.txt"), use_per_channel_quantization=True, act_quantizer_calibration="mse")
    doc = json.loads(open(encodings_path(str(tmp_path / "a8.qnnpy"))).read())
    stream = residual_stream(doc)
    assert len(stream) == 2 * decoder.LAYERS + 1
    mixed = promoted(doc, stream)
    (tmp_path / "mixed.json").write_text(json.dumps(mixed))
    graph = convert(str(folder / "decoder.onnx"), str(tmp_path / "m.qnnpy"), str(folder / "names.txt"),
                    quantization_overrides=str(tmp_path / "mixed.json"), input_list=str(folder / "inputs.txt"),
                    use_per_channel_quantization=True, act_quantizer_calibration="mse")
    assert _uniform_activation_types(graph) and any(n.op_type == "Convert" for n in graph.nodes)
    written = json.loads(open(encodings_path(str(tmp_path / "m.qnnpy"))).read())
    assert {e["name"] for e in written["activation_encodings"]} == {e["name"] for e in doc["activation_encodings"]}
    simulation = qdq_model(model, written)
    loaded = Loaded(str(tmp_path / "m.qnnpy"))
    alpha = np.ones(1, np.float32)
    for x in (np.fromfile(folder / "x0.raw", np.float32).reshape(1, decoder.SEQ, decoder.HIDDEN), _x()):
        ref, sim = _ort(model, x=x, alpha=alpha)[0], _ort(simulation, exact=True, x=x, alpha=alpha)[0]
        got = loaded.run(x=x, alpha=alpha)["logits"]
        assert sqnr_db(sim, got) >= 35
        assert abs(sqnr_db(ref, got) - sqnr_db(ref, sim)) <= 0.5 and sqnr_db(ref, got) >= 30
    loaded.close()


MIXED_RANGES = {"a": (-1.0, 1.0), "b": (-1.0, 1.0), "t": (-2.0, 2.0), "u": (-2.0, 2.0), "y": (0.0, 2.0)}


@settings(max_examples=40, deadline=None)
@given(types=st.fixed_dictionaries({n: st.sampled_from(("float", 8, 16)) for n in MIXED_RANGES}),
       seed=st.integers(0, 10**6))
def test_any_mix_of_activation_types_matches_a_qdq_simulation(tmp_path_factory, types, seed):
    """t = a + b, u = t * a, y = Relu(u), each tensor float, 8 or 16 bit by override: after
    lowering every op computes in one type, and the outputs equal onnxruntime's QDQ
    simulation of the same encodings: mostly exactly, and where a tie rounded apart within a
    rounding step per quantized tensor."""
    folder = tmp_path_factory.mktemp("mixed")
    n = helper.make_node
    _write_model(folder / "m.onnx", [n("Add", ["a", "b"], ["t"]), n("Mul", ["t", "a"], ["u"]), n("Relu", ["u"], ["y"])],
                 [_io("a", [4, 8]), _io("b", [4, 8])], [_io("y", [4, 8])])
    overrides = {"activation_encodings": {
        name: [{"dtype": "float", "bitwidth": 32}] if types[name] == "float" else
        [{"dtype": "int", "bitwidth": types[name], "is_symmetric": "False", "min": lo, "max": hi}]
        for name, (lo, hi) in MIXED_RANGES.items()}, "param_encodings": {}}
    (folder / "enc.json").write_text(json.dumps(overrides))
    graph = convert(str(folder / "m.onnx"), str(folder / "m.qnnpy"), quantization_overrides=str(folder / "enc.json"))
    assert _uniform_activation_types(graph)
    assert any(node.op_type == "Convert" for node in graph.nodes) == (len(set(types.values())) > 1)
    doc = json.loads(open(encodings_path(str(folder / "m.qnnpy"))).read())
    again = convert(str(folder / "m.onnx"), str(folder / "again.qnnpy"),  # the written file reproduces it
                    quantization_overrides=encodings_path(str(folder / "m.qnnpy")))
    assert {n: t.dtype for n, t in again.tensors.items()} == {n: t.dtype for n, t in graph.tensors.items()}
    rng = np.random.default_rng(seed)
    feeds = {k: rng.uniform(-1, 1, (4, 8)).astype(np.float32) for k in "ab"}
    loaded = Loaded(str(folder / "m.qnnpy"))
    got = loaded.run(**feeds)["y"]
    loaded.close()
    sim = _ort(qdq_model(onnx.load(folder / "m.onnx"), doc), exact=True, **feeds)[0]
    steps = sum((hi - lo) / (2 ** types[k] - 1) for k, (lo, hi) in MIXED_RANGES.items() if k in "tuy" and types[k] != "float")
    np.testing.assert_allclose(got, sim, rtol=0, atol=1.01 * steps + 1e-5)
    assert np.mean(np.abs(got - sim) > 1e-6) <= 0.25  # otherwise equal: a widening Convert is exact


def test_16_bit_weight_overrides_keep_16_bit_codes(tmp_path):
    """A weight override at 16 bits (AIMET 1.0.0, symmetric) is stored in a 16-bit container:
    with 16-bit activations the product stays within 16-bit noise of float."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    model = helper.make_model(helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "w16",
                                                [_io("x", [3, 6])], [_io("y", [3, 4])], [numpy_helper.from_array(w, "w")]),
                              opset_imports=[helper.make_opsetid("", 18)], ir_version=9)
    onnx.save(model, tmp_path / "m.onnx")
    x = rng.standard_normal((3, 6)).astype(np.float32)
    x.tofile(tmp_path / "x.raw")
    (tmp_path / "list.txt").write_text("x.raw\n")
    doc = {"version": "1.0.0", "activation_encodings": [], "param_encodings": [
        {"name": "w", "enc_type": "PER_TENSOR", "dtype": "INT", "bw": 16, "is_sym": True,
         "scale": [float(np.abs(w).max()) / 32767], "offset": [0]}]}
    (tmp_path / "enc.json").write_text(json.dumps(doc))
    graph = convert(str(tmp_path / "m.onnx"), str(tmp_path / "m.qnnpy"), input_list=str(tmp_path / "list.txt"),
                    act_bitwidth=16, quantization_overrides=str(tmp_path / "enc.json"))
    assert graph.tensors["w"].data.dtype == np.int16 and np.abs(graph.tensors["w"].data).max() == 32767
    loaded = Loaded(str(tmp_path / "m.qnnpy"))
    assert sqnr_db(_ort(model, x=x)[0], loaded.run(x=x)["y"]) >= 70
    loaded.close()


@pytest.mark.parametrize("doc, words", [
    ({"version": "3.0.0", "activation_encodings": [], "param_encodings": []}, "AIMET encodings version '3.0.0'"),
    ({"version": "2.0.0", "encodings": [{"name": "layers.0.q_proj.lora_A.weight", "output_dtype": "int4",
                                         "y_scale": [[1.0]], "axis": 1, "block_size": 2}]},
     "has a per-block encoding; the HTP takes blocks as LPBQ"),
    ({"version": "2.0.0", "activation_encodings": [], "param_encodings": []}, "needs 'encodings'"),
    ({"version": "1.0.0", "activation_encodings": [], "param_encodings": [
        {"name": "layers.0.q_proj.lora_A.weight", "enc_type": "PER_BLOCK", "bw": 4, "scale": [1.0], "offset": [0],
         "block_size": 64}]}, "has a PER_BLOCK encoding; the HTP takes blocks as LPBQ"),
    ({"version": "1.0.0", "activation_encodings": [], "param_encodings": [
        {"name": "layers.0.q_proj.lora_A.weight", "enc_type": "LPBQ", "bw": 8, "scale": [1.0], "offset": [-128],
         "block_size": 64}]}, "malformed encoding entry (KeyError: 'per_block_int_scale')"),
    ({"activation_encodings": [], "param_encodings": []}, "malformed encoding entry"),
])
def test_unsupported_encodings_files_are_refused_by_name(tmp_path, capsys, doc, words):
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "layers.0.q_proj.lora_A.weight")
    _write_model(tmp_path / "m.onnx", [helper.make_node("MatMul", ["x", "layers.0.q_proj.lora_A.weight"], ["y"])],
                 [_io("x", [2, 4])], [_io("y", [2, 4])], [w])
    (tmp_path / "enc.json").write_text(json.dumps(doc))
    assert cli.main(["converter", "-i", str(tmp_path / "m.onnx"), "--output_path", str(tmp_path / "out.qnnpy"),
                     "--quantization_overrides", str(tmp_path / "enc.json")]) == 1
    assert words in capsys.readouterr().err


def test_aimet_2_0_0_encodings_match_an_onnx_qdq_model_of_the_same_values(tmp_path):
    """AIMET 2.0.0 entries are QuantizeLinear parameters (q = round(x / y_scale) + y_zero_point
    in output_dtype, per channel along axis). The oracle is onnxruntime running Q/DQ nodes built
    from the same numbers: an unsigned activation with a zero point, a signed 16-bit one with a
    non-zero zero point (which QNN holds as unsigned), a per-channel symmetric int8 weight and
    a float16 entry (left in float)."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Add", ["r", "x2"], ["y"])]
    _write_model(tmp_path / "m.onnx", nodes, [_io("x", [3, 6]), _io("x2", [3, 4])], [_io("y", [3, 4])],
                 [numpy_helper.from_array(w, "w")])
    w_scales = (np.abs(w).max(axis=0) / 127).astype(np.float32)
    enc = {"x": ("uint8", 0.02, 37), "h": ("int16", 0.0004, -1000), "r": ("uint16", 0.0002, 0),
           "x2": ("uint8", 0.01, 128)}
    doc = {"version": "2.0.0", "encodings": [
        {"name": n, "output_dtype": d, "y_scale": s, **({"y_zero_point": z} if z else {})} for n, (d, s, z) in enc.items()]
        + [{"name": "w", "output_dtype": "int8", "y_scale": w_scales.tolist(), "axis": 1},
           {"name": "y", "output_dtype": "float16"}]}
    (tmp_path / "enc.json").write_text(json.dumps(doc))
    convert(str(tmp_path / "m.onnx"), str(tmp_path / "m.qnnpy"), quantization_overrides=str(tmp_path / "enc.json"))

    onnx_type = {"uint8": TensorProto.UINT8, "int16": TensorProto.INT16, "uint16": TensorProto.UINT16}
    qdq, inits = [], [numpy_helper.from_array(w, "w")]
    for name, (dtype, scale, zero) in enc.items():
        inits += [numpy_helper.from_array(np.array(scale, np.float32), f"{name}_s"),
                  helper.make_tensor(f"{name}_z", onnx_type[dtype], [], [zero])]
        qdq.append(helper.make_node("QuantizeLinear", [name, f"{name}_s", f"{name}_z"], [f"{name}_q"]))
        qdq.append(helper.make_node("DequantizeLinear", [f"{name}_q", f"{name}_s", f"{name}_z"], [f"{name}_d"]))
    inits += [numpy_helper.from_array(w_scales, "w_s"),
              numpy_helper.from_array(np.clip(np.rint(w / w_scales), -128, 127).astype(np.int8), "w_q")]
    graph = helper.make_graph(
        [qdq[0], qdq[1], qdq[6], qdq[7], helper.make_node("DequantizeLinear", ["w_q", "w_s"], ["w_d"], axis=1),
         helper.make_node("MatMul", ["x_d", "w_d"], ["h"]), qdq[2], qdq[3],
         helper.make_node("Relu", ["h_d"], ["r"]), qdq[4], qdq[5], helper.make_node("Add", ["r_d", "x2_d"], ["y"])],
        "qdq", [_io("x", [3, 6]), _io("x2", [3, 4])], [_io("y", [3, 4])], inits)
    oracle = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], ir_version=10)
    x, x2 = rng.uniform(-0.7, 4.3, (3, 6)).astype(np.float32), rng.uniform(-1.2, 1.2, (3, 4)).astype(np.float32)
    loaded = Loaded(str(tmp_path / "m.qnnpy"))
    got = loaded.run(x=x, x2=x2)["y"]
    loaded.close()
    np.testing.assert_allclose(got, _ort(oracle, exact=True, x=x, x2=x2)[0], rtol=0, atol=0.0002 * 1.01 + 1e-6)
