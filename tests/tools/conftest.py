"""Fixtures shared by the tool tests."""
import numpy as np
import onnx
import pytest

from qnnpy.examples import decoder


@pytest.fixture(scope="session")
def decoder_files(tmp_path_factory):
    """The example decoder (max rank 16), its LoRA weight list and three calibration samples."""
    folder = tmp_path_factory.mktemp("decoder")
    model = decoder.make_model(max_rank=16)
    onnx.save(model, folder / "decoder.onnx")
    (folder / "names.txt").write_text("\n".join(decoder.lora_weight_names()) + "\n")
    rng = np.random.default_rng(0)
    lines = []
    for k in range(3):
        rng.standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32).tofile(folder / f"x{k}.raw")
        np.ones(1, np.float32).tofile(folder / f"alpha{k}.raw")
        lines.append(f"x:=x{k}.raw alpha:=alpha{k}.raw")
    (folder / "inputs.txt").write_text("\n".join(lines) + "\n")
    return folder, model
