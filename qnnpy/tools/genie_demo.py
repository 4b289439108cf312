"""Part 3 of the demo: the example LLM (qnnpy/examples/llm, a tiny Llama exported by torch.onnx
with two PEFT adapters, made by tests/fixtures/make_genie.py) taken from ONNX to a Genie
dialog, as a user takes a device model: the offline tools build one context binary holding the
prompt (AR-8) and token (AR-1) graphs with their weights stored once, plus one super-adapter
section per adapter; then a Genie dialog config drives generation with the base, adapter A,
adapter B and A at strength 0.5. Each reply is checked against the greedy generation of
transformers + PEFT stored with the model."""
import json
import os
import shutil
import time

import yaml

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "llm")
EOS = 1
STEPS = (("base", "none", 1.0), ("adapter A", "A", 1.0), ("adapter B", "B", 1.0), ("A at strength 0.5", "A", 0.5))


def _tool(*argv) -> None:
    from qnnpy.tools import cli
    if cli.main([str(a) for a in argv]) != 0:
        raise RuntimeError(f"qnnpy {argv[0]} failed")


def build(work, parts: int = 1) -> None:
    """In ``work`` (a copy of an LLM folder: model_ar8.onnx, model_ar1.onnx, adapter_a,
    adapter_b): the context binaries and super-adapter sections of ``sections(parts)``, through
    lora-tensor-names, (llm-split when ``parts`` > 1,) converter and lora-importer for each
    graph, then one context-binary-generator run per part."""
    work = os.fspath(work)
    at = lambda name: os.path.join(work, name)  # noqa: E731
    with open(at("lora.yaml"), "w") as f:
        yaml.safe_dump({"use_case": [{"name": "A", "lora_weights": "adapter_a"},
                                     {"name": "B", "lora_weights": "adapter_b"}]}, f)
    for ar in (8, 1):
        _tool("lora-tensor-names", "--adapter", at("adapter_a"), "--input_network", at(f"model_ar{ar}.onnx"),
              "-o", at(f"names{ar}.txt"), "--map", at(f"map{ar}.yaml"))
        if parts > 1:
            _tool("llm-split", "-i", at(f"model_ar{ar}.onnx"), "--parts", parts, "-o", work,
                  "--lora_weight_list", at(f"names{ar}.txt"), "--lora_map", at(f"map{ar}.yaml"))
    for part in _part_suffixes(parts):
        cases = []
        for ar in (8, 1):
            graph = f"ar{ar}{part}"
            _tool("converter", "-i", at(f"model_ar{ar}{part}.onnx"), "--output_path", at(f"{graph}.qnnpy"),
                  "--lora_weight_list", at(f"names{ar}{part}.txt"))
            _tool("lora-importer", "--lora_config", at("lora.yaml"), "--input_model", at(f"{graph}.qnnpy"),
                  "--lora_map", at(f"map{ar}{part}.yaml"), "--output_dir", at(f"imported_{graph}"))
            cases += [{"name": n, "graph": graph, "weights": f"imported_{graph}/{n}_lora.safetensors"} for n in "AB"]
        with open(at(f"adapters{part}.yaml"), "w") as f:
            yaml.safe_dump({"use_case": cases, "share_adapters_between_graphs": "Yes"}, f)
        _tool("context-binary-generator", "--model", at(f"ar8{part}.qnnpy"), "--model", at(f"ar1{part}.qnnpy"),
              "--binary_file", f"llm{part}", "--output_dir", at("bin"), "--adapter_weight_config",
              at(f"adapters{part}.yaml"))


def _part_suffixes(parts: int) -> list[str]:
    return [""] if parts == 1 else [f"_{p}_of_{parts}" for p in range(1, parts + 1)]


def sections(parts: int = 1) -> tuple[list[str], dict[str, list[str]]]:
    """(ctx-bins, {adapter: bin-sections}) of what ``build`` wrote, relative to its folder;
    the adapter "none" is the generator's default adapter."""
    suffixes = _part_suffixes(parts)
    return ([f"bin/llm{s}.bin" for s in suffixes],
            {name: [f"bin/ar8{s}-ar1{s}_{section}.bin" for s in suffixes]
             for name, section in (("A", "A"), ("B", "B"), ("none", "default_adapter"))})


def dialog_config(reference: dict, parts: int = 1) -> dict:
    """A dialog JSON as written for a device, for the folder ``build`` filled (paths relative
    to it): the QnnHtp engine on its ctx-bins, adapters A, B and "none" (the default adapter)."""
    model = reference["config"]
    ctx_bins, adapters = sections(parts)
    lora = {"version": 1, "alpha-tensor-name": model["alpha_tensor"], "adapters": [
        {"version": 1, "name": name, "bin-sections": files} for name, files in adapters.items()]}
    return {"dialog": {
        "version": 1, "type": "basic",
        "context": {"version": 1, "size": model["context"], "n-vocab": 256, "bos-token": model["bos"],
                    "eos-token": [model["eos"]]},
        "sampler": {"version": 1, "seed": 1, "temp": 0.8, "top-k": 1, "top-p": 0.9},  # top-k 1: greedy
        "tokenizer": {"version": 1, "path": "tokenizer.json"},
        "engine": {"version": 1, "n-threads": 3,
                   "backend": {"version": 1, "type": "QnnHtp",
                               "QnnHtp": {"version": 1, "use-mmap": True, "spill-fill-bufsize": 0,
                                          "mmap-budget": 0, "poll": True, "cpu-mask": "0xe0",
                                          "kv-dim": model["head_dim"]}},
                   "model": {"version": 1, "type": "binary",
                             "binary": {"version": 1, "ctx-bins": ctx_bins, "lora": lora},
                             "positional-encoding": {"type": "rope", "rope-dim": model["head_dim"] // 2,
                                                     "rope-theta": model["rope_theta"]}}}}}


def expected_reply(tokenizer, tokens: list[int]) -> str:
    """The text a dialog streams for a reference generation: a final </s> ends it unshown."""
    return tokenizer.decode(tokens[:-1] if tokens and tokens[-1] == EOS else tokens)


def run(folder: str, report) -> None:
    from tokenizers import Tokenizer

    from qnnpy import GenieDialog as G
    from qnnpy.GenieCommon import Genie_Status_t as S

    work = os.path.join(folder, "llm")
    shutil.copytree(EXAMPLE, work, dirs_exist_ok=True)
    with open(os.path.join(work, "reference.json")) as f:
        reference = json.load(f)
    print(f"qnnpy demo, part 3: Genie dialog on the example LLM (tiny Llama, {reference['config']['layers']} layers, "
          f"context {reference['config']['context']}); reference: transformers + PEFT greedy generate()")
    start = time.perf_counter()
    build(work)
    sizes = {name: os.path.getsize(os.path.join(work, "bin", name)) for name in sorted(os.listdir(os.path.join(work, "bin")))}
    report.row("LLM: offline tools", True, f"AR-8 + AR-1 in one context, {time.perf_counter() - start:.1f} s: "
               + ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes.items()))
    with open(os.path.join(work, "dialog.json"), "w") as f:
        json.dump(dialog_config(reference), f, indent=1)
    tokenizer = Tokenizer.from_file(os.path.join(work, "tokenizer.json"))
    cwd = os.getcwd()
    os.chdir(work)  # Genie resolves a config's relative paths against the working directory
    try:
        status, config = G.GenieDialogConfig_createFromJson(json.dumps(dialog_config(reference)))
        status2, dialog = G.GenieDialog_create(config) if status == S.GENIE_STATUS_SUCCESS else (status, None)
        report.row("LLM: GenieDialog_create", status2 == S.GENIE_STATUS_SUCCESS, "dialog.json, QnnHtp engine")
        if dialog is None:
            return
        prompt = reference["prompts"][0]
        key = {"none": "base", "A": "a", "B": "b"}
        for step, adapter, strength in STEPS:
            begin = time.perf_counter()
            ok = G.GenieDialog_applyLora(dialog, "primary", adapter) == S.GENIE_STATUS_SUCCESS
            ok &= G.GenieDialog_setLoraStrength(dialog, "primary", "alpha", strength) == S.GENIE_STATUS_SUCCESS
            ok &= G.GenieDialog_reset(dialog) == S.GENIE_STATUS_SUCCESS
            pieces, first = [], []
            G.GenieDialog_query(dialog, prompt["text"], G.GENIE_DIALOG_SENTENCE_COMPLETE,
                                lambda piece, code, data: (first or first.append(time.perf_counter()),
                                                           data.append(piece)), pieces)
            want = expected_reply(tokenizer, prompt["a_half" if strength == 0.5 else key[adapter]])
            reply = "".join(pieces)
            report.row(f"LLM: {step}", ok and reply == want,
                       f"first piece after {(first[0] - begin) * 1e3:.0f} ms: {prompt['text']!r} -> {reply[:48]!r}"
                       + ("" if reply == want else f" (expected {want[:48]!r})"))
        G.GenieDialog_free(dialog)
        G.GenieDialogConfig_free(config)
    finally:
        os.chdir(cwd)
