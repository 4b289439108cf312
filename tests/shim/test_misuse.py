"""Harness (c): misuse through the C ABI returns the documented error codes (the Python API's
codes where the fact sheets name none), never crashes, and the reason reaches the client's
log callback (one line, through the va_list forwarder)."""
import numpy as np
import pytest

from qnnpy import QnnBackend, QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.QnnContext import QNN_CONTEXT_SECTION_UPDATABLE
from qnnpy.tools import lora_demo
from tests.shim.conftest import run

DOCUMENTED = {
    "getProviders_null_list": 1004, "getProviders_null_count": 1004,   # QNN_INTERFACE_ERROR_INVALID_PARAMETER
    "logCreate_null_out": 11004, "logged_for_corrupt": 1, "log_mentions_checksum": 1,
    "backendCreate_null_out": 4004, "backendFree_twice": 4011, "getApiVersion_null": 4004,
    "contextCreate_freed_backend": 5002, "contextCreate_null_out": 5000, "contextFree_twice": 5002,
    "createFromBinary_null_buffer": 5000, "createFromBinary_truncated": 30010, "createFromBinary_corrupt": 5005,
    "graphRetrieve_null_name": 6003, "graphRetrieve_unknown": 6003, "graphRetrieve_freed_context": 6001,
    "graphExecute_null_inputs": 6000, "applyBinarySection_null_buffer": 5000,
    "getBinaryInfo_corrupt": 30010, "getBinaryInfo_null_out": 30001,
    "systemContextFree_twice_first": 0, "systemContextFree_twice_second": 30000,
    "unimplemented_prepareExecutionEnvironment": 1000,  # the slot is set and answers NOT_SUPPORTED (no NULL slots)
    "exported_prepareExecutionEnvironment": 1000,      # the exported symbol answers NOT_SUPPORTED
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("misuse")
    lora_demo.write_inputs(str(folder))
    return lora_demo.offline(str(folder), "fp32", False)["base"]


def _python_codes(base_path) -> dict:
    """The same two misuses through the Python API."""
    blob = open(base_path, "rb").read()
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, ctx = QnnContext.QnnContext_createFromBinary(backend, None, None, blob, len(blob), None)
    _, graph = QnnGraph.QnnGraph_retrieve(ctx, "fp32")
    info = lora.binary_info(blob).contextBinaryInfoV3.graphs[0].graphInfoV3
    small = [io_tensor(t, np.zeros(1, np.float32)) for t in info.graphInputs]
    codes = {"graphExecute_wrong_size": int(QnnGraph.QnnGraph_execute(
        graph, small, len(small), [io_tensor(info.graphOutputs[0], np.zeros(4, np.float32))], 1, None, None)),
             "applyBinarySection_base_as_section": int(QnnContext.QnnContext_applyBinarySection(
                 ctx, graph, QNN_CONTEXT_SECTION_UPDATABLE, lora.section_buffer(blob), None, None))}
    QnnBackend.QnnBackend_free(backend)
    return codes


def test_misuse_returns_codes_and_never_crashes(shim, harness, base):
    done = run(harness("misuse"), shim / "libQnnHtp.so", shim / "libQnnSystem.so", base, "fp32")
    assert done.returncode == 0, done.stderr[-3000:]
    got = dict(line.rsplit(" ", 1) for line in done.stdout.split("\n") if line)
    got = {label: int(code) for label, code in got.items()}
    assert got.pop("done") == 0
    expected = dict(DOCUMENTED, **_python_codes(base))
    assert got == expected
    assert all(code != 0 for label, code in expected.items() if label not in (
        "systemContextFree_twice_first", "unimplemented_prepareExecutionEnvironment", "logged_for_corrupt", "log_mentions_checksum"))
