"""Graph switching: under a memory limit, graphs load and evict on demand, adapters survive
eviction, and outputs are bit-identical to a context without a limit."""
import numpy as np
from hypothesis import given, settings, strategies as st

from qnnpy import QnnContext, QnnGraph, QnnProfile, QnnTensor, _handles, lora
from qnnpy.examples import lora_mlp
from qnnpy.QnnContext import (QNN_CONTEXT_CONFIG_ENABLE_GRAPHS, QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT,
                              QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT, QNN_CONTEXT_CONFIG_PERSISTENT_BINARY,
                              QnnContext_Config_t)
from tests.lora_support import LoraSetup, apply, run
from tests.support import fresh_api

DIMS, RANK, SEQS = [256, 256, 256], 8, (4, 8, 16)  # each graph ~0.6 MB: a 1 MB hint holds one


def _configs(limit_mb=1, persistent=True, extra=()):
    configs = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=int(persistent))]
    if limit_mb is not None:
        configs.append(QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, memoryLimitHint=limit_mb))
    return configs + list(extra)


def _load(api, blob, configs):
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, configs, blob, len(blob), None)
    assert err == 0, api.errors()
    return ctx, {f"mlp_{s}": QnnGraph.QnnGraph_retrieve(ctx, f"mlp_{s}")[1] for s in SEQS}


def _residency(ctx):
    return _handles.get(ctx, "context").residency


class World:
    """One offline setup: base binary plus two adapter sections per graph. Only bytes and
    tensor structs are kept, so every test loads them into contexts of its own."""

    def __init__(self):
        with fresh_api() as api:
            self.setup = LoraSetup(api, DIMS, RANK, seqs=SEQS)
            self.adapters = [lora_mlp.make_adapter(DIMS, r, RANK, seed) for seed, r in ((1, 8), (2, 3))]
            self.sections = {(name, k): self.setup.make_section(a, name)
                             for name in self.setup.graphs for k, a in enumerate(self.adapters)}


_WORLD = []


def _world() -> World:
    if not _WORLD:
        _WORLD.append(World())
    return _WORLD[0]


@settings(max_examples=60, deadline=None)
@given(actions=st.lists(st.tuples(st.sampled_from(["apply", "execute"]), st.sampled_from([f"mlp_{s}" for s in SEQS]),
                                  st.integers(0, 1)), min_size=1, max_size=14))
def test_switching_is_invisible_in_outputs_and_stays_under_the_hint(actions):
    with fresh_api() as api:
        world = _world()
        blob = world.setup.base_binary
        free_ctx, free = _load(api, blob, None)
        tight_ctx, tight = _load(api, blob, _configs(limit_mb=1))
        residency = _residency(tight_ctx)
        for action, name, k in actions:
            if action == "apply":
                section = world.sections[(name, k)]
                assert apply(free_ctx, free[name], section) == 0
                assert apply(tight_ctx, tight[name], section) == 0
            else:
                seq = int(name.split("_")[1])
                x = np.random.default_rng(seq).standard_normal((seq, DIMS[0])).astype(np.float32)
                err_a, a = run(free[name], world.setup.io[name], x, 0.9)
                err_b, b = run(tight[name], world.setup.io[name], x, 0.9)
                assert err_a == err_b == 0 and np.array_equal(a, b)
            assert residency.total_bytes() <= 1 << 20
            assert len(residency.loaded) == 1


def test_graphs_load_lazily_and_reapply_their_adapter(api):
    world = _world()
    ctx, graphs = _load(api, world.setup.base_binary, _configs(limit_mb=1))
    residency = _residency(ctx)
    assert list(residency.loaded) == ["mlp_4"]  # only the first graph at creation
    assert apply(ctx, graphs["mlp_8"], world.sections[("mlp_8", 0)]) == 0  # loads mlp_8, evicts mlp_4
    assert list(residency.loaded) == ["mlp_8"] and residency.evictions == 1
    _, prof = QnnProfile.QnnProfile_create(api.backend, QnnProfile.QNN_PROFILE_LEVEL_BASIC)
    x = np.ones((4, DIMS[0]), np.float32)
    out4 = np.zeros((4, DIMS[-1]), np.float32)
    from qnnpy.builder import io_tensor
    io = world.setup.io["mlp_4"]
    assert QnnGraph.QnnGraph_execute(graphs["mlp_4"], [io_tensor(io["x"], x), io_tensor(io["alpha"], np.ones(1, np.float32))],
                                     2, [io_tensor(io["y"], out4)], 1, prof, None) == 0
    _, events, _ = QnnProfile.QnnProfile_getEvents(prof)
    idents = [QnnProfile.QnnProfile_getEventData(e)[1].identifier for e in events]
    assert "evict:mlp_8" in idents and "load:mlp_4" in idents
    x8 = np.ones((8, DIMS[0]), np.float32)
    _, out8 = run(graphs["mlp_8"], world.setup.io["mlp_8"], x8, 1.0)  # reloads mlp_8, re-applies adapter 0
    assert residency.reapplies == 1
    np.testing.assert_allclose(out8, lora_mlp.reference(x8, 1.0, world.setup.base, world.adapters[0]),
                               rtol=1e-5, atol=1e-5)


def test_a_changed_persistent_binary_is_detected_at_reload(api):
    world = _world()
    blob = bytearray(world.setup.base_binary)
    ctx, graphs = _load(api, blob, _configs(limit_mb=1))
    x = np.ones((8, DIMS[0]), np.float32)
    assert run(graphs["mlp_8"], world.setup.io["mlp_8"], x, 1.0)[0] == 0  # mlp_8 in, mlp_4 out
    from qnnpy.htp.context_binary import graph_data_ranges
    residency = _residency(ctx)
    offset, nbytes = graph_data_ranges(residency.context.graphs["mlp_16"].entry)[0]
    start = residency.parsed.data_offset + offset
    blob[start:start + 16] = bytes(b ^ 0x5A for b in blob[start:start + 16])  # the client scribbles
    err, _ = run(graphs["mlp_16"], world.setup.io["mlp_16"], np.ones((16, DIMS[0]), np.float32), 1.0)
    assert err == QnnGraph.QNN_GRAPH_ERROR_GENERAL and "persistent context binary changed" in api.errors()[-1]
    # the graphs share their weights (stored once in the binary): mlp_8, evicted to make room,
    # reads the scribbled bytes too and is refused the same way rather than run on them
    assert run(graphs["mlp_8"], world.setup.io["mlp_8"], x, 1.0)[0] == QnnGraph.QNN_GRAPH_ERROR_GENERAL
    assert "'mlp_8' cannot be reloaded" in api.errors()[-1]


def test_a_changed_persistent_section_is_detected_at_reapply(api):
    world = _world()
    ctx, graphs = _load(api, world.setup.base_binary, _configs(limit_mb=1))
    section = bytearray(world.sections[("mlp_4", 0)])
    assert apply(ctx, graphs["mlp_4"], section) == 0
    assert run(graphs["mlp_8"], world.setup.io["mlp_8"], np.ones((8, DIMS[0]), np.float32), 1.0)[0] == 0
    section[-8] ^= 0xFF
    err, _ = run(graphs["mlp_4"], world.setup.io["mlp_4"], np.ones((4, DIMS[0]), np.float32), 1.0)
    assert err == QnnGraph.QNN_GRAPH_ERROR_GENERAL and "re-applied" in api.errors()[-1]


def test_switching_needs_a_persistent_binary_and_refuses_tensor_updates(api):
    world = _world()
    blob = world.setup.base_binary
    err, _ = QnnContext.QnnContext_createFromBinary(api.backend, None, _configs(persistent=False), blob, len(blob), None)
    assert err == QnnContext.QNN_CONTEXT_ERROR_INVALID_CONFIG and "PERSISTENT_BINARY" in api.errors()[-1]
    ctx, graphs = _load(api, blob, _configs(limit_mb=1))
    structs = lora.update_structs(world.setup.weights_of["mlp_4"], world.adapters[0])
    assert QnnTensor.QnnTensor_updateGraphTensors(graphs["mlp_4"], structs, len(structs)) == 1000
    assert "apply binary sections instead" in api.errors()[-1]


def test_a_graph_larger_than_the_hint_still_loads_with_a_warning(api):
    setup = LoraSetup(api, [512, 512, 512], RANK, seqs=(4, 8))  # ~2 MB a graph
    ctx, graphs = _load_pair(api, setup.base_binary)
    err, _ = run(graphs["mlp_8"], setup.io["mlp_8"], np.ones((8, 512), np.float32), 1.0)
    assert err == 0
    assert any("more than the 1 MiB memory limit hint" in text for level, text in api.lines if level == 2)


def _load_pair(api, blob):
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, _configs(limit_mb=1), blob, len(blob), None)
    assert err == 0
    return ctx, {n: QnnGraph.QnnGraph_retrieve(ctx, n)[1] for n in ("mlp_4", "mlp_8")}


def test_enable_graphs_keeps_only_the_named_graphs(api):
    world = _world()
    blob = world.setup.base_binary
    configs = _configs(limit_mb=None, extra=[QnnContext_Config_t(QNN_CONTEXT_CONFIG_ENABLE_GRAPHS,
                                                                 enableGraphs=["mlp_8", None])])
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, configs, blob, len(blob), None)
    assert err == 0
    assert QnnGraph.QnnGraph_retrieve(ctx, "mlp_8")[0] == 0
    assert QnnGraph.QnnGraph_retrieve(ctx, "mlp_4")[0] == QnnGraph.QNN_GRAPH_ERROR_DISABLED
    assert QnnGraph.QnnGraph_retrieve(ctx, "nope")[0] == QnnGraph.QNN_GRAPH_ERROR_INVALID_NAME  # as the real backend


def test_deferred_init_builds_graphs_on_retrieve_or_finalize(api):
    world = _world()
    blob = world.setup.base_binary
    configs = _configs(limit_mb=None, extra=[QnnContext_Config_t(QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT,
                                                                 isGraphInitDeferred=1)])
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, configs, blob, len(blob), None)
    residency = _residency(ctx)
    assert err == 0 and not residency.loaded
    _, g8 = QnnGraph.QnnGraph_retrieve(ctx, "mlp_8")
    assert list(residency.loaded) == ["mlp_8"]
    assert QnnContext.QnnContext_finalize(ctx, None) == 0
    assert sorted(residency.loaded) == ["mlp_16", "mlp_4", "mlp_8"]
    assert run(g8, world.setup.io["mlp_8"], np.ones((8, DIMS[0]), np.float32), 1.0)[0] == 0


def test_net_run_context_configs_turn_on_graph_switching(api):
    import pytest
    from qnnpy.tools.netrun_config import ConfigError, context_configs
    world = _world()
    blob = world.setup.base_binary
    configs = context_configs({"memory_limit_hint": 1, "is_persistent_binary": True, "context_priority": "high",
                               "enable_graphs": ["mlp_4", "mlp_8"], "cache_compatibility_mode": "strict"})
    err, ctx = QnnContext.QnnContext_createFromBinary(api.backend, None, configs, blob, len(blob), None)
    assert err == 0 and _residency(ctx).limit == 1 << 20
    assert QnnGraph.QnnGraph_retrieve(ctx, "mlp_16")[0] == QnnGraph.QNN_GRAPH_ERROR_DISABLED
    for bad, words in (({"memory_limit_hint": -1}, "non-negative"), ({"is_persistent_binary": "yes"}, "true or false"),
                       ({"context_priority": "urgent"}, "one of"), ({"enable_graph": ["a"]}, "unknown")):
        with pytest.raises(ConfigError, match=words):
            context_configs(bad)
