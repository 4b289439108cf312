"""LoRA v2 at run time: sections made offline, applied to a base loaded from its binary,
checked against independently computed merged-weight references."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qnnpy import QnnContext, QnnGraph, QnnSystemContext
from qnnpy.examples import lora_mlp
from qnnpy.QnnContext import (QNN_CONTEXT_SECTION_UPDATABLE_QUANT_PARAMS,
                              QNN_CONTEXT_SECTION_UPDATABLE_WEIGHTS)
from tests.lora_support import LoraSetup, apply, run
from tests.support import fresh_api

DIMS, RANK = [16, 12, 8], 4


def _loaded(api, setup):
    """The base loaded from its context binary, as a device would: (context, graph handles)."""
    blob = setup.base_binary
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, None, blob, len(blob), None)
    assert err == 0
    return ctx, {name: QnnGraph.QnnGraph_retrieve(ctx, name)[1] for name in setup.graphs}


@settings(max_examples=40, deadline=None)
@given(dims=st.lists(st.integers(2, 24), min_size=2, max_size=4), max_rank=st.integers(1, 8),
       data=st.data())
def test_applied_adapters_match_the_merged_weight_reference(dims, max_rank, data):
    ranks = data.draw(st.lists(st.integers(1, max_rank), min_size=1, max_size=3))
    alpha = data.draw(st.floats(-2, 2, allow_nan=False))
    with fresh_api() as api:
        setup = LoraSetup(api, dims, max_rank)
        adapters = [lora_mlp.make_adapter(dims, r, max_rank, seed) for seed, r in enumerate(ranks)]
        sections = [setup.make_section(a, "mlp_4") for a in adapters]
        ctx, graphs = _loaded(api, setup)
        x = np.random.default_rng(len(ranks)).standard_normal((4, dims[0])).astype(np.float32)
        for adapter, section in zip(adapters, sections):
            assert apply(ctx, graphs["mlp_4"], section) == 0
            err, out = run(graphs["mlp_4"], setup.io["mlp_4"], x, alpha)
            assert err == 0
            ref = lora_mlp.reference(x, alpha, setup.base, adapter)
            np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5 * max(1, np.abs(ref).max()))


def test_switching_back_is_bit_identical_and_default_adapter_is_the_base(api):
    setup = LoraSetup(api, DIMS, RANK)
    a, b = (lora_mlp.make_adapter(DIMS, r, RANK, s) for s, r in ((1, 4), (2, 2)))
    sec_a, sec_b = setup.make_section(a, "mlp_4"), setup.make_section(b, "mlp_4")
    sec_default = setup.make_section(lora_mlp.zero_adapter(DIMS, RANK), "mlp_4")
    ctx, graphs = _loaded(api, setup)
    g, io = graphs["mlp_4"], setup.io["mlp_4"]
    x = np.random.default_rng(0).standard_normal((4, DIMS[0])).astype(np.float32)
    base_out = run(g, io, x, 1.0)[1]  # as loaded, the LoRA weights are the zeros of the base binary
    outputs = []
    for section in (sec_a, sec_b, sec_a):
        assert apply(ctx, g, section) == 0
        outputs.append(run(g, io, x, 0.7)[1])
    assert np.array_equal(outputs[0], outputs[2]) and not np.array_equal(outputs[0], outputs[1])
    assert np.array_equal(run(g, io, x, 0.0)[1], base_out)            # alpha 0 is the base
    assert apply(ctx, g, sec_default) == 0
    assert np.array_equal(run(g, io, x, 0.7)[1], base_out)            # so is the default adapter
    np.testing.assert_allclose(base_out, lora_mlp.reference(x, 0.0, setup.base, a), rtol=1e-5, atol=1e-5)


@settings(max_examples=120, deadline=None)
@given(how=st.sampled_from(["flip", "truncate", "extend"]), where=st.integers(0, 10**9), xor=st.integers(1, 255))
def test_bad_sections_fail_and_leave_the_current_adapter_in_force(how, where, xor):
    with fresh_api() as api:
        setup = LoraSetup(api, DIMS, RANK)
        good = setup.make_section(lora_mlp.make_adapter(DIMS, 3, RANK, 5), "mlp_4")
        other = setup.make_section(lora_mlp.make_adapter(DIMS, 2, RANK, 6), "mlp_4")
        ctx, graphs = _loaded(api, setup)
        g, io = graphs["mlp_4"], setup.io["mlp_4"]
        assert apply(ctx, g, good) == 0
        x = np.ones((4, DIMS[0]), np.float32)
        before = run(g, io, x, 1.0)[1]
        bad = bytearray(other)
        if how == "flip":
            bad[where % len(bad)] ^= xor
        elif how == "truncate":
            bad = bad[:where % len(bad)]
        else:
            bad += bytes([xor])
        err = apply(ctx, g, bytes(bad))
        assert err in (QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, QnnContext.QNN_CONTEXT_ERROR_BINARY_VERSION,
                       QnnContext.QNN_CONTEXT_ERROR_BINARY_CONFIGURATION)
        assert len(api.errors()) == 1
        assert np.array_equal(run(g, io, x, 1.0)[1], before)


def test_a_section_of_another_rank_or_model_names_the_mismatch(api):
    setup = LoraSetup(api, DIMS, RANK)
    with fresh_api() as other_api, fresh_api() as third_api:
        other = LoraSetup(other_api, DIMS, RANK + 2)
        foreign = other.make_section(lora_mlp.make_adapter(DIMS, 2, RANK + 2, 1), "mlp_4")
        other_dims = LoraSetup(third_api, [16, 10, 8], RANK, seqs=(5,))
        foreign_model = other_dims.make_section(lora_mlp.make_adapter([16, 10, 8], 2, RANK, 1), "mlp_5")
    ctx, graphs = _loaded(api, setup)
    assert apply(ctx, graphs["mlp_4"], foreign) == QnnContext.QNN_CONTEXT_ERROR_BINARY_CONFIGURATION
    assert "layers.0.lora_A.weight" in api.errors()[-1] and "dims [6, 16]" in api.errors()[-1]
    assert apply(ctx, graphs["mlp_4"], foreign_model) == QnnContext.QNN_CONTEXT_ERROR_BINARY_CONFIGURATION
    assert "mlp_5" in api.errors()[-1]
    assert apply(ctx, None, foreign_model) == QnnContext.QNN_CONTEXT_ERROR_BINARY_CONFIGURATION
    good = setup.make_section(lora_mlp.make_adapter(DIMS, 2, RANK, 1), "mlp_4")
    assert apply(ctx, graphs["mlp_4"], good, QNN_CONTEXT_SECTION_UPDATABLE_WEIGHTS) == \
        QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT


WIDE = [128, 96, 64]  # wide enough that weights, not metadata, decide section sizes


def test_super_adapter_shares_weights_between_graphs(api):
    setup = LoraSetup(api, WIDE, RANK, seqs=(4, 8), shared=True)
    adapter = lora_mlp.make_adapter(WIDE, 3, RANK, 9)
    per_graph = [setup.make_section(adapter, name) for name in setup.graphs]
    super_adapter = setup.make_section(adapter, None)
    assert len(super_adapter) < 0.6 * sum(len(s) for s in per_graph)
    ctx, graphs = _loaded(api, setup)
    assert apply(ctx, None, super_adapter) == 0
    for name, seq in (("mlp_4", 4), ("mlp_8", 8)):
        x = np.random.default_rng(seq).standard_normal((seq, WIDE[0])).astype(np.float32)
        err, out = run(graphs[name], setup.io[name], x, 1.5)
        np.testing.assert_allclose(out, lora_mlp.reference(x, 1.5, setup.base, adapter), rtol=1e-5, atol=1e-5)


def test_super_adapter_of_unshared_graphs_stores_each_distinct_weight_once(api):
    setup = LoraSetup(api, WIDE, RANK, seqs=(4, 8, 16))
    adapter = lora_mlp.make_adapter(WIDE, 3, RANK, 9)
    one = setup.make_section(adapter, "mlp_4")
    both = setup.make_section(adapter, None)
    assert len(both) < 1.5 * len(one)  # three graphs, identical weights: about one graph's worth
    ctx, graphs = _loaded(api, setup)
    assert apply(ctx, graphs["mlp_8"], both) == 0  # one graph's part of a super adapter
    x = np.ones((8, WIDE[0]), np.float32)
    np.testing.assert_allclose(run(graphs["mlp_8"], setup.io["mlp_8"], x, 1.0)[1],
                               lora_mlp.reference(x, 1.0, setup.base, adapter), rtol=1e-5, atol=1e-5)
    x4 = np.ones((4, WIDE[0]), np.float32)  # the other graphs still run the base
    assert np.array_equal(run(graphs["mlp_4"], setup.io["mlp_4"], x4, 1.0)[1],
                          run(graphs["mlp_4"], setup.io["mlp_4"], x4, 0.0)[1])


def test_graphs_of_one_model_store_their_base_weights_once(api):
    """Sequence-length variants of one model in one context (as AR-N and AR-1 graphs are): the
    binary holds the weights once, and an adapter applied to one graph leaves the other on
    the base, since shared bytes in the binary are never written."""
    with fresh_api() as alone:
        single = len(LoraSetup(alone, WIDE, RANK, seqs=(4,)).base_binary)
    setup = LoraSetup(api, WIDE, RANK, seqs=(4, 8))
    assert len(setup.base_binary) < 1.1 * single  # was 2x: each graph stored its own copy (+ metadata)
    adapter = lora_mlp.make_adapter(WIDE, 3, RANK, 5)
    section = setup.make_section(adapter, "mlp_4")
    ctx, graphs = _loaded(api, setup)
    assert apply(ctx, graphs["mlp_4"], section) == 0
    x4, x8 = (np.random.default_rng(n).standard_normal((n, WIDE[0])).astype(np.float32) for n in (4, 8))
    np.testing.assert_allclose(run(graphs["mlp_4"], setup.io["mlp_4"], x4, 1.0)[1],
                               lora_mlp.reference(x4, 1.0, setup.base, adapter), rtol=1e-5, atol=1e-5)
    zero = lora_mlp.zero_adapter(WIDE, RANK)
    np.testing.assert_allclose(run(graphs["mlp_8"], setup.io["mlp_8"], x8, 1.0)[1],
                               lora_mlp.reference(x8, 1.0, setup.base, zero), rtol=1e-5, atol=1e-5)


def test_weight_sharing_context_needs_a_section_before_execute(api):
    from qnnpy.QnnHtpContext import QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED, QnnHtpContext_CustomConfig_t
    setup = LoraSetup(api, DIMS, RANK)
    section = setup.make_section(lora_mlp.make_adapter(DIMS, 2, RANK, 3), "mlp_4")
    blob = setup.base_binary
    sharing = QnnHtpContext_CustomConfig_t(QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED,
                                           loraWeightSharingEnabled=True)
    config = [QnnContext.QnnContext_Config_t(QnnContext.QNN_CONTEXT_CONFIG_OPTION_CUSTOM, customConfig=sharing)]
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, config, blob, len(blob), None)
    assert err == 0
    _, g = QnnGraph.QnnGraph_retrieve(ctx, "mlp_4")
    x = np.ones((4, DIMS[0]), np.float32)
    assert run(g, setup.io["mlp_4"], x, 1.0)[0] == QnnContext.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
    assert "apply an adapter" in api.errors()[-1]
    assert apply(ctx, g, section) == 0
    assert run(g, setup.io["mlp_4"], x, 1.0)[0] == 0


def test_updates_wait_for_finalize_and_are_checked(api):
    from qnnpy import QnnTensor
    from qnnpy.builder import make_tensor
    from qnnpy.QnnTypes import QNN_DATATYPE_FLOAT_16, QNN_DATATYPE_FLOAT_32
    setup = LoraSetup(api, DIMS, RANK)
    g, io = setup.graphs["mlp_4"], setup.io["mlp_4"]
    x = np.ones((4, DIMS[0]), np.float32)
    before = run(g, io, x, 1.0)[1]
    adapter = lora_mlp.make_adapter(DIMS, 2, RANK, 4)
    assert setup.update(adapter, "mlp_4") == 0
    assert np.array_equal(run(g, io, x, 1.0)[1], before)            # not before finalize
    assert QnnGraph.QnnGraph_finalize(g, None, None) == 0
    np.testing.assert_allclose(run(g, io, x, 1.0)[1], lora_mlp.reference(x, 1.0, setup.base, adapter),
                               rtol=1e-5, atol=1e-5)
    weights = setup.weights_of["mlp_4"]

    def struct(name, kind=None, dtype=QNN_DATATYPE_FLOAT_32, data=None):
        ref = weights[name]
        data = np.zeros([int(d) for d in ref.v1.dimensions], np.float32) if data is None else data
        t = make_tensor(name, kind or ref.v1.type, dtype, data.shape, data)
        t.v1.id = ref.v1.id
        return t

    cases = [
        (struct("layers.0.weight"), QnnTensor.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE, "only UPDATEABLE"),
        (struct("layers.0.lora_A.weight", dtype=QNN_DATATYPE_FLOAT_16, data=np.zeros((RANK, 16), np.float16)),
         QnnTensor.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE, "FLOAT_16"),
        (struct("layers.0.lora_A.weight", data=np.zeros((RANK, 8), np.float32)),
         QnnTensor.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE, "dims [4, 8]"),
    ]
    for t, code, words in cases:
        assert QnnTensor.QnnTensor_updateGraphTensors(g, [struct("layers.1.lora_B.weight"), t], 2) == code
        assert words in api.errors()[-1]
    ghost = struct("layers.0.lora_A.weight")
    ghost.v1.id = 9999
    assert QnnTensor.QnnTensor_updateGraphTensors(g, [ghost], 1) == QnnTensor.QNN_TENSOR_ERROR_DOES_NOT_EXIST
    # nothing of the refused calls was queued: finalize has nothing to commit (the real backend's
    # NOT_SUPPORTED for finalizing a finalized graph) and the adapter stays as it was
    after = run(g, io, x, 1.0)[1]
    assert QnnGraph.QnnGraph_finalize(g, None, None) == QnnGraph.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE
    assert np.array_equal(run(g, io, x, 1.0)[1], after)
    unfinalized = api.graph("fresh")
    assert QnnTensor.QnnTensor_updateGraphTensors(unfinalized, [ghost], 1) == QnnGraph.QNN_GRAPH_ERROR_GRAPH_NOT_FINALIZED


def test_weights_only_and_quant_only_sections(api):
    setup = LoraSetup(api, DIMS, RANK)
    adapter = lora_mlp.make_adapter(DIMS, 3, RANK, 8)
    weights_only = setup.make_section(adapter, "mlp_4", QNN_CONTEXT_SECTION_UPDATABLE_WEIGHTS)
    full = setup.make_section(adapter, "mlp_4")
    ctx, graphs = _loaded(api, setup)
    x = np.ones((4, DIMS[0]), np.float32)
    assert apply(ctx, graphs["mlp_4"], weights_only, QNN_CONTEXT_SECTION_UPDATABLE_WEIGHTS) == 0
    via_weights = run(graphs["mlp_4"], setup.io["mlp_4"], x, 1.0)[1]
    assert apply(ctx, graphs["mlp_4"], full) == 0
    assert np.array_equal(run(graphs["mlp_4"], setup.io["mlp_4"], x, 1.0)[1], via_weights)
    # a float model has no encodings, so a quant-params-only section would carry nothing
    err, _ = QnnContext.QnnContext_getBinarySectionSize(api.context, setup.graphs["mlp_4"],
                                                        QNN_CONTEXT_SECTION_UPDATABLE_QUANT_PARAMS)
    assert err == QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
    assert "no quantization encodings" in api.errors()[-1]


def test_binary_info_of_a_section(api):
    setup = LoraSetup(api, DIMS, RANK, seqs=(4, 8), shared=True)
    section = setup.make_section(lora_mlp.make_adapter(DIMS, 3, RANK, 9), None)
    _, sysctx = QnnSystemContext.QnnSystemContext_create()
    err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, section, len(section))
    assert err == 0
    graphs = {g.graphInfoV3.graphName: g.graphInfoV3 for g in info.contextBinaryInfoV3.graphs}
    assert set(graphs) == {"mlp_4", "mlp_8"}
    names = {t.v2.name for t in graphs["mlp_4"].updateableTensors}
    assert names == {f"layers.{i}.lora_{ab}.weight" for i in range(2) for ab in "AB"}
    # every graph input and output, as the base binary lists them (Genie refreshes by position)
    err, base, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, setup.base_binary, len(setup.base_binary))
    base_graphs = {g.graphInfoV3.graphName: g.graphInfoV3 for g in base.contextBinaryInfoV3.graphs}
    for name, g in graphs.items():
        for ours, theirs in ((g.graphInputs, base_graphs[name].graphInputs), (g.graphOutputs, base_graphs[name].graphOutputs)):
            assert [(t.v2.name, t.v2.id) for t in ours] == [(t.v2.name, t.v2.id) for t in theirs]


@pytest.mark.parametrize("seed", range(6))
def test_random_call_sequences_keep_the_invariants(api, seed):
    """apply / execute / update / finalize / getBinarySection in random order: outputs always
    equal the reference of the last adapter that took effect."""
    rng = np.random.default_rng(seed)
    setup = LoraSetup(api, DIMS, RANK)
    g, io = setup.graphs["mlp_4"], setup.io["mlp_4"]
    adapters = [lora_mlp.make_adapter(DIMS, int(rng.integers(1, RANK + 1)), RANK, s) for s in range(3)]
    sections = {}
    current = lora_mlp.zero_adapter(DIMS, RANK)
    pending = None
    x = rng.standard_normal((4, DIMS[0])).astype(np.float32)
    for _ in range(25):
        action = rng.choice(["update", "finalize", "section", "apply", "execute", "bad_apply"])
        k = int(rng.integers(0, 3))
        if action == "update":
            assert setup.update(adapters[k], "mlp_4") == 0
            pending = adapters[k]
        elif action == "finalize":  # only queued updates make a finalized graph finalizable again
            expected = 0 if pending is not None else QnnGraph.QNN_GRAPH_ERROR_UNSUPPORTED_FEATURE
            assert QnnGraph.QnnGraph_finalize(g, None, None) == expected
            current, pending = (pending, None) if pending is not None else (current, None)
        elif action == "section":
            sections[k] = setup.make_section(adapters[k], "mlp_4")
            current, pending = adapters[k], None
        elif action == "apply" and k in sections:
            assert apply(api.context, g, sections[k]) == 0
            current = adapters[k]
        elif action == "bad_apply" and k in sections:
            assert apply(api.context, g, sections[k][:-3]) != 0
        err, out = run(g, io, x, 0.5)
        np.testing.assert_allclose(out, lora_mlp.reference(x, 0.5, setup.base, current), rtol=1e-5, atol=1e-5)


def test_applied_adapter_matches_onnxruntime_with_the_adapter_as_inputs(api):
    """onnxruntime, fed the adapter's A/B as the inputs that override its LoRA initializers,
    is a second, independent oracle."""
    import onnxruntime as ort
    setup = LoraSetup(api, DIMS, RANK)
    adapter = lora_mlp.make_adapter(DIMS, 3, RANK, 11)
    section = setup.make_section(adapter, "mlp_4")
    ctx, graphs = _loaded(api, setup)
    assert apply(ctx, graphs["mlp_4"], section) == 0
    x = np.random.default_rng(1).standard_normal((4, DIMS[0])).astype(np.float32)
    err, out = run(graphs["mlp_4"], setup.io["mlp_4"], x, 0.8)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(lora_mlp.onnx_model(setup.base, RANK, 4).SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    peer = session.run(None, {"x": x, "alpha": np.array([0.8], np.float32), **adapter})[0]
    np.testing.assert_allclose(out, peer, rtol=1e-5, atol=1e-5)


def test_free_releases_persistent_section_buffers(api, tmp_path):
    import mmap
    setup = LoraSetup(api, DIMS, RANK)
    path = tmp_path / "a.bin"
    path.write_bytes(setup.make_section(lora_mlp.make_adapter(DIMS, 2, RANK, 1), "mlp_4"))
    ctx, graphs = _loaded(api, setup)
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    assert apply(ctx, graphs["mlp_4"], mapped) == 0
    run(graphs["mlp_4"], setup.io["mlp_4"], np.ones((4, DIMS[0]), np.float32), 1.0)
    assert QnnContext.QnnContext_free(ctx, None) == 0
    mapped.close()  # BufferError if qnnpy still held a view of the section


def test_sections_can_be_made_from_a_context_loaded_from_a_binary(api):
    """The LoRA offline flow builds sections from a context made "from scratch or from binary";
    tensor ids survive serialization, so the structs registered originally still name them."""
    from qnnpy import lora
    setup = LoraSetup(api, DIMS, RANK)
    ctx, graphs = _loaded(api, setup)
    adapter = lora_mlp.make_adapter(DIMS, 2, RANK, 12)
    section = lora.make_section(ctx, graphs["mlp_4"], lora.update_structs(setup.weights_of["mlp_4"], adapter))
    assert QnnContext.QnnContext_getBinarySize(ctx)[0] == QnnContext.QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED
    ctx2, graphs2 = _loaded(api, setup)
    assert apply(ctx2, graphs2["mlp_4"], section) == 0
    x = np.ones((4, DIMS[0]), np.float32)
    np.testing.assert_allclose(run(graphs2["mlp_4"], setup.io["mlp_4"], x, 1.0)[1],
                               lora_mlp.reference(x, 1.0, setup.base, adapter), rtol=1e-5, atol=1e-5)


def test_updates_name_the_right_scope(api):
    from qnnpy import QnnTensor, lora
    setup = LoraSetup(api, DIMS, RANK, shared=True)
    adapter = lora_mlp.make_adapter(DIMS, 2, RANK, 1)
    structs = lora.update_structs(setup.weights, adapter)
    assert QnnTensor.QnnTensor_updateGraphTensors(setup.graphs["mlp_4"], structs, len(structs)) == \
        QnnTensor.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM
    assert "QnnTensor_updateContextTensors" in api.errors()[-1]
    assert QnnTensor.QnnTensor_updateContextTensors(api.context, structs, len(structs)) == 0


def test_a_section_applied_again_is_recalled_and_still_gives_the_reference(api, monkeypatch):
    """Applying the same bytes again (same checksum and size, same graphs) skips reading and
    checking the metadata; the result is still the merged-weight reference for each adapter,
    from an immutable or a mutable buffer. Bytes that differ — another adapter, or the same
    section with one data byte changed and its checksum made valid again — are read and
    checked afresh, and their data takes effect."""
    import struct

    from qnnpy.htp import container
    setup = LoraSetup(api, DIMS, RANK)
    a, b = (lora_mlp.make_adapter(DIMS, r, RANK, s) for s, r in ((1, 4), (2, 3)))
    sec_a, sec_b = setup.make_section(a, "mlp_4"), setup.make_section(b, "mlp_4")
    ctx, graphs = _loaded(api, setup)
    g, io = graphs["mlp_4"], setup.io["mlp_4"]
    parsed = []
    real_parse = container.parse
    monkeypatch.setattr(container, "parse", lambda *args, **kw: parsed.append(1) or real_parse(*args, **kw))
    x = np.random.default_rng(3).standard_normal((4, DIMS[0])).astype(np.float32)
    for section, adapter in ((sec_a, a), (sec_b, b), (sec_a, a), (bytearray(sec_b), b), (sec_a, a)):
        assert apply(ctx, g, section) == 0
        ref = lora_mlp.reference(x, 0.6, setup.base, adapter)
        np.testing.assert_allclose(run(g, io, x, 0.6)[1], ref, rtol=1e-5, atol=1e-5)
    assert len(parsed) == 2  # each section's bytes were checked once
    changed = bytearray(sec_a)
    changed[-8] ^= 0x40  # a byte of the last weight blob
    struct.pack_into("<Q", changed, container.CHECKSUM_AT, container.checksum(memoryview(changed)))
    before = run(g, io, x, 0.6)[1]
    assert apply(ctx, g, changed) == 0 and len(parsed) == 3
    assert not np.array_equal(run(g, io, x, 0.6)[1], before)
