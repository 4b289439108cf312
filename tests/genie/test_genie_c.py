"""A C client of qnnpy's libGenie.so (tests/c/genie_dialog.c, dlopen'ed like a device app
loads Genie): the reply it prints is the Python dialog's — transformers' greedy generation —
for the base and for adapter A at strength 0.5."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest
from tokenizers import Tokenizer

from qnnpy.tools import genie_demo
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
    reply, lines = split_report(done.stdout)
    assert reply == genie_demo.expected_reply(Tokenizer.from_file(str(work / "tokenizer.json")), prompt[key])
    assert lines["status"] == "4" and int(lines["pieces"]) > 2  # the reply filled the context; it streamed
    assert lines["occupancy"].startswith("0 12 ") and lines["adapter"] == f"0 30 [{adapter[0]}]"
    assert lines["release"] == "0" and lines["adapter#2"] == "0 30 []"


def split_report(stdout: str) -> tuple[str, dict]:
    """The harness's reply text, and its report lines by first word (a repeated word gets #2)."""
    reply, _, rest = stdout.rpartition("\nstatus ")
    lines = {}
    for line in ("status " + rest).splitlines():
        word, _, value = line.partition(" ")
        lines[word if word not in lines else f"{word}#2"] = value
    return reply, lines


def test_the_c_client_reads_the_same_from_the_real_libgenie(genie_quantized_model, shim, harness, tmp_path):
    """The same C client through the real libGenie.so (on qnnpy's backend) and through qnnpy's
    libGenie.so, on the A16W8 binary with adapter B: the same reply, status, streamed pieces,
    occupancy, adapter name (types 12 and 30), release status and name after the release."""
    from tests.genie.test_real_genie import real_genie_folder
    work, reference = genie_quantized_model
    real = tmp_path / "real"
    real.mkdir()
    real_genie_folder(shim, real)
    doc = genie_demo.dialog_config(reference)
    binary = doc["dialog"]["engine"]["model"]["binary"]
    binary["ctx-bins"] = ["qbin/qllm.bin"]
    binary["lora"]["adapters"] = [{"version": 1, "name": "B", "bin-sections": ["qbin/q8-q1_B.bin"]}]
    (tmp_path / "dialog.json").write_text(json.dumps(doc))
    reports = []
    for library in (real / "libGenie.so", shim / "libGenie.so"):
        done = subprocess.run([str(harness("genie_dialog")), str(library), str(tmp_path / "dialog.json"),
                               reference["prompts"][0]["text"], "B", "alpha", "1.0"], cwd=work, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-500:] + done.stderr[-2000:]
        reports.append(split_report(done.stdout))
    assert reports[0] == reports[1]


def test_a_client_linked_with_lgenie_loads_and_hears_what_is_not_supported(shim, tmp_path):
    """Built with -lGenie and -z now, a client naming functions qnnpy does not implement (an
    engine, a node, an embedding function) still loads; those calls answer GENERAL. Every
    function the real libGenie.so exports is exported by qnnpy's (when nm and the wheel are
    at hand)."""
    sources = pathlib.Path(__file__).resolve().parents[1] / "c"
    exe = tmp_path / "genie_link"
    build = subprocess.run(["gcc", "-std=c11", "-Wall", "-Werror", f"-I{sources.parents[1] / 'include'}", "-o", str(exe),
                            str(sources / "genie_link.c"), f"-L{shim}", "-lGenie", "-Wl,-z,now"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    done = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LD_LIBRARY_PATH": str(shim)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["policy -5 -5 40", "stubs -1 -1 -1"]  # NULL dialog: INVALID_HANDLE
    from tests.genie.test_real_genie import REAL_GENIE
    if shutil.which("nm") is None or REAL_GENIE is None:
        return

    def exported(library):
        listing = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True).stdout
        return {line.split()[-1] for line in listing.splitlines() if line.split()[-1].startswith("Genie")}
    assert exported(REAL_GENIE) - exported(shim / "libGenie.so") == set()
