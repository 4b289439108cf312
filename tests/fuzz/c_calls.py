"""The C tables fuzzed through the shim: tests/c/fuzz_calls.c calls every core and system
function with hostile values of each parameter's kind (tests/shim/signatures.py), each call
in a forked child. Outcomes: precise codes, success, GENERAL, crash (a signal), hang, and
non-atomic (a refused call that changed what the live context serializes to)."""
import collections
import pathlib
import subprocess
import tempfile

from tests.fuzz import GENERAL
from tests.shim.signatures import table_kinds

ROOT = pathlib.Path(__file__).resolve().parents[2]


def kinds_argument() -> str:
    return ",".join(k or "-" for _, k in table_kinds("QnnInterface.h") + table_kinds("System/QnnSystemInterface.h"))


def compile_harness(folder: pathlib.Path) -> pathlib.Path:
    exe = folder / "fuzz_calls"
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'include'}", f"-I{ROOT / 'tests' / 'c'}",
                    "-o", str(exe), str(ROOT / "tests" / "c" / "fuzz_calls.c"), "-ldl", "-lm", "-pthread"],
                   check=True, capture_output=True)
    return exe


def run_with(exe, shim: pathlib.Path, cases: int, seed: int) -> tuple[collections.Counter, dict]:
    names = [n for n, _ in table_kinds("QnnInterface.h") + table_kinds("System/QnnSystemInterface.h")]
    out = subprocess.run([str(exe), str(shim / "libQnnHtp.so"), str(shim / "libQnnSystem.so"), str(cases), str(seed),
                          kinds_argument()], capture_output=True, text=True, timeout=3600)
    counts, examples = collections.Counter(), {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[0].isdigit():
            continue
        entry, result = names[int(parts[0])], parts[1]
        outcome = ("skipped" if result == "skipped" else "crash" if result == "signal" else "hang" if result == "hang"
                   else "non-atomic" if result == "nonatomic" else "success" if result == "0"
                   else "GENERAL" if int(result) == GENERAL else "precise")
        if outcome != "skipped":
            counts[outcome] += 1
            examples.setdefault(outcome, entry)
    if out.returncode != 0:
        counts["escaped"] += 1
        examples.setdefault("escaped", out.stderr[-300:])
    return counts, examples


def run(cases: int, seed: int = 0) -> tuple[collections.Counter, dict]:
    """Builds the shim and the harness in a scratch folder, then fuzzes."""
    from qnnpy.shim.build import build
    with tempfile.TemporaryDirectory() as scratch:
        folder = pathlib.Path(scratch)
        build(str(folder / "shim"))
        return run_with(compile_harness(folder), folder / "shim", cases, seed)
