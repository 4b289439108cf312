"""The same C misuse harness (tests/c/conformance.c) on qnnpy's libQnnHtp.so and, when the oracle
extra is installed, on the real x86-64 HTP backend of the onnxruntime-qnn wheel: qnnpy never
crashes or hangs, and it returns the real backend's code for every call except the documented
ones below, where the real backend accepts bad input silently, crashes, or answers GENERAL.
The agreement table is printed (``pytest -s``) and summarized in docs/qnn-facts.md."""
import pathlib
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

try:
    import onnxruntime_qnn
    REAL_HTP = pathlib.Path(onnxruntime_qnn.get_qnn_htp_path())
except ImportError:
    REAL_HTP = None

# label -> (qnnpy's code, why it differs from the real backend's answer)
DIFFERENCES = {
    "execute_wrong_dtype": (6004, "real: 0, reads the bytes as the registered type"),
    "execute_small_buffer": (6000, "real: 0, reads past the end of the client's buffer"),
    "tensorCreate_static_wrong_size": (7004, "real: 0, static data shorter than its dims is taken"),
    "createFromBinary_flip_header": (30001, "real: 0, its format has no checksum; qnnpy's magic is at byte 2"),
    "createFromBinary_flip_last_byte": (5005, "real: 0, its format has no checksum"),
    "profileCreate_bad_level": (1004, "real: 0, an undefined profiling level is taken"),
    "getBinarySectionSize_not_updatable": (5000, "real: 0, a size for a graph with no updatable tensor"),
    "finalize_with_bad_node": (6005, "qnnpy refuses the node at addNode; real takes it and fails finalize (1002)"),
    "addNode_unknown_type": (6005, "qnnpy refuses at addNode; real takes it and fails at finalize"),
    "addNode_unknown_param": (6005, "qnnpy refuses at addNode; real takes it and fails at finalize"),
    "addNode_after_finalize": (6024, "real: GENERAL (1100)"),
    "graphCreate_null_out": (6000, "real: crashes (SIGSEGV)"),
    "memRegister_null": (8000, "real x86: QnnMem is NOT_SUPPORTED (1000); qnnpy emulates shared memory"),
    "memDeRegister_null": (8000, "real x86: QnnMem is NOT_SUPPORTED (1000); qnnpy emulates shared memory"),
    # the x86 build claims the signal capabilities but answers signalCreate NOT_SUPPORTED, so the
    # cases that need a signal end early there (exit:1)
    "signalCreate_null_out": (9002, "real x86: signalCreate is NOT_SUPPORTED (1000)"),
    "signalTrigger_idle": (9001, "real x86: no signal can be created"),
    "signalFree_twice": (9003, "real x86: no signal can be created"),
    "execute_with_idle_abort_signal": (0, "real x86: no signal can be created"),
    "execute_with_generous_timeout": (0, "real x86: no signal can be created"),
}
SUCCEEDS = {"execute_ok", "createFromBinary_own", "graphRetrieve_ok", "execute_with_idle_abort_signal",
            "execute_with_generous_timeout", "globalConfigSet_null", "globalConfigSet_machine_device"}


def _outcome(exe, library, index) -> str:
    """The case's error code, or how its process ended when it printed none."""
    try:
        done = subprocess.run([str(exe), str(library), str(index)], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "hang"
    if done.returncode < 0:
        return f"crash:{-done.returncode}"
    found = re.search(r"^case \S+ (\d+)$", done.stdout, re.M)
    return found.group(1) if found else f"exit:{done.returncode}"


def _outcomes(exe, library, count) -> list[str]:
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda i: _outcome(exe, library, i), range(count)))


@pytest.fixture(scope="module")
def cases(harness):
    exe = harness("conformance")
    listed = subprocess.run([str(exe)] + ["unused"], capture_output=True, text=True, check=True).stdout
    labels = [line.split()[2] for line in listed.splitlines() if line.startswith("case ")]
    assert len(labels) >= 70 and set(DIFFERENCES) <= set(labels) and SUCCEEDS <= set(labels)
    return exe, labels


@pytest.fixture(scope="module")
def ours(shim, cases) -> dict:
    exe, labels = cases
    return dict(zip(labels, _outcomes(exe, shim / "libQnnHtp.so", len(labels))))


# an SoC without an HTP makes QnnBackend_create fail, so the harness stops before its case
FAILS_TO_COMPOSE = {"globalConfigSet_soc_unassigned"}


def test_qnnpy_answers_every_case_with_a_code(ours):
    assert {k: v for k, v in ours.items() if not v.isdigit()} == {k: "exit:1" for k in FAILS_TO_COMPOSE}
    assert {label for label, code in ours.items() if code == "0"} == SUCCEEDS
    assert {label: int(ours[label]) for label in DIFFERENCES} == {label: want for label, (want, _) in DIFFERENCES.items()}


@pytest.mark.skipif(REAL_HTP is None, reason="the oracle extra (onnxruntime-qnn) is not installed")
def test_codes_agree_with_the_real_backend_except_the_documented_cases(cases, ours):
    exe, labels = cases
    ours = [ours[label] for label in labels]
    real = _outcomes(exe, REAL_HTP, len(labels))
    print(f"\n{'case':40s} {'real':>10s} {'qnnpy':>10s}")
    for label, r, o in zip(labels, real, ours):
        print(f"{label:40s} {r:>10s} {o:>10s} {'' if r == o else DIFFERENCES.get(label, ('', 'UNDOCUMENTED'))[1]}")
    agree = sum(r == o for r, o in zip(real, ours))
    print(f"agreement: {agree} of {len(labels)} calls")
    differing = {label for label, r, o in zip(labels, real, ours) if r != o}
    assert differing == set(DIFFERENCES), (f"undocumented: {sorted(differing - set(DIFFERENCES))}; "
                                          f"now agreeing: {sorted(set(DIFFERENCES) - differing)}")
