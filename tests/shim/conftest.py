"""The C ABI tests need gcc (the shim and harness fixtures are in tests/conftest.py)."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HARNESSES = ROOT / "tests" / "c"

if shutil.which("gcc") is None:
    pytest.skip("the C ABI tests need gcc", allow_module_level=True)


def run(exe, *args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
