"""Executes racing adapter switches from other threads: every output is entirely the
result of one adapter (A's or B's), never a mix of the two (a torn apply)."""
import threading
import time

import numpy as np

from qnnpy.examples import lora_mlp
from tests.lora_support import LoraSetup, apply, run
from tests.test_lora import _loaded

DIMS, RANK = [8, 32, 32, 8], 4


def test_executes_racing_applies_see_one_adapter_or_the_other(api):
    setup = LoraSetup(api, DIMS, RANK)
    adapters = [lora_mlp.make_adapter(DIMS, RANK, RANK, seed) for seed in (1, 2)]
    sections = [setup.make_section(a, "mlp_4") for a in adapters]
    context, graphs = _loaded(api, setup)
    graph, io = graphs["mlp_4"], setup.io["mlp_4"]
    x = np.random.default_rng(0).standard_normal((4, DIMS[0])).astype(np.float32)
    expected = []
    for section in sections:
        assert apply(context, graph, section) == 0
        expected.append(run(graph, io, x, 1.0)[1])
    assert not np.array_equal(*expected)
    outputs, errors, done = [], [], threading.Event()

    def switcher():
        for k in range(300):
            errors.append(apply(context, graph, sections[k % 2]))
            seen = len(outputs)
            deadline = time.monotonic() + 5
            while len(outputs) == seen and time.monotonic() < deadline:  # let an execute see this adapter
                time.sleep(0)
        done.set()

    def executor():
        while not done.is_set() or len(outputs) < 50:
            err, out = run(graph, io, x, 1.0)
            errors.append(err)
            outputs.append(out)

    threads = [threading.Thread(target=switcher), threading.Thread(target=executor), threading.Thread(target=executor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert set(map(int, errors)) == {0}
    mixed = [o for o in outputs if not any(np.array_equal(o, e) for e in expected)]
    assert not mixed and len(outputs) >= 50
    assert all(any(np.array_equal(o, e) for o in outputs) for e in expected)  # both were seen
