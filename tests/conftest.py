import pathlib
import shutil
import subprocess

import pytest
from hypothesis import settings

from tests.support import fresh_api

# The suite is deterministic (CI and a newcomer see the same examples); property searches that
# go looking for new failures run with `python -m pytest tests --hypothesis-profile=explore`.
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("deterministic")


@pytest.fixture
def api():
    with fresh_api() as a:
        yield a


@pytest.fixture(scope="session")
def shim(tmp_path_factory) -> pathlib.Path:
    """qnnpy's libQnnHtp.so and libQnnSystem.so, built once per test session."""
    if shutil.which("gcc") is None:
        pytest.skip("building the C ABI shim needs gcc")
    from qnnpy.shim.build import build
    folder = tmp_path_factory.mktemp("shim")
    build(str(folder))
    return folder


@pytest.fixture(scope="session")
def harness(tmp_path_factory):
    """compile(name) -> path of the executable built from tests/c/<name>.c."""
    if shutil.which("gcc") is None:
        pytest.skip("the C harnesses need gcc")
    folder = tmp_path_factory.mktemp("harness")
    sources = pathlib.Path(__file__).resolve().parent / "c"
    include = sources.parents[1] / "include"

    def compile_(name: str) -> pathlib.Path:
        exe = folder / name
        if not exe.exists():
            build = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{include}", f"-I{sources}",
                                    "-o", str(exe), str(sources / f"{name}.c"), "-ldl", "-lm", "-pthread"],
                                   capture_output=True, text=True)
            assert build.returncode == 0, build.stderr[-3000:]
        return exe
    return compile_
