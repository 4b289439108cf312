"""LPBQ weights from AIMET encodings files (1.0.0 ``enc_type: LPBQ`` and 2.0.0
``per_block_int_scale``) on a real torch.onnx export (Llama, dynamo): qairt-converter
--float_fallback quantizes the MatMul weights the files name to 4-bit codes with a float scale
per output channel and a 4-bit integer per block of 16 input channels, all else float. The
reference is onnxruntime running the same export with each of those weights replaced by
ONNX's own blocked QuantizeLinear/DequantizeLinear (the pattern AIMET exports): the logits
agree, the two file versions give the same model, and a context binary made from it runs the
same through net-run."""
import json
import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T, helper, numpy_helper

from qnnpy.tools import cli, model_file
from qnnpy.tools.converter.runner import GraphRunner
from tests.tools.converter_support import run_onnxruntime, sqnr_db

EXPORTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "exports")
BLOCK = 16


def qnnpy(*argv) -> int:
    return cli.main([str(a) for a in argv])


def lpbq_of(w: np.ndarray):
    """An LPBQ encoding of ``w`` [K, N] as AIMET computes one: each block's int4 scale, then a
    float scale per channel and the block scales as 1..16 multiples of it."""
    blocks = np.abs(w).reshape(w.shape[0] // BLOCK, BLOCK, w.shape[1]).max(axis=1) / 7  # [block, channel]
    channel = (blocks.max(axis=0) / 16).astype(np.float32)
    integers = np.clip(np.rint(blocks / channel), 1, 16).astype(np.uint8)
    return channel, integers


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    work = tmp_path_factory.mktemp("lpbq")
    model = onnx.load(os.path.join(EXPORTS, "llama_dynamo.onnx"))
    feeds = {"input_ids": np.load(os.path.join(EXPORTS, "llama_dynamo.npz"))["input_ids"]}
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    weights = [n.input[1] for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    encodings = {name: lpbq_of(inits[name]) for name in weights}
    onnx.save(model, work / "model.onnx")
    return work, model, feeds, encodings


def v1_file(path, encodings):
    entries = [{"name": n, "enc_type": "LPBQ", "dtype": "INT", "bw": 8, "compressed_bw": 4, "is_sym": True,
                "block_size": BLOCK, "scale": c.tolist(), "offset": [-128] * c.size,
                "per_block_int_scale": i.T.ravel().tolist()} for n, (c, i) in encodings.items()]
    path.write_text(json.dumps({"version": "1.0.0", "activation_encodings": [], "param_encodings": entries}))
    return path


def v2_file(path, encodings):
    entries = [{"name": n, "output_dtype": "int4", "axis": 0, "block_size": BLOCK,
                "per_channel_float_scale": c.reshape(1, -1).tolist(), "per_block_int_scale": i.tolist()}
               for n, (c, i) in encodings.items()]
    path.write_text(json.dumps({"version": "2.0.0", "encodings": entries}))
    return path


def qdq_reference(model, encodings):
    """The export with each weight W replaced by DequantizeLinear(QuantizeLinear(W)) in blocks,
    the block scales themselves DequantizeLinear(integers, channel scales): onnxruntime does all
    of the quantizing."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    for name, (channel, integers) in encodings.items():
        k = f"lpbq_{name}"
        graph.initializer.extend([
            numpy_helper.from_array(integers, f"{k}_int"), numpy_helper.from_array(channel, f"{k}_ch"),
            helper.make_tensor(f"{k}_izp", T.UINT8, [channel.size], [0] * channel.size),
            helper.make_tensor(f"{k}_zp", T.INT4, list(integers.shape), [0] * integers.size)])
        graph.node.insert(0, helper.make_node("DequantizeLinear", [f"{k}_q", f"{k}_scale", f"{k}_zp"], [f"{k}_w"],
                                              axis=0, block_size=BLOCK))
        graph.node.insert(0, helper.make_node("QuantizeLinear", [name, f"{k}_scale", f"{k}_zp"], [f"{k}_q"],
                                              axis=0, block_size=BLOCK))
        graph.node.insert(0, helper.make_node("DequantizeLinear", [f"{k}_int", f"{k}_ch", f"{k}_izp"], [f"{k}_scale"],
                                              axis=1))
        for node in graph.node[3:]:
            node.input[:] = [f"{k}_w" if i == name else i for i in node.input]
    opset = next(o for o in model.opset_import if o.domain in ("", "ai.onnx"))
    opset.version = max(opset.version, 21)
    return model


def test_lpbq_weights_match_onnxruntime_and_both_file_versions_agree(export, tmp_path):
    work, model, feeds, encodings = export
    for version, writer in (("v1", v1_file), ("v2", v2_file)):
        overrides = writer(tmp_path / f"{version}.json", encodings)
        assert qnnpy("converter", "-i", work / "model.onnx", "--output_path", tmp_path / version / "m.qnnpy",
                     "--quantization_overrides", overrides, "--float_fallback") == 0
    (graph,), _ = model_file.load(str(tmp_path / "v1" / "m.qnnpy"))
    (graph2,), _ = model_file.load(str(tmp_path / "v2" / "m.qnnpy"))
    quantized = {n for n, t in graph.tensors.items() if t.encoding is not None}
    assert quantized == set(encodings)
    for name in encodings:
        t = graph.tensors[name]
        assert t.dtype == "SFIXED_POINT_8" and t.encoding.blocks is not None and -8 <= t.data.min() <= t.data.max() <= 7
        np.testing.assert_array_equal(t.data, graph2.tensors[name].data)
        assert t.encoding == graph2.tensors[name].encoding
    with GraphRunner(graph) as runner:
        ours = runner.run({k: v.astype(np.int32) for k, v in feeds.items()})[graph.outputs[0]]
    want = run_onnxruntime(qdq_reference(model, encodings), feeds)[0]
    unquantized = run_onnxruntime(model, feeds)[0]
    assert sqnr_db(want, ours) >= 60, sqnr_db(want, ours)  # the same quantized weights, float elsewhere
    assert sqnr_db(unquantized, ours) < sqnr_db(want, ours) - 20  # 4-bit weights do change the logits


def test_a_context_binary_of_lpbq_weights_runs_the_same(export, tmp_path):
    work, _, feeds, encodings = export
    assert qnnpy("converter", "-i", work / "model.onnx", "--output_path", tmp_path / "m.qnnpy",
                 "--quantization_overrides", v1_file(tmp_path / "v1.json", encodings), "--float_fallback") == 0
    (graph,), _ = model_file.load(str(tmp_path / "m.qnnpy"))
    with GraphRunner(graph) as runner:
        direct = runner.run({k: v.astype(np.int32) for k, v in feeds.items()})[graph.outputs[0]]
    assert qnnpy("context-binary-generator", "--model", tmp_path / "m.qnnpy", "--binary_file", "base",
                 "--output_dir", tmp_path / "bin") == 0
    feeds["input_ids"].astype(np.float32).tofile(tmp_path / "ids.raw")
    (tmp_path / "inputs.txt").write_text("input_ids:=ids.raw\n")
    assert qnnpy("net-run", "--retrieve_context", tmp_path / "bin" / "base.bin", "--input_list",
                 tmp_path / "inputs.txt", "--output_dir", tmp_path / "run") == 0
    got = np.fromfile(tmp_path / "run" / "Result_0" / "logits.raw", np.float32).reshape(direct.shape)
    np.testing.assert_array_equal(got, direct)


@pytest.mark.parametrize("edit, words", [
    (lambda e: e.update(block_size=12), "blocks of 12 do not split"),
    (lambda e: e.update(per_block_int_scale=[17] * len(e["per_block_int_scale"])), "must lie in 1..16"),
    (lambda e: e.update(enc_type="PER_BLOCK"), "has a PER_BLOCK encoding; the HTP takes blocks as LPBQ"),
    (lambda e: e.update(offset=[-3] * len(e["offset"])), "LPBQ is symmetric"),
])
def test_bad_lpbq_entries_are_refused_by_name(export, tmp_path, capsys, edit, words):
    work, _, _, encodings = export
    path = v1_file(tmp_path / "v1.json", encodings)
    doc = json.loads(path.read_text())
    edit(doc["param_encodings"][0])
    path.write_text(json.dumps(doc))
    assert qnnpy("converter", "-i", work / "model.onnx", "--output_path", tmp_path / "m.qnnpy",
                 "--quantization_overrides", path, "--float_fallback") == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "m.qnnpy").exists()
