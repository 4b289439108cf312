"""``qnnpy build-shim``: compile libQnnHtp.so and libQnnSystem.so.

The headers in include/ are the single source of truth: they are preprocessed (with stub
standard headers, so only our declarations remain) into cffi's declarations, and every
function they declare becomes an exported entry point whose body is the matching function of
:mod:`qnnpy.shim.bridge`. The two functions taking a ``va_list`` callback (QnnLog_create,
QnnSystemLog_create) and the getProviders entry points are written in C (the *_prelude.c
files). No member of a provider table is NULL: a member whose function the headers declare
points at that exported function (its body answers NOT_SUPPORTED with a log line when the
bridge does not implement it); a member with no declared function (the reserved slots) gets a
generated C stub that does the same, since a client calls any non-NULL member it finds.

The embedded interpreter is the one running this build: its library is linked, and the
folder holding qnnpy plus its site-packages (the venv with numpy) are baked into the
libraries' start-up code, so they work without PYTHONPATH; PYTHONPATH still takes precedence
(docs/shim.md). If Python cannot start, getProviders fails instead of handing out functions.
"""
import os
import re
import site
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass

import cffi

from qnnpy.shim import genie_unsupported

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.join(os.path.dirname(os.path.dirname(HERE)), "include")
STUB_HEADERS = {"stdint.h": "", "stddef.h": "", "stdarg.h": "", "stdbool.h": "",
                "limits.h": "#define INT_MAX 2147483647\n"}


@dataclass
class Library:
    kind: str             # "htp" or "system": which functions the bridge provides
    module: str           # the embedded cffi module's name
    target: str           # the shared library's file name
    headers: list[str]
    prelude: str
    entries: dict[str, str]  # Python entry points the prelude calls: C name -> declaration
    written_in_c: tuple   # exported by the prelude, not by Python
    table_header: str     # declares the provider table (read for its members, not given to cffi)
    table_type: str       # the provider table's struct type


def table_members(types: str, table_type_name: str) -> list[tuple[str, str]]:
    """(member, member's pointer type) of a provider table, in ABI order, from the headers."""
    body = re.search(r"typedef struct \{([^{}]*)\}\s*" + table_type_name + r"\s*;", types)
    if body is None:
        raise cffi.CDefError(f"{table_type_name} not found in the headers")
    return re.findall(r"(\w+)\s+(\w+)\s*;", body.group(1))


def table_entries(members, functions) -> list[tuple[str, str | None]]:
    """(member, C function or None for a stub): a member of type ``QnnX_YFn_t`` is served by
    the declared function ``QnnX_y`` (names compared without case: QnnGlobalConfig_Set)."""
    by_name = {name.lower(): name for name in functions}
    return [(member, by_name.get(type_name.removesuffix("Fn_t").lower())) for type_name, member in members]


LIBRARIES = [
    Library("htp", "_qnnpy_htp", "libQnnHtp.so",
            ["QnnBackend.h", "QnnContext.h", "QnnDevice.h", "QnnError.h", "QnnGlobalConfig.h", "QnnGraph.h",
             "QnnLog.h", "QnnMem.h", "QnnProfile.h", "QnnProperty.h", "QnnSignal.h", "QnnTensor.h",
             "HTP/QnnHtpContext.h", "HTP/QnnHtpDevice.h", "HTP/QnnHtpGraph.h", "HTP/QnnHtpMem.h"],
            "htp_prelude.c", {
                # behind QnnLog_create, whose callback takes a va_list
                "qnnpy_htp_log_create": "Qnn_ErrorHandle_t qnnpy_htp_log_create(void* callback, QnnLog_Level_t "
                                        "maxLogLevel, Qnn_LogHandle_t* logger);",
                # 1 once Python started (cffi returns 0 from every entry if start-up failed)
                "qnnpy_htp_ready": "int qnnpy_htp_ready(void);",
                # the four functions of the HTP perf infrastructure
                "qnnpy_htp_perf_create": "Qnn_ErrorHandle_t qnnpy_htp_perf_create(uint32_t deviceId, uint32_t coreId, "
                                         "uint32_t* powerConfigId);",
                "qnnpy_htp_perf_destroy": "Qnn_ErrorHandle_t qnnpy_htp_perf_destroy(uint32_t powerConfigId);",
                "qnnpy_htp_perf_set_power": "Qnn_ErrorHandle_t qnnpy_htp_perf_set_power(uint32_t powerConfigId, "
                                            "const QnnHtpPerfInfrastructure_PowerConfig_t** config);",
                "qnnpy_htp_perf_set_memory": "Qnn_ErrorHandle_t qnnpy_htp_perf_set_memory(uint32_t deviceId, "
                                             "uint32_t coreId, const QnnHtpPerfInfrastructure_MemoryConfig_t** config);",
                # behind the generated stubs of table members without a declared function
                "qnnpy_htp_unsupported": "Qnn_ErrorHandle_t qnnpy_htp_unsupported(const char* member);",
            }, ("QnnLog_create", "QnnInterface_getProviders"),
            "QnnInterface.h", "QnnInterface_ImplementationV{version}_t"),
    Library("system", "_qnnpy_system", "libQnnSystem.so",
            ["System/QnnSystemContext.h", "System/QnnSystemLog.h", "System/QnnSystemProfile.h",
             "System/QnnSystemTensor.h"],
            "system_prelude.c", {
                "qnnpy_system_log_create": "Qnn_ErrorHandle_t qnnpy_system_log_create(void* callback, QnnLog_Level_t "
                                           "maxLogLevel, Qnn_LogHandle_t* logger);",
                "qnnpy_system_ready": "int qnnpy_system_ready(void);",
                "qnnpy_system_unsupported": "Qnn_ErrorHandle_t qnnpy_system_unsupported(const char* member);",
            }, ("QnnSystemLog_create", "QnnSystemInterface_getProviders"),
            "System/QnnSystemInterface.h", "QnnSystemInterface_ImplementationV{version}_t"),
]


def preprocess(headers: list[str], workdir: str) -> str:
    """The headers' declarations without macros, comments or anything from the C library."""
    stubs = os.path.join(workdir, "stubs")
    os.makedirs(stubs, exist_ok=True)
    for name, text in STUB_HEADERS.items():
        with open(os.path.join(stubs, name), "w") as f:
            f.write(text)
    wrapper = os.path.join(workdir, "all.h")
    with open(wrapper, "w") as f:
        f.write("".join(f'#include "{h}"\n' for h in headers))
    return subprocess.run(["gcc", "-E", "-P", "-nostdinc", f"-I{stubs}", f"-I{INCLUDE}", wrapper],
                          check=True, capture_output=True, text=True).stdout


_FUNCTION = re.compile(r"^\s*Qnn_ErrorHandle_t\s+(Qnn\w+)\s*\((.*?)\);", re.M | re.S)


def split(text: str) -> tuple[str, dict[str, str]]:
    """(type declarations, {function: parameter list}); va_list reads as a pointer to cffi."""
    functions = {name: " ".join(params.split()) for name, params in _FUNCTION.findall(text)}
    return _FUNCTION.sub("", text).replace("va_list", "void*"), functions


def _arguments(params: str) -> str:
    """The argument list that forwards a parameter list: each parameter's last identifier."""
    if params.strip() in ("", "void"):
        return ""
    return ", ".join(re.findall(r"(\w+)\s*$", p.strip())[0] for p in params.split(","))


def _guard(member: str, function: str, params: str) -> str:
    """A table entry that answers without entering Python once the interpreter is gone: a
    free / deregister then succeeds (there is nothing left to release), anything else fails."""
    code = "QNN_SUCCESS" if re.search(r"(?i)(free|deregister)", function) else "QNN_COMMON_ERROR_GENERAL"
    return (f"static Qnn_ErrorHandle_t qnnpy_guard_{member}({params or 'void'}) {{ if (qnnpy_python_gone) return "
            f"{code}; return {function}({_arguments(params)}); }}\n")


def _table_source(lib: Library, table, version: str, functions: dict) -> tuple[str, str]:
    """(C stubs for the members without a function and guards for the others, the table's
    designated initializer)."""
    struct = lib.table_type.format(version=version)
    stubs = "".join(f"static Qnn_ErrorHandle_t qnnpy_stub_{member}(void) {{ return qnnpy_{lib.kind}_unsupported"
                    f'("{member}"); }}\n' if function is None else _guard(member, function, functions[function])
                    for member, function in table)
    init = ", ".join(f".{member} = " + (f"qnnpy_guard_{member}" if function else
                                        f"(__typeof__((({struct}*)0)->{member}))qnnpy_stub_{member}")
                     for member, function in table)
    return stubs, init


def build_library(lib: Library, output_dir: str, workdir: str, verbose: bool = False) -> str:
    types, functions = split(preprocess(lib.headers, workdir))
    exported = {n: p for n, p in functions.items()
                if n not in lib.written_in_c and n.startswith("QnnSystem") == (lib.kind == "system")}
    from qnnpy import QnnInterface, QnnSystemInterface
    api = QnnInterface if lib.kind == "htp" else QnnSystemInterface
    version = api.QNN_INTERFACE_VER_NAME.removeprefix("v") if lib.kind == "htp" \
        else api.QNN_SYSTEM_INTERFACE_VER_NAME.removeprefix("v")
    members = table_members(preprocess([lib.table_header], os.path.join(workdir, "table")),
                            lib.table_type.format(version=version))
    if [m for _, m in members] != list(api.MEMBERS):
        raise cffi.CDefError(f"{lib.target}: the header's table members differ from {api.__name__}.MEMBERS")
    table = table_entries(members, {**exported, **{n: None for n in lib.written_in_c}})
    stubs, initializer = _table_source(lib, table, version, functions)
    ffi = cffi.FFI()
    ffi.cdef(types)
    ffi.cdef("void qnnpy_emit_log(void* callback, const char* message, QnnLog_Level_t level, uint64_t timestamp);")
    ffi.cdef("void qnnpy_mark_python_gone(void);")
    if lib.kind == "htp":
        ffi.cdef("QnnDevice_Infrastructure_t qnnpy_htp_infrastructure(void);")
    ffi.embedding_api("\n".join([f"Qnn_ErrorHandle_t {n}({p});" for n, p in exported.items()]
                                 + list(lib.entries.values())))
    with open(os.path.join(HERE, lib.prelude)) as f:
        prelude = f.read().replace("/* QNNPY_TABLE_STUBS */", stubs)
    return _compile_embedded(ffi, lib.module, prelude, lib.target, output_dir, workdir, verbose,
                             {"QNNPY_INTERFACE_TABLE": initializer},
                             f"from qnnpy.shim import bridge\nbridge.install(ffi, lib, {lib.kind!r}, "
                             f"{sorted(exported)!r}, {sorted(lib.entries)!r})")


def _compile_embedded(ffi, module: str, prelude: str, target: str, output_dir: str, workdir: str, verbose: bool,
                      macros: dict, install: str) -> str:
    """Compile ``ffi`` into ``target``: the hand-written C, libpython linked, and start-up code
    that finds qnnpy and the venv's packages and then runs ``install``."""
    package_root = os.path.dirname(os.path.dirname(HERE))
    site_dirs = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    libpython = sysconfig.get_config_var("INSTSONAME") or sysconfig.get_config_var("LDLIBRARY")
    ffi.set_source(module, prelude, include_dirs=[INCLUDE, HERE], libraries=["dl"],
                   define_macros=[("QNNPY_LIBPYTHON", f'"{libpython}"'), *macros.items()])
    ffi.embedding_init_code(f"""
import site
import sys
sys.path.insert(0, {package_root!r})
for _path in {site_dirs!r}:
    site.addsitedir(_path)
from {module} import ffi, lib
{install}
""")
    os.makedirs(output_dir, exist_ok=True)
    built = ffi.compile(tmpdir=workdir, target=target, verbose=verbose)
    final = os.path.join(output_dir, target)
    os.replace(built, final)
    return final


_GENIE_FUNCTION = re.compile(r"^\s*(?:__attribute__\(\(\w+\(\"\w+\"\)\)\)\s*)?Genie_Status_t\s+(Genie\w+)\s*"
                             r"\((.*?)\);", re.M | re.S)


_VA_LIST_CALLBACK = re.compile(r"(?:const\s+)?GenieLog_Callback_t")  # takes a va_list, which cffi cannot declare


def _python_params(params: str) -> str:
    """The Python body's parameter list: a va_list callback crosses as a plain pointer."""
    return _VA_LIST_CALLBACK.sub("void*", params)


def _genie_wrapper(name: str, params: str) -> str:
    """The exported C function: no Python, no answer (GENERAL; a free after shutdown is fine)."""
    gone = "GENIE_STATUS_SUCCESS" if name.endswith("_free") else "GENIE_STATUS_ERROR_GENERAL"
    arguments = ", ".join(f"(void*){a}" if _VA_LIST_CALLBACK.search(p) else a
                          for p, a in zip(params.split(","), _arguments(params).split(", ")))
    return (f"Genie_Status_t qnnpy_genie_{name}({_python_params(params)});\n"
            f"GENIE_API Genie_Status_t {name}({params}) {{\n"
            f"  if (qnnpy_python_gone) return {gone};\n"
            f"  if (qnnpy_genie_ready() != 1) return GENIE_STATUS_ERROR_GENERAL;\n"
            f"  return qnnpy_genie_{name}({arguments});\n}}\n")


def build_genie(output_dir: str, workdir: str, verbose: bool = False) -> str:
    """libGenie.so: the Genie dialog API of include/Genie, bodies in qnnpy.shim.genie_bridge."""
    text = preprocess(["Genie/GenieDialog.h"], workdir)
    functions = {name: " ".join(params.split()) for name, params in _GENIE_FUNCTION.findall(text)}
    ffi = cffi.FFI()
    ffi.cdef(_GENIE_FUNCTION.sub("", text).replace("__attribute__((visibility(\"default\")))", "")
             .replace("va_list", "void*"))
    ffi.cdef("void qnnpy_mark_python_gone(void);\n"
             "void qnnpy_emit_genie_log(void*, void*, const char*, int, uint64_t);")
    ffi.embedding_api("\n".join([f"Genie_Status_t qnnpy_genie_{n}({_python_params(p)});" for n, p in functions.items()]
                                 + ["int qnnpy_genie_ready(void);", "int qnnpy_genie_unsupported(const char*);"]))
    with open(os.path.join(HERE, "genie_prelude.c")) as f:
        prelude = f.read().replace("/* QNNPY_GENIE_WRAPPERS */",
                                   "".join(_genie_wrapper(n, p) for n, p in functions.items()))
    prelude = prelude.replace("/* QNNPY_GENIE_UNSUPPORTED */", genie_unsupported.c_stubs())
    _compile_embedded(ffi, "_qnnpy_genie", prelude, "libGenie.so", output_dir, workdir, verbose, {},
                      f"from qnnpy.shim import genie_bridge\ngenie_bridge.install(ffi, lib, {sorted(functions)!r})")
    return os.path.join(output_dir, "libGenie.so")


def build(output_dir: str, verbose: bool = False) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="qnnpy-shim-") as workdir:
        built = [build_library(lib, os.path.abspath(output_dir), os.path.join(workdir, lib.kind), verbose)
                 for lib in LIBRARIES]
        return built + [build_genie(os.path.abspath(output_dir), os.path.join(workdir, "genie"), verbose)]


def add_arguments(parser) -> None:
    parser.add_argument("--output_dir", required=True, help="where libQnnHtp.so and libQnnSystem.so go")
    parser.add_argument("--verbose", action="store_true", help="show the compiler's command lines")


def run(args) -> int:
    try:
        paths = build(args.output_dir, args.verbose)
    except (OSError, subprocess.CalledProcessError, cffi.CDefError, cffi.VerificationError) as err:
        print(f"qnnpy build-shim: error: {err}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"built {path}")
    return 0
