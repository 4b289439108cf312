"""QnnSystemTensor_getMemoryFootprint from C (tests/c/tensor_footprint.c) on qnnpy's
libQnnSystem.so and, with the oracle extra, on the real one: the same code and byte count for
every tensor, including the ones the real library refuses."""
import pytest

from tests.shim.conftest import run

try:
    import onnxruntime_qnn
    import pathlib
    REAL_SYSTEM = pathlib.Path(onnxruntime_qnn.get_qnn_htp_path()).parent / "libQnnSystem.so"
except ImportError:
    REAL_SYSTEM = None

# worked out by hand from each tensor's shape and element size
EXPECTED = {"float32_2x3x5": (0, 120), "float16_2x3x5": (0, 60), "ufixed8_2x3x5": (0, 30), "sfixed16_7": (0, 14),
            "int64_2x3x5": (0, 240), "uint32_7": (0, 28), "bool8_2x3x5": (0, 30),
            "float32_beyond_4gib": (0, 65536 * 65536 * 4 * 4), "version_2": (0, 120), "rank_0": (0, 4)}


def footprints(exe, library) -> dict:
    done = run(exe, library)
    assert done.returncode == 0, done.stderr[-2000:]
    return {label: (int(code), int(size)) for _, label, code, size in
            (line.split() for line in done.stdout.splitlines() if line.startswith("case "))}


def test_footprints_of_dense_tensors_and_refusals(shim, harness):
    ours = footprints(harness("tensor_footprint"), shim / "libQnnSystem.so")
    assert {k: ours[k] for k in EXPECTED} == EXPECTED
    refused = {k: v for k, v in ours.items() if k not in EXPECTED}
    assert refused == {**{k: (30002, 0) for k in ("ufixed4_2x3x5", "string_7", "undefined_type", "null_dims",
                                                  "sparse")}, "null_out": (30001, 0)}


@pytest.mark.skipif(REAL_SYSTEM is None, reason="the oracle extra (onnxruntime-qnn) is not installed")
def test_footprints_equal_the_real_system_library(shim, harness):
    exe = harness("tensor_footprint")
    assert footprints(exe, shim / "libQnnSystem.so") == footprints(exe, REAL_SYSTEM)
