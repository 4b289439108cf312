"""The LoRA v2 toolchain on real PEFT exports (tests/fixtures/peft, made by
tests/fixtures/make_exports.py --peft): lora-tensor-names -> converter -> lora-importer ->
context-binary-generator -> net-run --binary_updates, as a user runs it, each step's logits
checked against PyTorch's for the same adapter (the base with adapters disabled, A — the one
exported —, B of another rank with rsLoRA, the default adapter, A again)."""
import glob
import os
import shutil

import numpy as np
import pytest
import yaml

from qnnpy.tools import cli
from tests.tools.converter_support import sqnr_db

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "peft")
MODELS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(FIXTURES, "*_*")))
STYLES = ("dynamo", "dynamo_noopt")
# (run folder, reference logits): net-run without a section runs the base as exported (with A)
STEPS = (("", "logits_a"), ("m_update1", "logits_a"), ("m_update2", "logits_b"), ("m_update3", "logits_base"),
         ("m_update4", "logits_a"))


def qnnpy(*argv):
    assert cli.main([str(a) for a in argv]) == 0, argv


def run_flow(model: str, style: str, work, quantized: bool, mode: str = "adapter_only") -> dict:
    """{step folder: SQNR vs PyTorch} for the whole CLI flow in ``work``."""
    source = os.path.join(FIXTURES, model)
    for adapter in ("adapter_a", "adapter_b"):
        shutil.copytree(os.path.join(source, adapter), work / adapter)
    shutil.copy(os.path.join(source, f"model_{style}.onnx"), work / "model.onnx")
    data = dict(np.load(os.path.join(source, "data.npz")))
    inputs = ["input_ids"] + ([n for n in data if n.startswith("past_")] if style == "kv" else [])
    for name in inputs:
        data[name].astype(np.float32).tofile(work / f"{name}.raw")  # qnn-net-run reads float32 files
    (work / "inputs.txt").write_text(" ".join(f"{n}:={n}.raw" for n in inputs) + "\n")
    lines = []
    for k, ids in enumerate(data["calibration_ids"]):
        ids.astype(np.float32).tofile(work / f"cal{k}.raw")
        lines.append(f"input_ids:=cal{k}.raw")
    (work / "calibration.txt").write_text("\n".join(lines) + "\n")
    (work / "lora_config.yaml").write_text(yaml.safe_dump(
        {"use_case": [{"name": "A", "lora_weights": "adapter_a"}, {"name": "B", "lora_weights": "adapter_b"}]}))
    calibration = ["--input_list", work / "calibration.txt"] if quantized else []
    qnnpy("lora-tensor-names", "--adapter", work / "adapter_a", "--input_network", work / "model.onnx",
          "-o", work / "names.txt", "--map", work / "map.yaml")
    qnnpy("converter", "-i", work / "model.onnx", "--output_path", work / "m.qnnpy", "--lora_weight_list",
          work / "names.txt", *calibration, *(["--act_bitwidth", 16, "--quant_updatable_mode", mode] if quantized else []))
    qnnpy("lora-importer", "--lora_config", work / "lora_config.yaml", "--input_model", work / "m.qnnpy",
          "--lora_map", work / "map.yaml", "--output_dir", work / "imported",
          *(calibration + ["--input_network", work / "model.onnx"] if quantized else []))
    qnnpy("context-binary-generator", "--model", work / "m.qnnpy", "--binary_file", "base", "--output_dir",
          work / "bin", "--adapter_weight_config", work / "imported" / "lora_output_files.yaml")
    (work / "updates.yaml").write_text(yaml.safe_dump({"graphs": [{"m": [
        "bin/m_A.bin", "bin/m_B.bin", "bin/m_default_adapter.bin", "bin/m_A.bin"]}]}))
    qnnpy("net-run", "--retrieve_context", work / "bin" / "base.bin", "--input_list", work / "inputs.txt",
          "--output_dir", work / "run", "--binary_updates", work / "updates.yaml")
    result = {}
    for folder, reference in STEPS:
        ref = data[("kv_" if style == "kv" else "") + reference]
        got = np.fromfile(work / "run" / folder / "Result_0" / "logits.raw", np.float32).reshape(ref.shape)
        result[folder or "base"] = sqnr_db(ref, got)
    return result


def test_fixtures_are_there():
    assert {m.split("_")[0] for m in MODELS} == {"llama", "qwen2", "phi3", "mistral", "gemma", "gpt2"}


@pytest.mark.parametrize("model, style", [(m, s) for m in MODELS for s in STYLES + ("kv",)
                                          if os.path.exists(os.path.join(FIXTURES, m, f"model_{s}.onnx"))])
def test_float_flow_matches_pytorch(model, style, tmp_path):
    sqnr = run_flow(model, style, tmp_path, quantized=False)
    assert min(sqnr.values()) >= 100, sqnr


@pytest.mark.parametrize("model", MODELS)
def test_a16w8_default_mode_keeps_30_db_for_the_base_and_every_adapter(model, tmp_path):
    """adapter_only (the default): the base's encodings, calibrated with the exported adapter
    and without it, serve the base, both adapters and the default adapter."""
    sqnr = run_flow(model, "dynamo", tmp_path, quantized=True)
    assert min(sqnr.values()) >= 30, sqnr


@pytest.mark.parametrize("model", MODELS)
def test_a16w8_all_mode_keeps_30_db_for_every_adapter(model, tmp_path):
    """With --quant_updatable_mode all every adapter brings its own encodings."""
    sqnr = run_flow(model, "dynamo", tmp_path, quantized=True, mode="all")
    assert min(sqnr.values()) >= 30, sqnr


@pytest.mark.parametrize("config, tensor, words", [
    ({"use_dora": True}, "lora_magnitude_vector", "uses use_dora (DoRA rescales"),
    ({"modules_to_save": ["lm_head"]}, None, "uses modules_to_save (it trains full copies of modules ['lm_head'])"),
    ({"lora_bias": True}, None, "uses lora_bias"),
    ({"peft_type": "LOHA"}, None, "is a PEFT LOHA adapter"),
])
def test_peft_features_lora_v2_cannot_hold_are_refused_by_name(config, tensor, words, tmp_path, capsys):
    import json

    from safetensors.numpy import load_file, save_file
    source = os.path.join(FIXTURES, "llama_qv")
    shutil.copytree(os.path.join(source, "adapter_a"), tmp_path / "adapter_a")
    shutil.copy(os.path.join(source, "model_dynamo.onnx"), tmp_path / "model.onnx")
    doc = json.loads((tmp_path / "adapter_a" / "adapter_config.json").read_text())
    (tmp_path / "adapter_a" / "adapter_config.json").write_text(json.dumps({**doc, **config}))
    if tensor:
        tensors = load_file(tmp_path / "adapter_a" / "adapter_model.safetensors")
        tensors[f"base_model.model.model.layers.0.self_attn.q_proj.{tensor}"] = np.ones(32, np.float32)
        save_file(tensors, tmp_path / "adapter_a" / "adapter_model.safetensors")
    qnnpy("lora-tensor-names", "--adapter", source + "/adapter_a", "--input_network", tmp_path / "model.onnx",
          "-o", tmp_path / "names.txt", "--map", tmp_path / "map.yaml")
    qnnpy("converter", "-i", tmp_path / "model.onnx", "--output_path", tmp_path / "m.qnnpy", "--lora_weight_list",
          tmp_path / "names.txt")
    (tmp_path / "lora.yaml").write_text(yaml.safe_dump({"use_case": [{"name": "A", "lora_weights": "adapter_a"}]}))
    assert cli.main(["lora-importer", "--lora_config", str(tmp_path / "lora.yaml"), "--input_model",
                     str(tmp_path / "m.qnnpy"), "--lora_map", str(tmp_path / "map.yaml"), "--output_dir",
                     str(tmp_path / "imported")]) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "imported").exists()


def test_models_with_external_data_are_read_from_any_working_directory(tmp_path, monkeypatch):
    """The data file is found beside the model, not in the working directory."""
    import onnx
    source = os.path.join(FIXTURES, "llama_qv")
    (tmp_path / "models").mkdir()
    onnx.save(onnx.load(os.path.join(source, "model_dynamo.onnx")), tmp_path / "models" / "model.onnx",
              save_as_external_data=True, location="model.data", size_threshold=0)
    shutil.copytree(os.path.join(source, "adapter_a"), tmp_path / "adapter_a")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    qnnpy("lora-tensor-names", "--adapter", "../adapter_a", "--input_network", "../models/model.onnx",
          "-o", "names.txt", "--map", "map.yaml")
    qnnpy("converter", "-i", "../models/model.onnx", "--output_path", "m.qnnpy", "--lora_weight_list", "names.txt")
    (tmp_path / "elsewhere" / "lora.yaml").write_text(yaml.safe_dump({"use_case": [{"name": "A",
                                                                                     "lora_weights": "../adapter_a"}]}))
    qnnpy("lora-importer", "--lora_config", "lora.yaml", "--input_model", "m.qnnpy", "--input_network",
          "../models/model.onnx", "--output_dir", "imported")
    assert (tmp_path / "elsewhere" / "imported" / "lora_output_files.yaml").exists()
