"""The Genie fixtures (tests/fixtures/genie/{llama,qwen2}, made by tests/fixtures/make_genie.py) taken
through the LoRA toolchain as a user would: lora-tensor-names, converter and lora-importer
for the prompt (AR-8) and token (AR-1) exports, then one context-binary-generator run that
puts both graphs in one context binary and makes one super adapter per use case."""
import json
import os
import shutil

import pytest
import yaml

from qnnpy.tools import cli

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "genie")


def qnnpy(*argv):
    assert cli.main([str(a) for a in argv]) == 0, argv


@pytest.fixture(scope="session", params=["llama", "qwen2"])
def genie_model(tmp_path_factory, request):
    """(folder with bin/llm.bin and bin/ar8-ar1_{A,B,default_adapter}.bin, reference.json),
    for each fixture model."""
    work = tmp_path_factory.mktemp(f"genie_{request.param}")
    fixture = os.path.join(FIXTURES, request.param)
    for item in os.listdir(fixture):
        source = os.path.join(fixture, item)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, work / item)
    (work / "lora.yaml").write_text(yaml.safe_dump({"use_case": [{"name": "A", "lora_weights": "adapter_a"},
                                                                 {"name": "B", "lora_weights": "adapter_b"}]}))
    cases = []
    for ar in (8, 1):
        qnnpy("lora-tensor-names", "--adapter", work / "adapter_a", "--input_network", work / f"model_ar{ar}.onnx",
              "-o", work / f"names{ar}.txt", "--map", work / f"map{ar}.yaml")
        qnnpy("converter", "-i", work / f"model_ar{ar}.onnx", "--output_path", work / f"ar{ar}.qnnpy",
              "--lora_weight_list", work / f"names{ar}.txt")
        qnnpy("lora-importer", "--lora_config", work / "lora.yaml", "--input_model", work / f"ar{ar}.qnnpy",
              "--lora_map", work / f"map{ar}.yaml", "--output_dir", work / f"imported{ar}")
        cases += [{"name": n, "graph": f"ar{ar}", "weights": f"imported{ar}/{n}_lora.safetensors"} for n in "AB"]
    (work / "adapters.yaml").write_text(yaml.safe_dump({"use_case": cases, "share_adapters_between_graphs": "Yes"}))
    qnnpy("context-binary-generator", "--model", work / "ar8.qnnpy", "--model", work / "ar1.qnnpy", "--binary_file",
          "llm", "--output_dir", work / "bin", "--adapter_weight_config", work / "adapters.yaml")
    return work, json.loads((work / "reference.json").read_text())
