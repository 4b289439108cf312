"""The Genie models (the example LLM qnnpy/examples/llm, a tiny Llama, and
tests/fixtures/genie/qwen2; both made by tests/fixtures/make_genie.py) taken through the LoRA
toolchain as a user would (qnnpy.tools.genie_demo.build): lora-tensor-names, converter and
lora-importer for the prompt (AR-8) and token (AR-1) exports, then one
context-binary-generator run that puts both graphs in one context binary and makes one super
adapter per use case."""
import json
import os
import shutil

import pytest

from qnnpy.tools import cli, genie_demo

FOLDERS = {"llama": genie_demo.EXAMPLE,
           "qwen2": os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "genie", "qwen2")}


def qnnpy(*argv):
    assert cli.main([str(a) for a in argv]) == 0, argv


@pytest.fixture(scope="session", params=["llama", "qwen2"])
def genie_model(tmp_path_factory, request):
    """(folder with bin/llm.bin and bin/ar8-ar1_{A,B,default_adapter}.bin, reference.json),
    for each fixture model."""
    work = tmp_path_factory.mktemp(f"genie_{request.param}")
    fixture = FOLDERS[request.param]
    for item in os.listdir(fixture):
        source = os.path.join(fixture, item)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, work / item)
    genie_demo.build(work)
    return work, json.loads((work / "reference.json").read_text())


@pytest.fixture(scope="session", params=["llama", "qwen2"])
def genie_split_model(tmp_path_factory, request):
    """The same models split into two ctx-bins by layer ranges (llm-split), each part's prompt
    and token graphs in a context binary of its own, adapters as one section per part."""
    work = tmp_path_factory.mktemp(f"genie_split_{request.param}")
    for item in os.listdir(FOLDERS[request.param]):
        source = os.path.join(FOLDERS[request.param], item)
        (shutil.copytree if os.path.isdir(source) else shutil.copy)(source, work / item)
    genie_demo.build(work, parts=2)
    return work, json.loads((work / "reference.json").read_text())


@pytest.fixture(scope="session")
def genie_quantized_model(genie_model):
    """genie_model plus its A16W8 build (tests/genie/quantized.py): qbin/qllm.bin and
    qbin/q8-q1_{A,B,default_adapter}.bin."""
    from tests.genie import quantized
    work, reference = genie_model
    if not (work / "qbin").exists():
        quantized.build(work, reference)
    return work, reference
