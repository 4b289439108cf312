"""A C client of qnnpy's libGenie.so (tests/c/genie_dialog.c, dlopen'ed like a device app
loads Genie): the reply it prints is the Python dialog's — transformers' greedy generation —
for the base and for adapter A at strength 0.5."""
import json
import subprocess

import pytest
from tokenizers import Tokenizer

from tests.genie.test_dialog import dialog_config


@pytest.mark.parametrize("adapter, key", [(None, "base"), (("A", "alpha", "0.5"), "a_half")])
def test_a_c_client_gets_the_python_dialogs_reply(genie_model, shim, harness, tmp_path, adapter, key):
    work, reference = genie_model
    config = dialog_config()
    if adapter is None:
        config["dialog"]["engine"]["model"]["binary"]["lora"]["adapters"] = [
            {"version": 1, "name": "none", "bin-sections": ["bin/ar8-ar1_default_adapter.bin"]}]
        adapter = ("none", "alpha", "1.0")
    (tmp_path / "dialog.json").write_text(json.dumps(config))
    prompt = reference["prompts"][0]
    done = subprocess.run([str(harness("genie_dialog")), str(shim / "libGenie.so"), str(tmp_path / "dialog.json"),
                           prompt["text"], *adapter], cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-500:] + done.stderr[-2000:]
    reply, status, pieces = done.stdout.rsplit("\n", 3)[:3]
    expected = prompt[key][:-1] if prompt[key][-1] == 1 else prompt[key]
    assert reply == Tokenizer.from_file(str(work / "tokenizer.json")).decode(expected)
    assert status == "status 4" and int(pieces.split()[1]) > 2  # the reply filled the context; it streamed
