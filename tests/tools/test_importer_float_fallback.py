"""The importer under a base quantized with --float_fallback, on a real PEFT export (Llama,
q/v adapters): QAIRT's importer must quantize each use case the way the base run was
quantized, so adapters take their encodings from their own quant_overrides (updatable
activations without one keep the base's, with a warning naming them) and nothing is
calibrated. Checked end to end against PyTorch's logits for both adapters, and on the
encodings written."""
import json
import os
import shutil

import numpy as np
import pytest
import yaml
from safetensors.numpy import load_file

from qnnpy.tools import cli, model_file, qairt
from tests.tools.converter_support import sqnr_db

SOURCE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "peft", "llama_qv")
BASE_RANGE, A_RANGE = 16.0, 8.0  # the branch output's 16-bit range in the base and in adapter A's overrides


def qnnpy(*argv) -> int:
    return cli.main([str(a) for a in argv])


def activation(name: str, width: float) -> dict:
    return {"name": name, "enc_type": "PER_TENSOR", "dtype": "INT", "bw": 16, "is_sym": False,
            "scale": [width / 65535], "offset": [-32768]}


def weight(name: str, values: np.ndarray) -> dict:
    return {"name": name, "enc_type": "PER_TENSOR", "dtype": "INT", "bw": 8, "is_sym": True,
            "scale": [float(np.abs(values).max()) / 127], "offset": [0]}


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """converter (float) -> qairt-quantizer --float_fallback (LoRA weights 8-bit, one LoRA
    branch output 16-bit, all else float) -> the files the importer needs."""
    work = tmp_path_factory.mktemp("fallback")
    for adapter in ("adapter_a", "adapter_b"):
        shutil.copytree(os.path.join(SOURCE, adapter), work / adapter)
    shutil.copy(os.path.join(SOURCE, "model_dynamo.onnx"), work / "model.onnx")
    data = dict(np.load(os.path.join(SOURCE, "data.npz")))
    data["input_ids"].astype(np.float32).tofile(work / "ids.raw")
    (work / "inputs.txt").write_text("input_ids:=ids.raw\n")
    assert qnnpy("lora-tensor-names", "--adapter", work / "adapter_a", "--input_network", work / "model.onnx",
                 "-o", work / "names.txt", "--map", work / "map.yaml") == 0
    (work / "float").mkdir()
    assert qnnpy("converter", "-i", work / "model.onnx", "--output_path", work / "float" / "m.qnnpy",
                 "--lora_weight_list", work / "names.txt") == 0
    (graph,), _ = model_file.load(str(work / "float" / "m.qnnpy"))
    branch = next(n.outputs[0] for n in graph.nodes if n.op_type == "MatMul" and n.inputs[1] in graph.lora_weights)
    base = {"version": "1.0.0", "activation_encodings": [activation(branch, BASE_RANGE)],
            "param_encodings": [weight(n, graph.tensors[n].data) for n in graph.lora_weights]}
    (work / "base.json").write_text(json.dumps(base))
    assert qnnpy("quantizer", "--input_dlc", work / "float" / "m.qnnpy", "--output_dlc", work / "m.qnnpy",
                 "--quantization_overrides", work / "base.json", "--float_fallback") == 0
    (work / "a.json").write_text(json.dumps({"version": "1.0.0", "param_encodings": [],
                                             "activation_encodings": [activation(branch, A_RANGE)]}))
    (work / "lora.yaml").write_text(yaml.safe_dump({"use_case": [
        {"name": "A", "lora_weights": "adapter_a", "quant_overrides": "a.json"},
        {"name": "B", "lora_weights": "adapter_b"}]}))
    return work, data, branch


def entries(doc: dict) -> dict:
    return {e["name"]: e for e in doc["activation_encodings"] + doc["param_encodings"]}


def test_adapters_take_their_overrides_and_match_pytorch(flow, capsys):
    work, data, branch = flow
    assert qairt.qairt_lora_importer([str(a) for a in (
        "--lora_config", work / "lora.yaml", "--input_dlc", work / "m.qnnpy", "--lora_map", work / "map.yaml",
        "--output_dir", work / "imported", "--float_fallback")]) == 0
    warned = capsys.readouterr().err
    assert "adapter 'B': 1 updatable activation(s) have no encoding in its quant_overrides and keep the base's" \
        in warned and branch in warned and "adapter 'A'" not in warned
    for name, width in (("A", A_RANGE), ("B", BASE_RANGE)):
        doc = entries(json.loads((work / "imported" / f"{name}_lora.encodings").read_text()))
        assert doc[branch]["scale"] == pytest.approx([width / 65535]) and doc[branch]["offset"] == [-32768]
        for tensor, values in load_file(work / "imported" / f"{name}_lora.safetensors").items():
            assert doc[tensor]["scale"] == pytest.approx([float(np.abs(values).max()) / 127], rel=1e-6)
    assert qnnpy("context-binary-generator", "--model", work / "m.qnnpy", "--binary_file", "base", "--output_dir",
                 work / "bin", "--adapter_weight_config", work / "imported" / "lora_output_files.yaml") == 0
    (work / "updates.yaml").write_text(yaml.safe_dump({"graphs": [{"m": ["bin/m_A.bin", "bin/m_B.bin"]}]}))
    assert qnnpy("net-run", "--retrieve_context", work / "bin" / "base.bin", "--input_list", work / "inputs.txt",
                 "--output_dir", work / "run", "--binary_updates", work / "updates.yaml") == 0
    for folder, reference in (("m_update1", "logits_a"), ("m_update2", "logits_b")):
        ref = data[reference]
        got = np.fromfile(work / "run" / folder / "Result_0" / "logits.raw", np.float32).reshape(ref.shape)
        assert sqnr_db(ref, got) >= 30, (folder, sqnr_db(ref, got))
        assert sqnr_db(data["logits_b" if reference == "logits_a" else "logits_a"], got) < sqnr_db(ref, got)


@pytest.mark.parametrize("extra, model, words", [
    (["--input_list", "inputs.txt"], "m.qnnpy", "quantized with --float_fallback: adapters take their encodings"),
    (["--float_fallback"], "float/m.qnnpy", "--float_fallback is given but"),
])
def test_options_that_differ_from_the_base_run_are_refused(flow, capsys, extra, model, words):
    work, _, _ = flow
    extra = [work / e if e.endswith(".txt") else e for e in extra]
    assert qnnpy("lora-importer", "--lora_config", work / "lora.yaml", "--input_model", work / model,
                 "--lora_map", work / "map.yaml", "--output_dir", work / "refused", *extra) == 1
    assert words in capsys.readouterr().err
    assert not (work / "refused").exists()
