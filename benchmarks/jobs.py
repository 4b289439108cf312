"""Preparing many adapters: lora-importer (mode all: each adapter calibrated) and the
context-binary-generator for 32 adapters on the example decoder, --jobs 1 against --jobs 2
(this machine has 2 cores), the two timed in turns.

    python benchmarks/jobs.py

Every process computes with one BLAS thread (set before numpy loads), so the ratio shows
what the extra processes buy; with numpy's default threads one process already keeps both
cores busy in the matrix products.
"""
import threads  # first: one BLAS thread in every process, before numpy loads

import os
import tempfile
import time

import numpy as np
import onnx
import yaml

from qnnpy.examples import decoder
from qnnpy.tools.context_binary_generator import generate
from qnnpy.tools.converter import convert
from qnnpy.tools.lora_importer import import_adapters

ADAPTERS = 32
CALIBRATION = 8  # samples each adapter is calibrated over


def prepare(folder: str) -> tuple[str, str, str]:
    model = decoder.make_model(max_rank=16)
    onnx.save(model, os.path.join(folder, "decoder.onnx"))
    with open(os.path.join(folder, "names.txt"), "w") as f:
        f.write("\n".join(decoder.lora_weight_names()) + "\n")
    rng = np.random.default_rng(0)
    lines = []
    for k in range(CALIBRATION):
        rng.standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32).tofile(os.path.join(folder, f"x{k}.raw"))
        np.ones(1, np.float32).tofile(os.path.join(folder, f"a{k}.raw"))
        lines.append(f"x:=x{k}.raw alpha:=a{k}.raw")
    with open(os.path.join(folder, "inputs.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    cases = []
    for k in range(ADAPTERS):
        decoder.write_peft_adapter(os.path.join(folder, f"adapter_{k}"), 8, 16.0, k)
        cases.append({"name": f"a{k}", "lora_weights": f"adapter_{k}"})
    with open(os.path.join(folder, "lora_config.yaml"), "w") as f:
        yaml.safe_dump({"use_case": cases}, f)
    model_path = os.path.join(folder, "dec.qnnpy")
    convert(os.path.join(folder, "decoder.onnx"), model_path, os.path.join(folder, "names.txt"),
            input_list=os.path.join(folder, "inputs.txt"), act_bitwidth=16, quant_updatable_mode="all")
    return folder, model_path, os.path.join(folder, "inputs.txt")


def run(folder, model_path, inputs, jobs: int) -> None:
    out = os.path.join(folder, f"out{jobs}")
    summary = import_adapters(os.path.join(folder, "lora_config.yaml"), model_path, os.path.join(folder, "decoder.onnx"),
                              out, inputs, warn=lambda line: None, jobs=jobs)
    generate([model_path], "base", os.path.join(out, "bin"), summary, jobs=jobs)


def main():
    with tempfile.TemporaryDirectory() as folder:
        args = prepare(folder)
        best = {1: float("inf"), 2: float("inf")}
        for _ in range(2):
            for jobs in (1, 2):
                start = time.perf_counter()
                run(*args, jobs)
                best[jobs] = min(best[jobs], time.perf_counter() - start)
    print(threads.line())
    print("| benchmark | measured | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    print(f"| import ({CALIBRATION} calibration samples each) + generate {ADAPTERS} adapters, --jobs 2 vs --jobs 1 "
          f"| {best[2]:.1f} s | {best[1]:.1f} s | {best[2] / best[1]:.2f}x | report |")


if __name__ == "__main__":
    main()
