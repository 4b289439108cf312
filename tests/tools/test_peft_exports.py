"""Finding the LoRA tensors of PEFT exports whatever the exporter did to their names, and
importing adapters through the recorded layout: checked end to end against onnxruntime on
the export with each adapter merged into the base weights."""
import json
import os

import numpy as np
import onnx
import onnxruntime
import pytest
import yaml
from safetensors.numpy import save_file

from qnnpy.tools import cli
from tests.tools import peft_exports as pe

EXPORT = (8, 16.0, 1)   # rank, lora_alpha, seed of the adapter the export was made with
OTHER = (4, 2.0, 2)     # a second adapter of the same architecture, lower rank


def qnnpy(*argv) -> int:
    return cli.main([str(a) for a in argv])


def write_adapter(folder, rank, lora_alpha, seed):
    os.makedirs(folder, exist_ok=True)
    tensors = pe.adapter(rank, seed)
    save_file(tensors, os.path.join(folder, "adapter_model.safetensors"))
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump({"peft_type": "LORA", "r": rank, "lora_alpha": lora_alpha, "fan_in_fan_out": False}, f)
    return tensors


def ort(model, x):
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(model.SerializeToString(), options,
                                        providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]


@pytest.fixture
def setup(tmp_path):
    base = pe.base_weights()
    adapters = {"X": write_adapter(tmp_path / "X", *EXPORT), "Y": write_adapter(tmp_path / "Y", *OTHER)}
    x = np.random.default_rng(5).standard_normal((4, pe.HIDDEN)).astype(np.float32)
    x.tofile(tmp_path / "x.raw")
    (tmp_path / "inputs.txt").write_text("x:=x.raw\n")
    (tmp_path / "lora.yaml").write_text(yaml.safe_dump({"use_case": [{"name": n, "lora_weights": n} for n in adapters]}))
    return tmp_path, base, adapters, x


def make_export(folder, base, lora, style, base_names=False):
    scaling = EXPORT[1] / EXPORT[0]
    model = pe.export(base, lora, scaling, style, base_names)
    onnx.save(model, folder / "export.onnx")
    return model


def references(base, adapters, x, style):
    refs = {}
    for name, (rank, lora_alpha, _) in (("X", EXPORT), ("Y", OTHER)):
        merged_base, zeros = pe.merged(base, adapters[name], lora_alpha / rank, EXPORT[0])
        refs[name] = ort(pe.export(merged_base, zeros, 1.0, style), x)
    return refs


def run_flow(folder, *importer_options):
    """converter -> importer -> generator -> net-run with X then Y; returns their outputs."""
    assert qnnpy("converter", "-i", folder / "export.onnx", "--output_path", folder / "m.qnnpy",
                 "--lora_weight_list", folder / "names.txt") == 0
    assert qnnpy("lora-importer", "--lora_config", folder / "lora.yaml", "--input_model", folder / "m.qnnpy",
                 "--output_dir", folder / "imported", *importer_options) == 0
    assert qnnpy("context-binary-generator", "--model", folder / "m.qnnpy", "--binary_file", "base", "--output_dir",
                 folder / "bin", "--adapter_weight_config", folder / "imported" / "lora_output_files.yaml") == 0
    (folder / "updates.yaml").write_text(yaml.safe_dump({"graphs": [{"m": ["bin/m_X.bin", "bin/m_Y.bin"]}]}))
    assert qnnpy("net-run", "--retrieve_context", folder / "bin" / "base.bin", "--input_list", folder / "inputs.txt",
                 "--output_dir", folder / "run", "--binary_updates", folder / "updates.yaml") == 0
    return {n: np.fromfile(folder / "run" / f"m_update{k}" / "Result_0" / "y.raw", np.float32).reshape(4, pe.HIDDEN)
            for k, n in ((1, "X"), (2, "Y"))}


def check(outputs, refs):
    for name, ref in refs.items():
        np.testing.assert_allclose(outputs[name], ref, rtol=0, atol=1e-5 * float(np.abs(ref).max()), err_msg=name)


def read_map(folder):
    return yaml.safe_load((folder / "map.yaml").read_text())["tensors"]


def test_renamed_and_transposed_weights_are_found_by_value(setup):
    folder, base, adapters, x = setup
    make_export(folder, base, adapters["X"], "dynamo")
    assert qnnpy("lora-tensor-names", "--adapter", folder / "X", "--input_network", folder / "export.onnx",
                 "-o", folder / "names.txt", "--map", folder / "map.yaml") == 0
    entries = read_map(folder)
    assert len(entries) == 2 * len(pe.module_names())
    assert {(e["matched_by"], e["transform"], e["scale"]) for e in entries} == {("value", "transpose", 2.0)}
    assert all(e["onnx_name"].startswith("val_") for e in entries)
    check(run_flow(folder, "--lora_map", folder / "map.yaml"), references(base, adapters, x, "dynamo"))


def test_renamed_weights_without_a_map_are_not_guessed(setup, capsys):
    folder, base, adapters, _ = setup
    make_export(folder, base, adapters["X"], "dynamo")
    assert qnnpy("lora-tensor-names", "--adapter", folder / "X", "--input_network", folder / "export.onnx",
                 "-o", folder / "names.txt") == 0
    assert qnnpy("converter", "-i", folder / "export.onnx", "--output_path", folder / "m.qnnpy",
                 "--lora_weight_list", folder / "names.txt") == 0
    capsys.readouterr()
    assert qnnpy("lora-importer", "--lora_config", folder / "lora.yaml", "--input_model", folder / "m.qnnpy",
                 "--input_network", folder / "export.onnx", "--output_dir", folder / "imported") == 1
    err = capsys.readouterr().err
    assert "adapter 'Y'" in err and "only by their order" in err and "--lora_map" in err
    assert not (folder / "imported").exists()


def test_prefixed_names_with_the_adapter_segment_are_found_by_name(setup):
    folder, base, adapters, x = setup
    make_export(folder, base, adapters["X"], "plain")
    assert qnnpy("lora-tensor-names", folder / "X", "--input_network", folder / "export.onnx",
                 "-o", folder / "names.txt", "--map", folder / "map.yaml") == 0
    entries = read_map(folder)
    assert {(e["matched_by"], e["transform"], e["scale"]) for e in entries} == {("name", "none", 2.0)}
    assert {e["onnx_name"] for e in entries} == {f"m.{m}.lora_{ab}.default.weight" for m in pe.module_names()
                                                for ab in "AB"}
    # by name the importer needs no map; the export's scaling constant comes from the graph
    check(run_flow(folder, "--input_network", folder / "export.onnx"), references(base, adapters, x, "plain"))


@pytest.mark.parametrize("base_names,how", [(True, "base weight name"), (False, "graph order")])
def test_zero_initialised_export_falls_back_to_structure(setup, capsys, base_names, how):
    folder, base, adapters, x = setup
    zeros = {k: np.zeros_like(v) for k, v in adapters["X"].items()}
    make_export(folder, base, zeros, "dynamo", base_names)
    capsys.readouterr()
    assert qnnpy("lora-tensor-names", "--adapter", folder / "X", "--input_network", folder / "export.onnx",
                 "-o", folder / "names.txt", "--map", folder / "map.yaml") == 0
    assert ("matched only by their order" in capsys.readouterr().err) == (how == "graph order")
    assert {e["matched_by"] for e in read_map(folder)} == {how}
    check(run_flow(folder, "--lora_map", folder / "map.yaml"), references(base, adapters, x, "dynamo"))


def test_unmatched_tensors_are_named(setup, capsys):
    folder, base, adapters, _ = setup
    make_export(folder, base, adapters["X"], "dynamo")
    extra = dict(adapters["X"])
    extra["base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"] = np.ones((8, pe.HIDDEN), np.float32)
    extra["base_model.model.model.layers.0.mlp.up_proj.lora_B.weight"] = np.ones((pe.HIDDEN, 8), np.float32)
    save_file(extra, folder / "extra.safetensors")
    assert qnnpy("lora-tensor-names", "--adapter", folder / "extra.safetensors", "--input_network",
                 folder / "export.onnx", "-o", folder / "names.txt") == 1
    err = capsys.readouterr().err
    assert "module 'model.layers.0.mlp.up_proj'" in err and "matches no initializer" in err
    assert not (folder / "names.txt").exists()


def test_two_adapter_keys_on_one_initializer_is_an_error(tmp_path, capsys):
    """``layers.0.q_proj`` with and without PEFT's prefix normalise to the same module name."""
    from onnx import TensorProto, helper
    tensors = {f"{prefix}layers.0.q_proj.lora_{ab}.weight": np.zeros((2, 2), np.float32)
               for prefix in ("base_model.model.", "x.") for ab in "AB"}
    save_file(tensors, tmp_path / "a.safetensors")
    inits = [helper.make_tensor(f"layers.0.q_proj.lora_{ab}.weight", TensorProto.FLOAT, [2, 2], [0.0] * 4) for ab in "AB"]
    onnx.save(helper.make_model(helper.make_graph([], "g", [], [], inits)), tmp_path / "m.onnx")
    assert qnnpy("lora-tensor-names", tmp_path / "a.safetensors", "--input_network", tmp_path / "m.onnx") == 1
    assert "all map to 'layers.0.q_proj.lora_A.weight'" in capsys.readouterr().err
