"""README's PEFT export recipe, run on a fixture's PyTorch source (tests/fixtures/make_exports.py),
with sdpa and eager attention. Needs torch, transformers and peft: skipped without them."""
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the README recipe needs torch to export")
pytest.importorskip("transformers", reason="the README recipe exports a transformers model")
pytest.importorskip("peft", reason="the README recipe exports a PEFT model")

from qnnpy.tools import cli  # noqa: E402
from tests.tools.converter_support import sqnr_db  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures"))
import make_exports  # noqa: E402


class Logits(torch.nn.Module):  # as README.md writes it
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model(input_ids=input_ids, use_cache=False).logits


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_readme_recipe_exports_a_model_the_toolchain_converts(attention, tmp_path):
    from peft import PeftModel
    trained = make_exports.with_adapter("llama", "qv", 8, 16, 3)
    trained.save_pretrained(tmp_path / "adapter_dir")
    base = make_exports.build("llama", attention)
    model = PeftModel.from_pretrained(base, str(tmp_path / "adapter_dir")).eval()
    input_ids = torch.randint(0, make_exports.VOCAB, (1, make_exports.SEQ))
    torch.onnx.export(Logits(model), (input_ids,), str(tmp_path / "model.onnx"), dynamo=True,
                      input_names=["input_ids"], output_names=["logits"])
    with torch.no_grad():
        reference = Logits(model)(input_ids).numpy()
    args = [["lora-tensor-names", "--adapter", tmp_path / "adapter_dir", "--input_network", tmp_path / "model.onnx",
             "-o", tmp_path / "names.txt", "--map", tmp_path / "map.yaml"],
            ["converter", "-i", tmp_path / "model.onnx", "--output_path", tmp_path / "m.qnnpy",
             "--lora_weight_list", tmp_path / "names.txt"]]
    for argv in args:
        assert cli.main([str(a) for a in argv]) == 0
    from qnnpy.tools import model_file
    from qnnpy.tools.converter.runner import GraphRunner
    (graph,), _ = model_file.load(str(tmp_path / "m.qnnpy"))
    assert len(graph.lora_weights) == 8
    with GraphRunner(graph) as runner:
        got = runner.run({"input_ids": input_ids.numpy()})["logits"]
    assert sqnr_db(reference, got) >= 100
