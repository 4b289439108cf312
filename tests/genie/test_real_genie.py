"""qnnpy's Genie against the real libGenie.so of the onnxruntime-qnn wheel (QAIRT 2.51):
the same dialog configs get the same GenieDialogConfig_createFromJson status from both, and the
real libGenie.so, given qnnpy's libQnnHtp.so as its backend, accepts qnnpy's LLM context
binary (its model validation checks every I/O name, shape and type) and runs its prompt and
token graphs."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from qnnpy import GenieDialog as G
from qnnpy.tools import genie_demo
from tests.genie import real_genie
from tests.genie.test_dialog import dialog_config

ROOT = pathlib.Path(__file__).resolve().parents[2]
try:
    import onnxruntime_qnn
    WHEEL = pathlib.Path(onnxruntime_qnn.__file__).parent
    REAL_GENIE = WHEEL / "libGenie.so"
except ImportError:
    REAL_GENIE = None
pytestmark = pytest.mark.skipif(REAL_GENIE is None or not REAL_GENIE.exists(),
                                reason="the oracle extra (onnxruntime-qnn) is not installed")

# (path, value): a key set (value) or deleted (None) in the test's dialog config
MUTATIONS = [
    ("dialog/context/colour", 1), ("dialog/engine/model/binary/lora/adapters/0/rank", 8),
    ("dialog/context/size", "64"), ("dialog/type", "spd"), ("dialog/sampler/top-p", 1.5),
    ("dialog/sampler/temp", -1.0), ("dialog/sampler/top-k", -3), ("dialog/sampler/greedy", 1),
    ("dialog/engine/model/binary/lora/adapters/0/bin-sections", ["a.bin", "b.bin"]),
    ("dialog/engine/model/binary/lora/lora-version", 4), ("dialog/engine/model/binary/lora/lora-version", 2),
    ("dialog/context/eos-token", [1, 2]), ("dialog/context/eos-token", "x"), ("dialog/context/size", 0),
    ("dialog/context/n-vocab", -5), ("dialog/context/bos-token", -1), ("dialog/context/pad-token", 1),
    ("dialog/engine/backend/type", "QnnGpu"), ("dialog/engine/model/type", "library"),
    ("dialog/engine/role", "primary"), ("dialog/engine/model/binary/ctx-bins", []),
    ("dialog/engine/model/positional-encoding/type", "alibi"),
    ("dialog/engine/model/positional-encoding/rope-scaling", {"rope-type": "llama3", "factor": 8.0}),
    ("dialog/engine/backend/QnnHtp/kv-update-method", "POINTER_SHIFT"),
    ("dialog/engine/backend/QnnHtp/rope-theta", 10000), ("dialog/engine/backend/QnnHtp/pos-id-dim", 4),
    ("dialog/engine/backend/QnnHtp/enable-graph-switching", True), ("dialog/engine/backend/QnnHtp/shared-engine", True),
    ("dialog/engine/backend/QnnHtp/graph-switching-lora-policy", "lazy"),
    ("dialog/engine/backend/QnnHtp/skip-lora-validation", True), ("dialog/stop-sequence", ["x"]),
    ("dialog/version", 2), ("dialog/engine/model/binary/lora/adapters/0/version", 2),
    ("dialog/engine/model/binary/lora/groups", []), ("dialog/engine/model/binary/lora/adapters/0/alphas", ["alpha"]),
    ("dialog/engine/model/binary/lora/adapters/0/path", "x.bin"), ("dialog/engine/n-threads", "3"),
] + [(path, None) for path in (
    "dialog/sampler", "dialog/sampler/seed", "dialog/context/eos-token", "dialog/context/bos-token",
    "dialog/engine/n-threads", "dialog/engine/backend/QnnHtp/spill-fill-bufsize", "dialog/engine/backend/QnnHtp/kv-dim",
    "dialog/engine/backend/QnnHtp/cpu-mask", "dialog/engine/model/binary/lora",
    "dialog/engine/model/binary/lora/alpha-tensor-name", "dialog/engine/model/positional-encoding",
    "dialog/engine/model/positional-encoding/type", "dialog/tokenizer/path", "dialog/engine/model/binary")]


def test_config_statuses_equal_the_real_libgenie():
    docs = [dialog_config()] + [dialog_config(**{path: value}) for path, value in MUTATIONS]
    done = subprocess.run([sys.executable, "-m", "tests.genie.real_genie", "configs", str(REAL_GENIE)], cwd=ROOT,
                          input=json.dumps(docs), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    real = json.loads(done.stdout.strip().splitlines()[-1])
    ours = [int(G.GenieDialogConfig_createFromJson(json.dumps(doc))[0]) for doc in docs]
    labels = ["(unchanged)"] + [f"{p} = {v!r}" if v is not None else f"{p} deleted" for p, v in MUTATIONS]
    for label, r, o in zip(labels, real, ours):
        print(f"{label[:70]:70s} real {r:3d} qnnpy {o:3d}")
    assert ours == real, [label for label, r, o in zip(labels, real, ours) if r != o]


def test_the_real_libgenie_runs_qnnpy_llm_binaries(genie_model, shim, tmp_path):
    run_real_genie(genie_model, shim, tmp_path, 1)


def test_the_real_libgenie_runs_qnnpy_split_llm_binaries(genie_split_model, shim, tmp_path):
    run_real_genie(genie_split_model, shim, tmp_path, 2)


def real_genie_folder(shim, folder):
    """The wheel's libGenie.so (and its C++ runtime) beside qnnpy's libQnnHtp.so/libQnnSystem.so."""
    for library in list(WHEEL.parent.joinpath("onnxruntime_qnn.libs").iterdir()) + [REAL_GENIE]:
        shutil.copy(library, folder)
    for library in ("libQnnHtp.so", "libQnnSystem.so"):
        shutil.copy(shim / library, folder)


def run_real_genie(model, shim, tmp_path, parts):
    """libGenie.so loads the libQnnHtp.so beside it: there, qnnpy's shim. Its model
    validation passing means every graph I/O follows Genie's conventions; it then runs the
    prompt graph on the prompt's 8-token chunks — with two ctx-bins, part 1 on the token ids,
    then part 2 on the 32-wide hidden state part 1 gave. (Its reply is not compared: it leaves
    the float KV buffers uninitialised and relies on the mask, which quantized KV caches make
    safe and float ones do not — docs/genie.md.)"""
    work, reference = model
    real_genie_folder(shim, tmp_path)
    doc = genie_demo.dialog_config(reference, parts)
    del doc["dialog"]["engine"]["model"]["binary"]["lora"]
    (tmp_path / "dialog.json").write_text(json.dumps(doc))
    done = subprocess.run([sys.executable, "-m", "tests.genie.real_genie", "dialog", str(tmp_path),
                           str(tmp_path / "dialog.json"), "the quick brown fox"], cwd=work, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["config"], result["create"]) == (0, 0), done.stderr[-2000:]
    # the prompt graph always runs; whether tokens follow depends on the uninitialised slots
    assert result["query"] >= 0 and result["input_ids_widths"][:3 * parts] == ([8] if parts == 1 else [8, 32]) * 3


QUERIES = ["the fox", " runs",                          # COMPLETE, then a follow-up
           "1:the", "2: quick", "3: brown fox",           # one query in BEGIN/CONTINUE/END pieces
           "5:x", "5:the fox runs", "5:the",              # REWIND: partial, longer, whole-prefix matches
           "the quick brown fox jumps over",              # fits, up to the prompt limit
           "4:y",                                         # ABORT as input: fed as a CONTINUE piece
           "x" * 12,                                      # does not fit: refused, nothing changes
           "3:", "6:"]                                    # an END with no text; RESUME, nothing paused


def test_the_real_libgenie_generates_qnnpys_tokens_on_an_a16w8_binary(genie_quantized_model, shim, tmp_path):
    """The real libGenie.so and qnnpy's libGenie.so, both on qnnpy's backend and the A16W8 LLM
    binary with adapter A at strength 1, greedy (top-k 1), at most 6 tokens per reply, over a
    dozen queries with every sentence code: call by call the same token ids go in, the same
    pieces stream out with the same codes, and each query ends with the same status. With
    quantized caches the real library's uninitialised KV slots hold bounded codes the mask
    shuts out, so its replies are meaningful."""
    work, reference = genie_quantized_model
    real, ours = tmp_path / "real", tmp_path / "qnnpy"
    real.mkdir()
    ours.mkdir()
    real_genie_folder(shim, real)
    for library in ("libGenie.so", "libQnnHtp.so", "libQnnSystem.so"):
        shutil.copy(shim / library, ours)
    doc = genie_demo.dialog_config(reference)
    binary = doc["dialog"]["engine"]["model"]["binary"]
    binary["ctx-bins"] = ["qbin/qllm.bin"]
    binary["lora"]["adapters"] = [{"version": 1, "name": "A", "bin-sections": ["qbin/q8-q1_A.bin"]}]
    (tmp_path / "dialog.json").write_text(json.dumps(doc))
    fed = {}
    for name, folder in (("real", real), ("qnnpy", ours)):
        done = subprocess.run([sys.executable, "-m", "tests.genie.real_genie", "turns", str(folder),
                               str(tmp_path / "dialog.json"), "6", *QUERIES], cwd=work, capture_output=True,
                              text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr[-2000:]
        fed[name] = json.loads(done.stdout.strip().splitlines()[-1])
    for query, real_answer, our_answer in zip(QUERIES, fed["real"], fed["qnnpy"]):
        if real_answer["status"] == 4 and not real_answer["pieces"][:-1]:
            # refused prompt: the real library runs it through the graphs first, qnnpy does not
            real_answer.pop("calls"), our_answer.pop("calls")
        assert real_answer == our_answer, query
    statuses = [q["status"] for q in fed["qnnpy"]]
    assert statuses[-4:] == [0, 4, -1, -6]  # ABORT piece, refused prompt, empty END, RESUME
    first, second = (q["calls"] for q in fed["qnnpy"][:2])
    assert first[0][0] == 0 and second[0][1:3] == [1, 0]  # <s> first; then the cut token, </s>, <s>


@pytest.mark.parametrize("scenario", sorted(real_genie.SCENARIOS))
def test_token_queries_signals_and_saved_dialogs_match_the_real_libgenie(genie_quantized_model, shim, tmp_path,
                                                                         scenario):
    """GenieDialog_tokenQuery (every sentence code, REWIND matched as given, bad arguments),
    GenieDialog_signal from the reply's own callback (ABORT; PAUSE then RESUME by text or by
    tokens; a query refused while paused; PAUSE while idle), save and restore (a round trip,
    into a new dialog, refused paths), setPriority and setOemKey, sampler configs and custom
    samplers choosing scripted tokens (text streamed as bytes arrive): on the A16W8 binary with
    adapter A, the real libGenie.so and qnnpy's, each on qnnpy's backend, return the same
    statuses, feed the same ids, stream the same tokens or text with the same codes and leave
    the same occupancy, call by call, and a custom sampler is given the same logits. Where the real library breaks a dialog (after a RESUME,
    a save onto a file, or a refused restore: docs/genie.md) a scenario ends."""
    work, reference = genie_quantized_model
    answers = {}
    for name in ("real", "qnnpy"):
        folder = tmp_path / name
        folder.mkdir()
        if name == "real":
            real_genie_folder(shim, folder)
        else:
            for library in ("libGenie.so", "libQnnHtp.so", "libQnnSystem.so"):
                shutil.copy(shim / library, folder)
        (folder / "saved").mkdir()
        doc = genie_demo.dialog_config(reference)
        binary = doc["dialog"]["engine"]["model"]["binary"]
        binary["ctx-bins"] = ["qbin/qllm.bin"]
        binary["lora"]["adapters"] = [{"version": 1, "name": "A", "bin-sections": ["qbin/q8-q1_A.bin"]},
                                      {"version": 1, "name": "B", "bin-sections": ["qbin/q8-q1_B.bin"]}]
        (folder / "dialog.json").write_text(json.dumps(doc))
        done = subprocess.run([sys.executable, "-m", "tests.genie.real_genie", "extras", str(folder),
                               str(folder / "dialog.json"), str(folder / "saved"), scenario], cwd=work,
                              capture_output=True, text=True, errors="replace", timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})  # the libraries echo bad bytes
        assert done.returncode == 0, done.stderr[-2000:]
        answers[name] = json.loads(done.stdout.strip().splitlines()[-1])
    real, ours = answers["real"], answers["qnnpy"]
    assert len(real["calls"]) == len(ours["calls"]) > 1
    for real_call, our_call in zip(real["calls"], ours["calls"]):
        assert real_call == our_call, real_call["call"]
    # a custom sampler's rows: the A16W8 model's logits (a code is ~0.00028), within 0.006 — the
    # real library rounds RoPE inputs 1-3 codes away from qnnpy (docs/genie.md); measured 0.0037
    assert len(real["logits"]) == len(ours["logits"])
    if real["logits"]:
        np.testing.assert_allclose(ours["logits"], real["logits"], atol=0.006)
