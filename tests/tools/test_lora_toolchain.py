"""The offline LoRA tools and net-run, end to end through the ``qnnpy`` CLI, checked against
onnxruntime running the ONNX model with each adapter merged into the base weights; and the
config-file edge cases, which must fail with a clear message and write nothing."""
import json
import math
import os
import shutil

import numpy as np
import onnx
import onnxruntime
import pytest
import yaml

from qnnpy.examples import decoder
from qnnpy.tools import cli
from tests.tools.converter_support import promoted, residual_stream, sqnr_db

ADAPTERS = {"A": (16, 32.0, 1), "B": (8, 8.0, 2)}  # rank, lora_alpha, seed
MAX_RANK = 16


def ort(model, x):
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x, "alpha": np.ones(1, np.float32)})[0]


def qnnpy(*argv) -> int:
    return cli.main([str(a) for a in argv])


def write_yaml(path, doc):
    with open(path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return path


def write_inputs(folder, name, xs):
    lines = []
    for i, x in enumerate(xs):
        x.tofile(os.path.join(folder, f"{name}_{i}.raw"))
        lines.append(f"x:={name}_{i}.raw alpha:=one.raw")
    np.ones(1, np.float32).tofile(os.path.join(folder, "one.raw"))
    with open(os.path.join(folder, f"{name}.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.join(folder, f"{name}.txt")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The user's files: the base ONNX, two PEFT adapters of different ranks, inputs."""
    folder = tmp_path_factory.mktemp("lora_flow")
    model = decoder.make_model(MAX_RANK)
    onnx.save(model, folder / "decoder.onnx")
    tensors = {n: decoder.write_peft_adapter(str(folder / f"adapter_{n}"), r, a, s) for n, (r, a, s) in ADAPTERS.items()}
    write_yaml(folder / "lora_config.yaml",
               {"use_case": [{"name": n, "lora_weights": f"adapter_{n}"} for n in ADAPTERS]})
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((1, decoder.SEQ, decoder.HIDDEN)).astype(np.float32) for _ in range(2)]
    inputs = write_inputs(str(folder), "inputs", xs)
    references = {None: [ort(model, x) for x in xs]}
    for n, (rank, lora_alpha, _) in ADAPTERS.items():
        merged = decoder.merged_model(model, tensors[n], rank, lora_alpha, 1.0)
        references[n] = [ort(merged, x) for x in xs]
    return {"folder": folder, "model": model, "tensors": tensors, "xs": xs, "inputs": inputs, "refs": references}


def convert_float(work, out, *options):
    """lora-tensor-names -> converter, into ``out/dec.qnnpy``."""
    f = work["folder"]
    assert qnnpy("lora-tensor-names", f / "adapter_A", "--input_network", f / "decoder.onnx",
                 "-o", out / "names.txt") == 0
    assert qnnpy("converter", "-i", f / "decoder.onnx", "--output_path", out / "dec.qnnpy",
                 "--lora_weight_list", out / "names.txt", *options) == 0


def offline(work, out, mode=None, quantized=False, *converter_options):
    """names -> converter -> importer -> generator through the CLI; returns the output folder."""
    f = work["folder"]
    calibration = ["--input_list", work["inputs"]] if quantized else []
    convert_float(work, out, *calibration, *(["--quant_updatable_mode", mode] if mode else []),
                  *(converter_options or ("--act_bitwidth", 16)))
    assert qnnpy("lora-importer", "--lora_config", f / "lora_config.yaml", "--input_model", out / "dec.qnnpy",
                 "--input_network", f / "decoder.onnx", "--output_dir", out / "imported", *calibration) == 0
    assert qnnpy("context-binary-generator", "--model", out / "dec.qnnpy", "--binary_file", "base",
                 "--output_dir", out / "bin", "--adapter_weight_config", out / "imported" / "lora_output_files.yaml") == 0
    return out


def read_result(folder, i):
    return np.fromfile(os.path.join(folder, f"Result_{i}", "logits.raw"), np.float32).reshape(1, decoder.SEQ,
                                                                                             decoder.HIDDEN)


def test_float_flow_matches_merged_weights(work, tmp_path):
    out = offline(work, tmp_path)
    names = (tmp_path / "names.txt").read_text().split()
    assert sorted(names) == sorted(decoder.lora_weight_names())
    summary = yaml.safe_load((tmp_path / "imported" / "lora_output_files.yaml").read_text())
    assert [(c["name"], c["graph"]) for c in summary["use_case"]] == [("A", "dec"), ("B", "dec")]
    assert sorted(os.listdir(out / "bin")) == ["base.bin", "dec_A.bin", "dec_B.bin", "dec_default_adapter.bin"]
    updates = write_yaml(tmp_path / "updates.yaml", {"version": 1, "graphs": [
        {"dec": ["bin/dec_A.bin", "bin/dec_B.bin", "bin/dec_default_adapter.bin", "bin/dec_A.bin"]}]})
    assert qnnpy("net-run", "--retrieve_context", out / "bin" / "base.bin", "--input_list", work["inputs"],
                 "--output_dir", tmp_path / "run", "--binary_updates", updates, "--use_mmap") == 0
    run = tmp_path / "run"
    for folder, adapter in ((run, None), (run / "dec_update1", "A"), (run / "dec_update2", "B"),
                            (run / "dec_update3", None), (run / "dec_update4", "A")):
        for i, ref in enumerate(work["refs"][adapter]):
            np.testing.assert_allclose(read_result(folder, i), ref, rtol=0, atol=1e-4 * float(np.abs(ref).max()))
    np.testing.assert_array_equal(read_result(run / "dec_update1", 0), read_result(run / "dec_update4", 0))
    meta = yaml.safe_load((run / "execution_metadata.yaml").read_text())
    assert meta == {"graphs": [{"graph_name": "dec", "output_tensors": [
        {"tensor_name": "logits", "dimensions": [1, decoder.SEQ, decoder.HIDDEN], "datatype": "float32"}]}]}


def test_quantized_flow_brings_per_adapter_encodings(work, tmp_path):
    out = offline(work, tmp_path, mode="all", quantized=True)
    encodings = {n: json.loads((out / "imported" / f"{n}_lora.encodings").read_text()) for n in ADAPTERS}
    for n in ADAPTERS:
        assert {e["name"] for e in encodings[n]["param_encodings"]} == set(decoder.lora_weight_names())
    infos = {}
    for n in ("A", "B"):
        assert qnnpy("context-binary-utility", "--context_binary", out / "bin" / f"dec_{n}.bin",
                     "--json_file", tmp_path / f"{n}.json") == 0
        infos[n] = json.loads((tmp_path / f"{n}.json").read_text())
        assert infos[n]["kind"] == "binary section"
        (graph,) = infos[n]["graphs"]
        assert [t["name"] for t in graph["outputs"]] == ["logits"]
        assert set(decoder.lora_weight_names()) <= {t["name"] for t in graph["updateableTensors"]}
    # each adapter was calibrated on its own: the output's encoding differs between them
    assert infos["A"]["graphs"][0]["outputs"][0]["quantization"] != infos["B"]["graphs"][0]["outputs"][0]["quantization"]
    updates = write_yaml(tmp_path / "updates.yaml", {"graphs": [{"dec": ["bin/dec_A.bin", "bin/dec_B.bin"]}]})
    assert qnnpy("net-run", "--retrieve_context", out / "bin" / "base.bin", "--input_list", work["inputs"],
                 "--output_dir", tmp_path / "run", "--binary_updates", updates) == 0
    for folder, adapter in ((tmp_path / "run" / "dec_update1", "A"), (tmp_path / "run" / "dec_update2", "B")):
        for i, ref in enumerate(work["refs"][adapter]):
            assert sqnr_db(ref, read_result(folder, i)) >= 25  # A16W8: 8-bit weights bound it near 30 dB


def test_mixed_precision_adapters_reach_the_inserted_converts(work, tmp_path):
    """Mode all with 8-bit activations and a 16-bit residual stream (overrides): each
    adapter's encodings reach the Converts the lowering inserted — each carries the range its
    source tensor has with that adapter — and both adapters run against merged onnxruntime."""
    from qnnpy.tools import model_file
    convert_float(work, tmp_path, "--input_list", work["inputs"], "--quant_updatable_mode", "all")
    doc = json.loads((tmp_path / "dec.encodings").read_text())
    (tmp_path / "mixed.json").write_text(json.dumps(promoted(doc, residual_stream(doc))))
    out = offline(work, tmp_path, "all", True, "--quantization_overrides", tmp_path / "mixed.json")
    (graph,), _ = model_file.load(str(out / "dec.qnnpy"))
    derived = {n: t for n, t in graph.tensors.items() if t.encoding_of}
    assert derived and all(t.updatable_encoding for t in derived.values())
    for n in ADAPTERS:
        entries = {e["name"]: e for e in json.loads((out / "imported" / f"{n}_lora.encodings").read_text())
                   ["activation_encodings"]}
        for name, t in derived.items():
            source, wide = entries[t.encoding_of], entries[name]
            assert (source["bw"], wide["bw"]) in ((8, 16), (16, 8)) and wide["bw"] == int(t.dtype.rsplit("_", 1)[1])
            lo = source["scale"][0] * source["offset"][0]
            hi = lo + source["scale"][0] * (2 ** source["bw"] - 1)
            np.testing.assert_allclose(wide["scale"][0], (hi - lo) / (2 ** wide["bw"] - 1), rtol=1e-6)
            assert abs(wide["offset"][0] * wide["scale"][0] - lo) <= wide["scale"][0]
    updates = write_yaml(tmp_path / "updates.yaml", {"graphs": [{"dec": ["bin/dec_A.bin", "bin/dec_B.bin"]}]})
    assert qnnpy("net-run", "--retrieve_context", out / "bin" / "base.bin", "--input_list", work["inputs"],
                 "--output_dir", tmp_path / "run", "--binary_updates", updates) == 0
    for folder, adapter in ((tmp_path / "run" / "dec_update1", "A"), (tmp_path / "run" / "dec_update2", "B")):
        for i, ref in enumerate(work["refs"][adapter]):
            # measured: A (rank 16, scaling 2) 25.1-25.3 dB, B 29.6-30.2 dB; 23.9-24.3 / 27.7-28.2 dB
            # with the residual stream at 8 bit too
            assert sqnr_db(ref, read_result(folder, i)) >= 24


def test_context_binary_utility_describes_a_base_binary(work, tmp_path):
    out = offline(work, tmp_path)
    assert qnnpy("context-binary-utility", "--context_binary", out / "bin" / "base.bin",
                 "--json_file", tmp_path / "base.json") == 0
    info = json.loads((tmp_path / "base.json").read_text())
    assert info["kind"] == "context binary" and info["backendId"] == 6 and info["size"] == os.path.getsize(
        out / "bin" / "base.bin")
    (graph,) = info["graphs"]
    assert graph["name"] == "dec" and [t["name"] for t in graph["inputs"]] == ["x", "alpha"]
    assert {t["name"] for t in graph["updateableTensors"]} == set(decoder.lora_weight_names())
    width = {"8": 1, "16": 2, "32": 4}
    io = sum(math.prod(t["dimensions"]) * width[t["dataType"].rsplit("_", 1)[-1]]
             for t in graph["inputs"] + graph["outputs"])
    assert info["dspArch"] == 0 and graph["htp"]["ioTensorSize"] == io and graph["htp"]["vtcmSize"] == 0


def test_utility_refuses_a_corrupt_binary(work, tmp_path, capsys):
    out = offline(work, tmp_path)
    data = bytearray((out / "bin" / "dec_A.bin").read_bytes())
    data[len(data) // 2] ^= 1
    (tmp_path / "bad.bin").write_bytes(data)
    assert qnnpy("context-binary-utility", "--context_binary", tmp_path / "bad.bin", "--json_file",
                 tmp_path / "bad.json") == 1
    err = capsys.readouterr().err
    assert "not a readable" in err and "checksum mismatch" in err  # the code, and the backend's reason
    assert not (tmp_path / "bad.json").exists()


def test_super_adapter_covers_two_sequence_lengths(work, tmp_path):
    """The decoder compiled at two sequence lengths into one context: one section per use case
    covers both graphs, and stores the shared LoRA weights once."""
    f = work["folder"]
    convert_float(work, tmp_path)
    short = decoder.make_model(MAX_RANK, seq=32)
    onnx.save(short, tmp_path / "short.onnx")
    for onnx_path, name in ((f / "decoder.onnx", "ar64"), (tmp_path / "short.onnx", "ar32")):  # graph names
        assert qnnpy("converter", "-i", onnx_path, "--output_path", tmp_path / f"{name}.qnnpy",
                     "--lora_weight_list", tmp_path / "names.txt") == 0
    assert qnnpy("lora-importer", "--lora_config", f / "lora_config.yaml", "--input_model", tmp_path / "ar64.qnnpy",
                 "--output_dir", tmp_path / "imported") == 0
    summary = yaml.safe_load((tmp_path / "imported" / "lora_output_files.yaml").read_text())
    cases = [dict(c, graph=g) for c in summary["use_case"] for g in ("ar64", "ar32")]
    config = write_yaml(tmp_path / "imported" / "shared.yaml", {"share_adapters_between_graphs": "Yes", "use_case": cases})
    assert qnnpy("context-binary-generator", "--model", tmp_path / "ar64.qnnpy", "--model", tmp_path / "ar32.qnnpy",
                 "--binary_file", "base", "--output_dir", tmp_path / "bin", "--adapter_weight_config", config) == 0
    assert sorted(os.listdir(tmp_path / "bin")) == ["ar64-ar32_A.bin", "ar64-ar32_B.bin",
                                                    "ar64-ar32_default_adapter.bin", "base.bin"]
    lora_bytes = sum(v.nbytes for v in decoder.padded_onnx_weights(work["tensors"]["A"], 16, 32.0, MAX_RANK).values())
    assert os.path.getsize(tmp_path / "bin" / "ar64-ar32_A.bin") < 1.25 * lora_bytes  # once, not twice

    rng = np.random.default_rng(9)
    short_xs = [rng.standard_normal((1, 32, decoder.HIDDEN)).astype(np.float32)]
    short_inputs = write_inputs(str(tmp_path), "short", short_xs)
    updates = write_yaml(tmp_path / "updates.yaml", {"version": 1, "graphs": [
        {"ar64": [{"group": ["bin/ar64-ar32_A.bin", "bin/ar64-ar32_default_adapter.bin"]}]}]})
    assert qnnpy("net-run", "--retrieve_context", tmp_path / "bin" / "base.bin",
                 "--input_list", f"{work['inputs']},{short_inputs}", "--output_dir", tmp_path / "run",
                 "--binary_updates", updates) == 0
    rank, lora_alpha, _ = ADAPTERS["A"]
    short_ref_a = ort(decoder.merged_model(short, work["tensors"]["A"], rank, lora_alpha, 1.0), short_xs[0])
    for folder, refs64, ref32 in ((tmp_path / "run" / "group_update1", work["refs"]["A"], short_ref_a),
                                  (tmp_path / "run" / "group_update2", work["refs"][None], ort(short, short_xs[0]))):
        got64 = np.fromfile(folder / "Result_0" / "ar64" / "logits.raw", np.float32).reshape(refs64[0].shape)
        got32 = np.fromfile(folder / "Result_0" / "ar32" / "logits.raw", np.float32).reshape(ref32.shape)
        np.testing.assert_allclose(got64, refs64[0], rtol=0, atol=1e-4 * float(np.abs(refs64[0]).max()))
        np.testing.assert_allclose(got32, ref32, rtol=0, atol=1e-4 * float(np.abs(ref32).max()))


def test_importer_resolves_paths_against_its_config_folder(work, tmp_path, monkeypatch):
    shutil.copytree(work["folder"] / "adapter_B", tmp_path / "cfg" / "adapters" / "b")
    config = write_yaml(tmp_path / "cfg" / "lora.yaml", {"use_case": [
        {"name": "B", "lora_weights": "adapters/b", "output_path": "out"}]})
    convert_float(work, tmp_path)
    monkeypatch.chdir(tmp_path)  # somewhere else than the config's folder
    assert qnnpy("lora-importer", "--lora_config", config, "--input_model", tmp_path / "dec.qnnpy") == 0
    summary = yaml.safe_load((tmp_path / "cfg" / "out" / "lora_output_files.yaml").read_text())
    assert summary["use_case"][0]["weights"] == "B_lora.safetensors"  # relative: the folder moves as a whole




def _adapter_variant(work, folder, keep=None, rank=None, dtype=None):
    """A copy of adapter B, optionally with fewer modules, another rank or another dtype."""
    from safetensors.numpy import save_file
    os.makedirs(folder, exist_ok=True)
    shutil.copy(work["folder"] / "adapter_B" / "adapter_config.json", folder)
    tensors = {}
    for key, value in work["tensors"]["B"].items():
        if keep and keep not in key:
            continue
        if rank:
            value = np.resize(value, (rank, value.shape[1]) if ".lora_A." in key else (value.shape[0], rank))
        tensors[key] = value.astype(dtype or value.dtype)
    save_file(tensors, os.path.join(folder, "adapter_model.safetensors"))
    return folder


IMPORTER_CASES = {
    "no use_case": ({"adapters": []}, "non-empty 'use_case' list"),
    "entry without lora_weights": ({"use_case": [{"name": "X"}]}, "use_case[0] needs 'name' and 'lora_weights'"),
    "missing adapter": ({"use_case": [{"name": "X", "lora_weights": "nowhere"}]}, "nowhere does not exist"),
    "name twice": ({"use_case": [{"name": "X", "lora_weights": "adapter_B"}] * 2}, "'X' appears twice"),
    "rank above the max": ({"use_case": [{"name": "big", "lora_weights": "big"}]}, "rank 32, more than the model's max rank 16"),
    "fewer attachment points": ({"use_case": [{"name": "q_only", "lora_weights": "q_only"}]},
                                "adapter 'q_only': no value for LoRA weight 'layers.0.self_attn.v_proj.lora_A.weight'"),
    "mixed precision": ({"use_case": [{"name": "B", "lora_weights": "adapter_B"},
                                      {"name": "half", "lora_weights": "half"}]}, "adapters differ in precision"),
}


@pytest.mark.parametrize("case", sorted(IMPORTER_CASES))
def test_importer_rejects_bad_configs_and_adapters_writing_nothing(work, tmp_path, capsys, case):
    doc, message = IMPORTER_CASES[case]
    convert_float(work, tmp_path)
    shutil.copytree(work["folder"] / "adapter_B", tmp_path / "adapter_B")
    _adapter_variant(work, tmp_path / "big", rank=32)
    _adapter_variant(work, tmp_path / "q_only", keep="q_proj")
    _adapter_variant(work, tmp_path / "half", dtype=np.float16)
    config = write_yaml(tmp_path / "lora.yaml", doc)
    capsys.readouterr()
    assert qnnpy("lora-importer", "--lora_config", config, "--input_model", tmp_path / "dec.qnnpy",
                 "--output_dir", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert message in err and err.startswith("qnnpy lora-importer: error:")
    assert not (tmp_path / "out").exists()


def test_importer_needs_calibration_inputs_for_updatable_encodings(work, tmp_path, capsys):
    convert_float(work, tmp_path, "--input_list", work["inputs"], "--quant_updatable_mode", "adapter_only")
    assert qnnpy("lora-importer", "--lora_config", work["folder"] / "lora_config.yaml", "--input_model",
                 tmp_path / "dec.qnnpy", "--output_dir", tmp_path / "out") == 1
    assert "pass --input_network and --input_list" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_importer_warns_when_fixed_base_encodings_clip_an_adapter(work, tmp_path, capsys):
    """adapter_only keeps the base's encodings after the LoRA add; the base was calibrated with
    zero LoRA weights, so adapter A (scaling 2) overflows them: the device would saturate."""
    convert_float(work, tmp_path, "--input_list", work["inputs"], "--quant_updatable_mode", "adapter_only")
    capsys.readouterr()
    assert qnnpy("lora-importer", "--lora_config", work["folder"] / "lora_config.yaml", "--input_model",
                 tmp_path / "dec.qnnpy", "--input_network", work["folder"] / "decoder.onnx",
                 "--input_list", work["inputs"], "--output_dir", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "adapter 'A' saturates" in err and "q_proj.out" in err and "--quant_updatable_mode all" in err


@pytest.fixture
def imported(work, tmp_path):
    convert_float(work, tmp_path)
    assert qnnpy("lora-importer", "--lora_config", work["folder"] / "lora_config.yaml", "--input_model",
                 tmp_path / "dec.qnnpy", "--output_dir", tmp_path / "imported") == 0
    return tmp_path


def _generator_case(folder, case):
    """(adapter weight config, HTP config or None, expected message) for one bad input."""
    summary = yaml.safe_load((folder / "imported" / "lora_output_files.yaml").read_text())["use_case"]
    htp = None
    if case == "unknown graph":
        summary[0]["graph"] = "decoder_v2"
        message = "names graphs ['decoder_v2']; the models have ['dec']"
    elif case == "missing weights file":
        summary[1]["weights"] = "gone.safetensors"
        message = "gone.safetensors does not exist"
    elif case == "missing key":
        del summary[0]["graph"]
        message = "use_case[0] needs 'name', 'graph' and 'weights'"
    elif case == "weights for another model":
        from safetensors.numpy import save_file
        save_file({"other.lora_A.weight": np.zeros((2, 2), np.float32)}, folder / "imported" / "other.safetensors")
        summary[0]["weights"] = "other.safetensors"
        message = "missing ['layers.0.self_attn.q_proj.lora_A.weight'"
    else:  # unknown HTP context key
        htp = folder / "htp.json"
        htp.write_text(json.dumps({"context": {"lora_weight_shareing": True}}))
        message = "unknown context keys ['lora_weight_shareing']"
    return write_yaml(folder / "imported" / "bad.yaml", {"use_case": summary}), htp, message


@pytest.mark.parametrize("case", ["unknown graph", "missing weights file", "missing key", "weights for another model",
                                  "unknown HTP key"])
def test_generator_rejects_bad_configs_writing_nothing(imported, capsys, case):
    config, htp, message = _generator_case(imported, case)
    capsys.readouterr()
    assert qnnpy("context-binary-generator", "--model", imported / "dec.qnnpy", "--binary_file", "base", "--output_dir",
                 imported / "bin", "--adapter_weight_config", config, *(["--config_file", htp] if htp else [])) == 1
    err = capsys.readouterr().err
    assert message in err and err.startswith("qnnpy context-binary-generator: error:")
    assert not (imported / "bin").exists()


@pytest.fixture
def generated(imported):
    assert qnnpy("context-binary-generator", "--model", imported / "dec.qnnpy", "--binary_file", "base", "--output_dir",
                 imported / "bin", "--adapter_weight_config", imported / "imported" / "lora_output_files.yaml") == 0
    return imported


NETRUN_CASES = {
    "section file missing": ({"graphs": [{"dec": ["bin/nope.bin"]}]}, None, "nope.bin does not exist"),
    "unknown graph": ({"graphs": [{"encoder": ["bin/dec_A.bin"]}]}, None, "names graph 'encoder'; the context has ['dec']"),
    "no graphs": ({"version": 1}, None, "needs a non-empty 'graphs' list"),
    "unknown context config": (None, {"context_configs": {"memory_limit": 10}}, "unknown context_configs keys ['memory_limit']"),
    "enable an unknown graph": (None, {"context_configs": {"enable_graphs": ["encoder"]}},
                                "QnnContext_createFromBinary failed"),
}


@pytest.mark.parametrize("case", sorted(NETRUN_CASES))
def test_net_run_reports_bad_updates_and_configs(work, generated, capsys, case):
    updates, config, message = NETRUN_CASES[case]
    extra = []
    if updates is not None:
        extra += ["--binary_updates", write_yaml(generated / "updates.yaml", updates)]
    if config is not None:
        (generated / "netrun.json").write_text(json.dumps(config))
        extra += ["--config_file", generated / "netrun.json"]
    capsys.readouterr()
    assert qnnpy("net-run", "--retrieve_context", generated / "bin" / "base.bin", "--input_list", work["inputs"],
                 "--output_dir", generated / "run", *extra) == 1
    assert message in capsys.readouterr().err
    if case != "unknown graph":  # found only after the base run, like the real tool
        assert not (generated / "run").exists()


def test_net_run_with_lora_weight_sharing_runs_only_the_updates(work, generated):
    (generated / "htp.json").write_text(json.dumps({"context": {"lora_weight_sharing": True}}))
    (generated / "netrun.json").write_text(json.dumps({
        "backend_extensions": {"shared_library_path": "libQnnHtpNetRunExtensions.so", "config_file_path": "htp.json"},
        "context_configs": {"is_persistent_binary": True}}))
    updates = write_yaml(generated / "updates.yaml", {"graphs": [{"dec": ["bin/dec_B.bin"]}]})
    assert qnnpy("net-run", "--retrieve_context", generated / "bin" / "base.bin", "--input_list", work["inputs"],
                 "--output_dir", generated / "run", "--config_file", generated / "netrun.json",
                 "--binary_updates", updates, "--use_mmap") == 0
    assert not (generated / "run" / "Result_0").exists()
    ref = work["refs"]["B"][1]
    np.testing.assert_allclose(read_result(generated / "run" / "dec_update1", 1), ref, rtol=0,
                               atol=1e-4 * float(np.abs(ref).max()))


def test_net_run_input_list_of_the_wrong_size(work, generated, capsys):
    np.zeros(10, np.float32).tofile(generated / "short.raw")
    (generated / "list.txt").write_text("x:=short.raw alpha:=short.raw\n")
    assert qnnpy("net-run", "--retrieve_context", generated / "bin" / "base.bin", "--input_list",
                 generated / "list.txt", "--output_dir", generated / "run") == 1
    assert "short.raw holds 10 float32 values; input 'x' [1, 64, 256] needs 16384" in capsys.readouterr().err
    assert not (generated / "run").exists()


def test_net_run_inference_count_outputs_kept_and_data_types(work, generated, capsys):
    """--num_inferences cycles over the input list (inference i runs line i mod n), only the
    first --keep_num_outputs are written, --output_data_type float_and_native writes both
    files (the float one is the native codes dequantized: the model is float, so equal),
    and --input_data_type native reads the lines as the tensors' own type."""
    base = ["--retrieve_context", generated / "bin" / "base.bin", "--input_list", work["inputs"]]
    assert qnnpy("net-run", *base, "--output_dir", generated / "many", "--num_inferences", 5, "--keep_num_outputs", 4,
                 "--output_data_type", "float_and_native", "--timeout", 1000) == 0
    assert "--timeout" in capsys.readouterr().err  # noted: no effect on the emulator
    folders = sorted(p.name for p in (generated / "many").iterdir() if p.is_dir())
    assert folders == ["Result_0", "Result_1", "Result_2", "Result_3"]
    lines = len(work["refs"][None])
    for i in range(4):
        np.testing.assert_array_equal(read_result(generated / "many", i), read_result(generated / "many", i % lines))
        native = next((generated / "many" / f"Result_{i}").glob("*_native.raw"))
        np.testing.assert_array_equal(np.fromfile(native, np.float32), read_result(generated / "many", i).ravel())
    assert qnnpy("net-run", *base, "--output_dir", generated / "timed", "--duration", 0.01) == 0
    assert len([p for p in (generated / "timed").iterdir() if p.name.startswith("Result_")]) >= lines
    assert qnnpy("net-run", *base, "--output_dir", generated / "nat", "--input_data_type", "native") == 0
    np.testing.assert_array_equal(read_result(generated / "nat", 0), read_result(generated / "many", 0))
    for flags, words in ((["--debug"], "--debug cannot be honoured"),
                         (["--batch_multiplier", "2"], "--batch_multiplier cannot be honoured"),
                         (["--num_inferences", 2, "--duration", 1], "exclusive"),
                         (["--use_native_output_files", "--output_data_type", "float_only"], "contradicts")):
        assert qnnpy("net-run", *base, "--output_dir", generated / "bad", *flags) == 1
        assert words in capsys.readouterr().err
        assert not (generated / "bad").exists()
    assert qnnpy("net-run", "--model", "libdec.so", "--input_list", work["inputs"]) == 1
    assert "--model (a model library) cannot be honoured" in capsys.readouterr().err


def test_lora_tensor_names_reports_ambiguity(tmp_path, capsys):
    from onnx import TensorProto, helper
    from safetensors.numpy import save_file
    save_file({f"base_model.model.layers.0.q_proj.lora_{ab}.weight": np.zeros((2, 2), np.float32) for ab in "AB"},
              tmp_path / "a.safetensors")
    inits = [helper.make_tensor(f"{n}.layers.0.q_proj.lora_{ab}.weight", TensorProto.FLOAT, [2, 2], [0.0] * 4)
             for n in ("enc", "dec") for ab in "AB"]
    graph = helper.make_graph([], "g", [], [], inits)
    onnx.save(helper.make_model(graph), tmp_path / "m.onnx")
    assert qnnpy("lora-tensor-names", tmp_path / "a.safetensors", "--input_network", tmp_path / "m.onnx",
                 "-o", tmp_path / "names.txt") == 1
    err = capsys.readouterr().err
    assert "is ambiguous" in err and "dec.layers.0.q_proj.lora_A.weight" in err and "enc.layers" in err
    assert not (tmp_path / "names.txt").exists()
    assert qnnpy("lora-tensor-names", tmp_path / "a.safetensors") == 0  # without a model: the adapter's keys
    assert capsys.readouterr().out == "".join(f"base_model.model.layers.0.q_proj.lora_{ab}.weight\n" for ab in "AB")


def test_generator_jobs_give_the_same_files_and_report_progress(imported, tmp_path, monkeypatch):
    from qnnpy.tools import progress
    from qnnpy.tools.context_binary_generator import generate
    seen = []

    def recording_bar(iterable, total, desc):
        seen.append((total, desc))
        return iterable
    monkeypatch.setattr(progress, "bar", recording_bar)
    config = str(imported / "imported" / "lora_output_files.yaml")
    one = generate([str(imported / "dec.qnnpy")], "base", str(tmp_path / "one"), config)
    two = generate([str(imported / "dec.qnnpy")], "base", str(tmp_path / "two"), config, jobs=2)
    assert seen[0] == (3, "sections")
    assert set(one) == set(two) == {"base", "dec_default_adapter.bin", "dec_A.bin", "dec_B.bin"}
    for key in one:
        with open(one[key], "rb") as a, open(two[key], "rb") as b:
            assert a.read() == b.read(), key
    from qnnpy.tools.context_binary_generator import GeneratorError
    for bad in (0, -2, 1.5):
        with pytest.raises(GeneratorError, match="--jobs must be a positive number"):
            generate([str(imported / "dec.qnnpy")], "base", str(tmp_path / "bad"), config, jobs=bad)
    assert not (tmp_path / "bad").exists()


def test_net_run_with_graph_switching_configs_gives_the_same_outputs(work, generated):
    """memory_limit_hint + is_persistent_binary (graph switching on) and enable_graphs through
    the --config_file: bit-identical to a plain run."""
    updates = write_yaml(generated / "updates.yaml", {"graphs": [{"dec": ["bin/dec_A.bin", "bin/dec_B.bin"]}]})
    (generated / "netrun.json").write_text(json.dumps({"context_configs": {
        "memory_limit_hint": 1, "is_persistent_binary": True, "enable_graphs": ["dec"]}}))
    for folder, extra in (("plain", []), ("switching", ["--config_file", generated / "netrun.json", "--use_mmap"])):
        assert qnnpy("net-run", "--retrieve_context", generated / "bin" / "base.bin", "--input_list", work["inputs"],
                     "--output_dir", generated / folder, "--binary_updates", updates, *extra) == 0
    for sub in ("", "dec_update1", "dec_update2"):
        for i in range(len(work["xs"])):
            np.testing.assert_array_equal(read_result(generated / "plain" / sub, i),
                                          read_result(generated / "switching" / sub, i))


def test_qairt_tutorial_commands_run_verbatim(work, tmp_path, capsys):
    """The QAIRT LoRA tutorial's sequence with the SDK's tool names and flags (device-only
    flags accepted and noted), checked against onnxruntime with each adapter merged."""
    import json

    from qnnpy.tools import qairt
    f = work["folder"]
    assert qnnpy("lora-tensor-names", f / "adapter_A", "--input_network", f / "decoder.onnx", "-o",
                 tmp_path / "lora_names.txt") == 0
    steps = [
        (qairt.qairt_converter, ["-i", f / "decoder.onnx", "--output_path", tmp_path / "base.qnnpy",
                                 "--lora_weight_list", tmp_path / "lora_names.txt", "--onnx_skip_simplification"]),
        (qairt.qairt_lora_importer, ["--lora_config", f / "lora_config.yaml", "--input_dlc", tmp_path / "base.qnnpy",
                                     "--output_dir", tmp_path / "imported", "--skip_validation"]),
    ]
    (tmp_path / "htp_config.json").write_text(json.dumps({"context": {"weight_sharing_enabled": False}}))
    (tmp_path / "htp_ext.json").write_text(json.dumps({"backend_extensions": {
        "shared_library_path": "libQnnHtpNetRunExtensions.so", "config_file_path": "htp_config.json"}}))
    steps += [
        (qairt.qnn_context_binary_generator, [
            "--backend", "libQnnHtp.so", "--model", "libQnnModelDlc.so", "--dlc_path", tmp_path / "base.qnnpy",
            "--config_file", tmp_path / "htp_ext.json", "--binary_file", "base", "--output_dir", tmp_path / "out",
            "--adapter_weight_config", tmp_path / "imported" / "lora_output_files.yaml", "--htp_socs", "sm8750"]),
        (qairt.qnn_net_run, [
            "--backend", "libQnnHtp.so", "--retrieve_context", tmp_path / "out" / "base.bin", "--input_list",
            work["inputs"], "--output_dir", tmp_path / "results", "--perf_profile", "burst", "--log_level", "warn",
            "--config_file", tmp_path / "htp_ext.json",
            "--binary_updates", f"base,{tmp_path / 'out' / 'base_A.bin'};{tmp_path / 'out' / 'base_B.bin'}"]),
    ]
    for tool, argv in steps:
        assert tool([str(a) for a in argv]) == 0, tool.__name__
    err = capsys.readouterr().err
    assert "--htp_socs sm8750 accepted; no effect here" in err and "--perf_profile burst accepted" in err
    for folder, adapter in (("", None), ("base_update1", "A"), ("base_update2", "B")):
        for i, ref in enumerate(work["refs"][adapter]):
            np.testing.assert_allclose(read_result(tmp_path / "results" / folder, i), ref, rtol=0,
                                       atol=1e-4 * float(np.abs(ref).max()))


def test_qairt_flags_qnnpy_cannot_honour_are_refused_by_name(work, tmp_path, capsys):
    from qnnpy.tools import qairt
    assert qairt.qnn_context_binary_generator(["--model", "m.qnnpy", "--binary_file", "b", "--set_output_tensors",
                                               "g:t"]) == 1
    assert "--set_output_tensors cannot be honoured" in capsys.readouterr().err
    (tmp_path / "model.dlc").write_bytes(b"PK\x03\x04not a qnnpy model")
    assert qairt.qnn_context_binary_generator(["--dlc_path", str(tmp_path / "model.dlc"), "--binary_file", "b",
                                               "--output_dir", str(tmp_path / "out")]) == 1
    assert "not a qnnpy model file (a QAIRT DLC?)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_qairt_quantizer_step_equals_quantizing_in_the_converter(work, tmp_path, capsys):
    """converter (float) -> qairt-quantizer gives the same model as converter --input_list."""
    import json

    from qnnpy.tools import qairt
    f = work["folder"]
    assert qnnpy("lora-tensor-names", f / "adapter_A", "--input_network", f / "decoder.onnx", "-o",
                 tmp_path / "names.txt") == 0
    common = ["-i", f / "decoder.onnx", "--lora_weight_list", tmp_path / "names.txt", "--quant_updatable_mode", "all"]
    assert qairt.qairt_converter([str(a) for a in common + ["--output_path", tmp_path / "float.qnnpy"]]) == 0
    assert qairt.qairt_quantizer([str(a) for a in ["--input_dlc", tmp_path / "float.qnnpy", "--output_dlc",
                                                   tmp_path / "two_step.qnnpy", "--input_list", work["inputs"],
                                                   "--act_bitwidth", 16]]) == 0
    assert qairt.qairt_converter([str(a) for a in common + ["--output_path", tmp_path / "one_step.qnnpy",
                                                           "--input_list", work["inputs"], "--act_bitwidth", 16]]) == 0
    one, two = (json.loads((tmp_path / f"{n}.encodings").read_text()) for n in ("one_step", "two_step"))
    assert one == two and one["activation_encodings"]
    assert (tmp_path / "one_step.qnnpy").read_bytes() != (tmp_path / "float.qnnpy").read_bytes()
    # quantizing twice is refused, as is a float_only model
    assert qairt.qairt_quantizer([str(a) for a in ["--input_dlc", tmp_path / "two_step.qnnpy", "--output_dlc",
                                                   tmp_path / "again.qnnpy", "--input_list", work["inputs"]]]) == 1
    assert "not a float32 model" in capsys.readouterr().err


@pytest.mark.parametrize("doc, words", [
    ({"use_case": [{"name": "A", "lora_weights": "adapter_A", "lora_weight": "x"}]}, "unknown keys ['lora_weight']"),
    ({"use_case": [{"name": "A", "lora_weights": "adapter_A"}], "extra": 1}, "got unknown ['extra']"),
])
def test_importer_config_keys_are_checked(work, tmp_path, capsys, doc, words):
    f = work["folder"]
    convert_float(work, tmp_path)
    shutil.copytree(f / "adapter_A", tmp_path / "adapter_A")
    config = write_yaml(tmp_path / "lora.yaml", doc)
    assert qnnpy("lora-importer", "--lora_config", config, "--input_model", tmp_path / "dec.qnnpy",
                 "--output_dir", tmp_path / "imported") == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "imported").exists()


@pytest.mark.parametrize("doc, words", [
    ({"graphs": [{"graph_names": ["dec"], "vtcm_mbs": 8}]}, "unknown keys ['vtcm_mbs'] in graphs[0]"),
    ({"devices": [{"soc_model": 69, "cores": [{"perf_profiles": "burst"}]}]}, "devices[0].cores[0]"),
    ({"graphs": [{"O": 7}]}, "graphs[0].O must be 1, 2 or 3"),
    ({"memory": {"mem_types": "shared_buffer"}}, "unknown keys ['mem_types'] in memory"),
])
def test_htp_config_sections_are_checked(work, tmp_path, capsys, doc, words):
    convert_float(work, tmp_path)
    (tmp_path / "htp.json").write_text(json.dumps(doc))
    assert qnnpy("context-binary-generator", "--model", tmp_path / "dec.qnnpy", "--binary_file", "base",
                 "--output_dir", tmp_path / "bin", "--config_file", tmp_path / "htp.json") == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "bin").exists()


def test_importer_jobs_give_the_same_files(work, tmp_path):
    """Two processes calibrating the adapters write byte-identical files to one."""
    f = work["folder"]
    convert_float(work, tmp_path, "--input_list", work["inputs"], "--act_bitwidth", 16, "--quant_updatable_mode", "all")
    for jobs in (1, 2):
        assert qnnpy("lora-importer", "--lora_config", f / "lora_config.yaml", "--input_model", tmp_path / "dec.qnnpy",
                     "--input_network", f / "decoder.onnx", "--input_list", work["inputs"], "--output_dir",
                     tmp_path / f"jobs{jobs}", "--jobs", jobs) == 0
    names = sorted(os.listdir(tmp_path / "jobs1"))
    assert names == sorted(os.listdir(tmp_path / "jobs2")) and len(names) == 5
    for name in names:
        assert (tmp_path / "jobs1" / name).read_bytes() == (tmp_path / "jobs2" / name).read_bytes(), name
