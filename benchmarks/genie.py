"""Genie dialog speed against onnxruntime-genai, on the same tiny Llama with the same adapters.

qnnpy: the example LLM (qnnpy/examples/llm) built by the offline tools into one context binary
(prompt graph AR-8, token graph AR-1) with super-adapter sections. onnxruntime-genai: the same
base model through its own model builder, the same PEFT adapters as .onnx_adapter files
(tests/fixtures/genie/llama_ortgenai, made by tests/fixtures/make_genie.py). Both sides are
checked to generate the same greedy tokens before anything is timed, then timed in turns in
this process (best of N), one thread each (OPENBLAS_NUM_THREADS=1 for numpy;
intra_op_num_threads=1 for onnxruntime-genai's session).

Rows (goal in brackets):
1. prompt tokens/s, qnnpy / onnxruntime-genai            [>= 0.5x]
2. generation tokens/s, qnnpy / onnxruntime-genai        [>= 0.5x]
3. adapter switch + first token, qnnpy / onnxruntime-genai [<= 1.0x]: GenieDialog_applyLora
   (reads the section file, as Genie does) + a one-token query, against set_active_adapter
   on a new generator + the prompt + one token, alternating A and B.
4. resident graph bytes with enable-graph-switching vs Genie's 1024 MB hint [<= hint + 10 %].

Run: python benchmarks/genie.py   (needs onnxruntime-genai)
"""
import threads  # first: one BLAS thread before numpy loads

import json
import os
import shutil
import tempfile

import numpy as np

from timing import best_of, best_of_interleaved

from qnnpy import GenieDialog as G, QnnBackend, _handles
from qnnpy.genie.engine import LlmEngine
from qnnpy.tools import genie_demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORTGENAI = os.path.join(ROOT, "tests", "fixtures", "genie", "llama_ortgenai")
GENERATED = 24


def ortgenai_model(folder: str):
    """The fixture's onnxruntime-genai model with a one-thread session."""
    import onnxruntime_genai as og
    shutil.copytree(ORTGENAI, folder)
    path = os.path.join(folder, "genai_config.json")
    with open(path) as f:
        config = json.load(f)
    config["model"]["decoder"]["session_options"].update(intra_op_num_threads=1, inter_op_num_threads=1)
    with open(path, "w") as f:
        json.dump(config, f)
    model = og.Model(folder)
    adapters = og.Adapters(model)
    for name in "AB":
        adapters.load(os.path.join(folder, f"{name}.onnx_adapter"), name)
    return og, model, adapters


def og_generator(og, model, adapters, adapter):
    params = og.GeneratorParams(model)
    params.set_search_options(max_length=64, do_sample=False)
    generator = og.Generator(model, params)
    generator.set_active_adapter(adapters, adapter)
    return generator


def og_generate(og, model, adapters, adapter, ids, count):
    generator = og_generator(og, model, adapters, adapter)
    generator.append_tokens(ids)
    out = []
    while len(out) < count and not generator.is_done():
        generator.generate_next_token()
        out.append(int(generator.get_next_tokens()[0]))
    return out


def qnnpy_generate(engine, ids, count):
    engine.reset()
    logits, out = engine.process(ids), []
    while len(out) < count:
        out.append(int(np.argmax(logits)))
        if len(out) < count:
            logits = engine.process([out[-1]])
    return out


def main() -> None:
    work = tempfile.mkdtemp(prefix="qnnpy-genie-bench-")
    llm = os.path.join(work, "llm")
    shutil.copytree(genie_demo.EXAMPLE, llm)
    genie_demo.build(llm)
    with open(os.path.join(llm, "reference.json")) as f:
        reference = json.load(f)
    prompt = reference["prompts"][0]
    ids, count = prompt["ids"], min(GENERATED, len(prompt["a"]))
    og, model, adapters = ortgenai_model(os.path.join(work, "ortgenai"))
    _, backend = QnnBackend.QnnBackend_create(None, None)
    engine = LlmEngine(backend, open(os.path.join(llm, "bin", "llm.bin"), "rb").read(), alpha_names=("alpha",))
    engine.apply_section(open(os.path.join(llm, "bin", "ar8-ar1_A.bin"), "rb").read())
    ours, theirs = qnnpy_generate(engine, ids, count), og_generate(og, model, adapters, "A", ids, count)
    assert ours == theirs == prompt["a"][:count], (ours, theirs)
    print(threads.line())
    print(f"prompt {len(ids)} tokens, {count} generated; both sides generate the same tokens")
    rows = []

    def prompt_qnnpy():
        engine.reset()
        engine.process(ids)

    def prompt_og():
        og_generator(og, model, adapters, "A").append_tokens(ids)

    t_q, t_o = best_of_interleaved(prompt_qnnpy, prompt_og, repeat=30)
    rows.append(("prompt tokens/s, qnnpy vs onnxruntime-genai", (len(ids) / t_q) / (len(ids) / t_o), ">= 0.5"))

    t_q, t_o = best_of_interleaved(lambda: qnnpy_generate(engine, ids, count),
                                   lambda: og_generate(og, model, adapters, "A", ids, count), repeat=10)
    gen_q, gen_o = t_q - best_of(prompt_qnnpy), t_o - best_of(prompt_og)  # the token steps alone
    rows.append(("generation tokens/s, qnnpy vs onnxruntime-genai", gen_o / gen_q, ">= 0.5"))

    os.chdir(llm)
    _, config = G.GenieDialogConfig_createFromJson(json.dumps(genie_demo.dialog_config(reference)))
    _, dialog = G.GenieDialog_create(config)
    G.GenieDialog_setMaxNumTokens(dialog, 1)
    turn = {"qnnpy": 0, "og": 0}

    def switch_qnnpy():
        adapter = "AB"[turn["qnnpy"] % 2]
        turn["qnnpy"] += 1
        G.GenieDialog_reset(dialog)
        G.GenieDialog_applyLora(dialog, "primary", adapter)
        G.GenieDialog_query(dialog, prompt["text"], G.GENIE_DIALOG_SENTENCE_COMPLETE, lambda *a: None, None)

    tokenizer = og.Tokenizer(model)

    def switch_og():
        adapter = "AB"[turn["og"] % 2]
        turn["og"] += 1
        generator = og_generator(og, model, adapters, adapter)
        generator.append_tokens(tokenizer.encode(prompt["text"]))
        generator.generate_next_token()
        tokenizer.decode(generator.get_next_tokens())

    t_q, t_o = best_of_interleaved(switch_qnnpy, switch_og, repeat=30)
    rows.append(("adapter switch + first token, qnnpy vs onnxruntime-genai", t_q / t_o, "<= 1.0"))
    G.GenieDialog_free(dialog)
    G.GenieDialogConfig_free(config)

    switching = LlmEngine(backend, open(os.path.join(llm, "bin", "llm.bin"), "rb").read(), alpha_names=("alpha",),
                          graph_switching=True)
    qnnpy_generate(switching, ids, count)
    residency = _handles.get(switching.context, "context").residency
    resident = residency.total_bytes() / residency.limit
    rows.append(("resident graph bytes with enable-graph-switching vs Genie's 1024 MB hint", resident, "<= 1.1"))
    QnnBackend.QnnBackend_free(backend)
    shutil.rmtree(work, ignore_errors=True)

    print("| measurement | qnnpy | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for name, ratio, goal in rows:
        print(f"| {name} | | | {ratio:.3f}x | {goal}x |")


if __name__ == "__main__":
    main()
