"""Soak: load a context binary, apply adapter sections, execute and free, over and over;
the process's resident memory must stay flat once warm (no handle, view or cache kept)."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.examples import lora_mlp
from tests.lora_support import LoraSetup, apply, run
from tests.support import fresh_api


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cycles(count: int) -> tuple[float, float]:
    """(resident MB after a warm-up of count // 10 cycles, resident MB at the end)."""
    dims = [16, 64, 16]
    with fresh_api() as api:
        setup = LoraSetup(api, dims, max_rank=4)
        sections = [setup.make_section(lora_mlp.make_adapter(dims, 4, 4, seed), "mlp_4") for seed in (1, 2)]
        io = setup.io["mlp_4"]
        base = setup.base_binary
    x = np.random.default_rng(0).standard_normal((4, dims[0])).astype(np.float32)
    warm = None
    for k in range(count):
        if k == max(1, count // 10):
            warm = rss_mb()
        _, backend = QnnBackend.QnnBackend_create(None, None)
        _, context = QnnContext.QnnContext_createFromBinary(backend, None, None, base, len(base), None)
        _, graph = QnnGraph.QnnGraph_retrieve(context, "mlp_4")
        for section in sections:
            assert apply(context, graph, section) == 0
            assert run(graph, io, x, 1.0)[0] == 0
        QnnContext.QnnContext_free(context, None)
        QnnBackend.QnnBackend_free(backend)
    return warm if warm is not None else rss_mb(), rss_mb()
