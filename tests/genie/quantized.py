"""An A16W8 build of a Genie fixture model, the way a user quantizes an LLM for Genie:
calibration inputs recorded from the float model's own dialog (prompt chunks and generated
tokens, with the exported adapter at strength 1 and 0), converted with 16-bit activations and
8-bit weights; each layer's KV cache gets one encoding shared by its inputs and outputs in both
graphs (an AIMET override computed from the first conversion's ranges), so that a cache entry
means the same in every call — as Genie, which copies cache bytes between calls, needs — and
the mask and RoPE inputs, which Genie fills once for both graphs, likewise. Then the importer
calibrates each adapter, keeping those encodings (the same file as each use case's
``quant_overrides``), and the generator makes the super-adapter sections.

Adapters carry the whole graph's activation encodings (``--quant_updatable_mode all``):
adapter B moves activations past the base's ranges, and with the base's encodings fixed
(``adapter_only``) its next-token agreement drops from 97 % to 69 % (Llama; Qwen2 94 % to
88 %). Weights are per-channel, as LLM weights are quantized for the HTP."""
import json

import numpy as np
import yaml

from qnnpy import QnnBackend
from qnnpy.genie.engine import LlmEngine
from tests.genie.conftest import qnnpy as _qnnpy


def record_calibration(work, reference, tokens_per_prompt: int = 12) -> None:
    """cal_ar8.txt / cal_ar1.txt: the float inputs of every call of a float dialog with each
    adapter at strength 1 and with none (strength 0), so the base's activation ranges cover them all."""
    _, backend = QnnBackend.QnnBackend_create(None, None)
    engine = LlmEngine(backend, (work / "bin" / "llm.bin").read_bytes(), alpha_names=("alpha",))
    calls = {}
    engine.tap = lambda graph, feeds: calls.setdefault(graph.ar, []).append(
        {k: np.array(v, np.float32) for k, v in feeds.items()})
    for adapter, strength in (("A", 1.0), ("B", 1.0), ("A", 0.0)):
        engine.apply_section((work / "bin" / f"ar8-ar1_{adapter}.bin").read_bytes())
        engine.set_alpha("alpha", strength)
        for prompt in reference["prompts"]:
            engine.reset()
            logits = engine.process(prompt["ids"])
            for _ in range(tokens_per_prompt):
                logits = engine.process([int(np.argmax(logits))])
    QnnBackend.QnnBackend_free(backend)
    for ar, feeds_list in calls.items():
        folder = work / f"cal_ar{ar}"
        folder.mkdir(exist_ok=True)
        lines = []
        for k, feeds in enumerate(feeds_list):
            for name, values in feeds.items():
                values.tofile(folder / f"{k}_{name}.raw")
            lines.append(" ".join(f"{name}:=cal_ar{ar}/{k}_{name}.raw" for name in feeds))
        (work / f"cal_ar{ar}.txt").write_text("\n".join(lines) + "\n")


def _convert(work, ar: int, stem: str, *extra):
    _qnnpy("converter", "-i", work / f"model_ar{ar}.onnx", "--output_path", work / f"{stem}{ar}.qnnpy", "--lora_weight_list",
           work / f"names{ar}.txt", "--input_list", work / f"cal_ar{ar}.txt", "--act_bitwidth", 16,
           "--quant_updatable_mode", "all", "--use_per_channel_quantization", *extra)


SHARED_INPUTS = ("attention_mask", "position_ids_cos", "position_ids_sin")


def shared_encodings(work, layers: int) -> dict:
    """One 16-bit encoding per layer and cache (keys, values), covering every range the first
    conversion found for that cache's inputs and outputs in both graphs; and one per input
    the two graphs share (mask, RoPE), which Genie fills once for whichever graph runs and so
    checks to be quantized alike (the real libGenie.so refuses the model otherwise)."""
    ranges = {}
    for ar in (8, 1):
        for e in json.loads((work / f"free{ar}.encodings").read_text())["activation_encodings"]:
            if e["name"].startswith("past_") or e["name"] in SHARED_INPUTS:
                key = e["name"].rsplit("_", 1)[0] if e["name"].startswith("past_") else e["name"]
                lo, hi = e["offset"][0] * e["scale"][0], (e["offset"][0] + 2 ** e["bw"] - 1) * e["scale"][0]
                old = ranges.get(key, (0.0, 0.0))
                ranges[key] = (min(old[0], lo), max(old[1], hi))
    assert len(ranges) == 2 * layers + len(SHARED_INPUTS), sorted(ranges)
    entries = []
    for key, (lo, hi) in ranges.items():
        scale = (hi - lo) / 65535
        names = [f"{key}_in", f"{key}_out"] if key.startswith("past_") else [key]
        entries += [{"name": name, "enc_type": "PER_TENSOR", "dtype": "INT", "bw": 16, "is_sym": False,
                     "scale": [scale], "offset": [int(round(lo / scale))]} for name in names]
    return {"version": "1.0.0", "activation_encodings": entries, "param_encodings": []}


def build(work, reference) -> None:
    """qbin/qllm.bin and qbin/q8-q1_{A,B,default_adapter}.bin beside the float build."""
    record_calibration(work, reference)
    for ar in (8, 1):
        _convert(work, ar, "free")  # each graph's own ranges: free{ar}.qnnpy, kept for tests
    (work / "kv.json").write_text(json.dumps(shared_encodings(work, reference["config"]["layers"])))
    # each adapter keeps the shared encodings too (the importer recalibrates everything else)
    (work / "qlora.yaml").write_text(yaml.safe_dump({"use_case": [
        {"name": n, "lora_weights": f"adapter_{n.lower()}", "quant_overrides": "kv.json"} for n in "AB"]}))
    cases = []
    for ar in (8, 1):
        _convert(work, ar, "q", "--quantization_overrides", work / "kv.json")
        _qnnpy("lora-importer", "--lora_config", work / "qlora.yaml", "--input_model", work / f"q{ar}.qnnpy",
               "--lora_map", work / f"map{ar}.yaml", "--output_dir", work / f"qimported{ar}", "--input_list",
               work / f"cal_ar{ar}.txt", "--input_network", work / f"model_ar{ar}.onnx")
        cases += [{"name": n, "graph": f"q{ar}", "weights": f"qimported{ar}/{n}_lora.safetensors",
                   "encodings": f"qimported{ar}/{n}_lora.encodings"} for n in "AB"]
    (work / "qadapters.yaml").write_text(yaml.safe_dump({"use_case": cases, "share_adapters_between_graphs": "Yes"}))
    _qnnpy("context-binary-generator", "--model", work / "q8.qnnpy", "--model", work / "q1.qnnpy", "--binary_file",
           "qllm", "--output_dir", work / "qbin", "--adapter_weight_config", work / "qadapters.yaml")
