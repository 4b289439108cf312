"""The shim libraries, built once per test session, and the C harnesses compiled against them."""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
HARNESSES = ROOT / "tests" / "c"

if shutil.which("gcc") is None:
    pytest.skip("the C ABI tests need gcc", allow_module_level=True)


@pytest.fixture(scope="session")
def harness(tmp_path_factory):
    """compile(name) -> path of the executable built from tests/c/<name>.c."""
    folder = tmp_path_factory.mktemp("harness")

    def compile_(name: str) -> pathlib.Path:
        exe = folder / name
        if not exe.exists():
            build = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'include'}",
                                    f"-I{HARNESSES}", "-o", str(exe), str(HARNESSES / f"{name}.c"), "-ldl", "-lm", "-pthread"],
                                   capture_output=True, text=True)
            assert build.returncode == 0, build.stderr[-3000:]
        return exe
    return compile_


def run(exe, *args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
