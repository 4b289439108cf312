"""Harness: a C client registers a memfd-backed shared buffer (the HTP's SHARED_BUFFER regions)
and a DMA-BUF address, executes with MEMHANDLE tensors, and reads the outputs through its own
mappings; deRegister and stale handles get QnnMem's and QnnGraph's codes."""
from tests.shim.conftest import run


def test_c_client_executes_on_registered_shared_memory(shim, harness):
    done = run(harness("shared_memory"), shim / "libQnnHtp.so")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    relu = " ".join(str(max(i - 4, 0)) for i in range(8))  # x = -4 .. 3
    assert lines["shared"] == relu and lines["dma"] == relu
    assert (lines["register_again"], lines["deregister_twice"], lines["execute_stale_handle"]) == ("8002", "8001", "6004")
