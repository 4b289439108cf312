"""The C headers in include/: they compile as C11 and C++17 with warnings as errors and have
the QNN ABI's sizes and offsets (tests/c/abi_check.c), and every name they share with the
Python modules has the same value there, so the C and Python faces of qnnpy cannot drift."""
import importlib
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
INCLUDE = ROOT / "include"
MODULES = ["QnnCommon", "QnnTypes", "QnnBackend", "QnnContext", "QnnGraph", "QnnTensor", "QnnDevice", "QnnLog",
           "QnnProperty", "QnnProfile", "QnnOpDef", "QnnSystemContext", "QnnInterface", "QnnSystemInterface",
           "QnnHtpContext", "QnnHtpDevice", "QnnHtpGraph", "QnnHtpPerfInfrastructure", "QnnHtpSystemContext",
           "QnnSystemProfile", "QnnGlobalConfig", "QnnHtpProperty", "QnnSystemTensor"]
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("g++") is None, reason="needs gcc and g++")


@needs_gcc
@pytest.mark.parametrize("compiler,standard", [("gcc", "-std=c11"), ("g++", "-std=c++17")])
def test_headers_have_the_qnn_abi(tmp_path, compiler, standard):
    exe = tmp_path / "abi"
    language = ["-x", "c++"] if compiler == "g++" else []
    build = subprocess.run([compiler, standard, "-Wall", "-Wextra", "-Werror", f"-I{INCLUDE}", *language,
                            "-o", str(exe), str(ROOT / "tests/c/abi_check.c")], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    assert subprocess.run([str(exe)]).returncode == 0


def _header_values() -> dict:
    """Every #define and enumerator with a numeric or string value, evaluated."""
    raw = {}
    for header in INCLUDE.rglob("*.h"):
        text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
        for name, value in re.findall(r"^#define[ \t]+(QNN_\w+)[ \t]+(.+?)[ \t]*$", text, flags=re.M):
            raw[name] = value
        for body in re.findall(r"typedef enum\s*\{(.*?)\}", text, flags=re.S):
            for name, value in re.findall(r"(QNN_\w+)\s*=\s*([^,\n]+)", body):
                raw[name] = value
    values = {}

    def evaluate(name, depth=0):
        if name in values or depth > 20:
            return values.get(name)
        expr = raw[name]
        if expr.startswith('"'):
            values[name] = expr.strip('"')
            return values[name]
        for ref in set(re.findall(r"QNN_\w+", expr)):
            if ref not in raw or evaluate(ref, depth + 1) is None:
                return None
            expr = re.sub(rf"\b{ref}\b", str(values[ref]), expr)
        try:
            values[name] = int(eval(expr.replace("u", ""), {}))  # arithmetic on integer literals only
        except (SyntaxError, NameError, TypeError):
            return None
        return values[name]

    for name in raw:
        evaluate(name)
    return values


def test_header_values_match_the_python_modules():
    header = _header_values()
    assert len(header) > 500
    compared, mismatches = 0, []
    for module_name in MODULES:
        module = importlib.import_module(f"qnnpy.{module_name}")
        for name, value in vars(module).items():
            if name in header and isinstance(value, (int, str)) and not isinstance(value, bool):
                compared += 1
                expected = int(value) if isinstance(value, int) else value
                if header[name] != expected:
                    mismatches.append((module_name, name, header[name], expected))
    assert compared > 300 and not mismatches, mismatches


def test_interface_tables_have_the_python_order():
    from qnnpy import QnnInterface, QnnSystemInterface
    core = (INCLUDE / "QnnInterface.h").read_text()
    table = core[core.index("typedef struct {", core.index("A NULL member")):core.index("} QNN_INTERFACE_VER_TYPE;")]
    assert re.findall(r"Fn_t (\w+);", table) == list(QnnInterface.MEMBERS)
    system = (INCLUDE / "System/QnnSystemInterface.h").read_text()
    table = system[system.index("typedef struct {\n  QnnSystemContext_CreateFn_t"):system.index("} QNN_SYSTEM_INTERFACE_VER_TYPE;")]
    assert re.findall(r"Fn_t (\w+);", table) == list(QnnSystemInterface.MEMBERS)


def test_op_def_header_is_rendered_from_the_python_table():
    from qnnpy.shim.opdef_header import render
    assert (INCLUDE / "QnnOpDef.h").read_text() == render(), "run: python -m qnnpy.shim.opdef_header"


def test_every_implemented_op_uses_the_names_of_the_qnn_op_set():
    """A typo in an op's type name or parameter name would make a client's graph fail on qnnpy
    (or worse, pass on qnnpy and fail on the device): the registry must use the real names."""
    from qnnpy.QnnOpDef import OP_PARAMS, OPS
    from qnnpy.htp.ops import REGISTRY
    enums = {(op_type, name): members for _, op_type, params in OPS for name, members in params if members}
    assert len(OP_PARAMS) >= 150 and len(REGISTRY) < len(OP_PARAMS)
    for op_type, op in REGISTRY.items():
        assert op_type in OP_PARAMS, op_type
        assert set(op.params) <= set(OP_PARAMS[op_type]), (op_type, set(op.params) - set(OP_PARAMS[op_type]))
        for name in op.params:
            # an enumerated parameter's default must be one of the enumeration's values
            default = op.params[name].default
            if (op_type, name) in enums and isinstance(default, int):
                assert 0 <= default < len(enums[op_type, name]), (op_type, name, default)
