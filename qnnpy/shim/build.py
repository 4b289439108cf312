"""``qnnpy build-shim``: compile libQnnHtp.so and libQnnSystem.so.

The headers in include/ are the single source of truth: they are preprocessed (with stub
standard headers, so only our declarations remain) into cffi's declarations, and every
function they declare becomes an exported entry point whose body is the matching function of
:mod:`qnnpy.shim.bridge`. The two functions taking a ``va_list`` callback (QnnLog_create,
QnnSystemLog_create) and the getProviders entry points are written in C (the *_prelude.c
files). The provider tables list the functions the bridge implements; the others stay NULL,
as on a backend that lacks them.

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

from qnnpy.shim import bridge

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


def _core_table():
    from qnnpy.QnnInterface import MEMBERS
    return [(member, bridge.HTP_TABLE.get(member)) for member in MEMBERS]


def _system_table():
    from qnnpy.QnnSystemInterface import MEMBERS
    return [(member, bridge.SYSTEM_TABLE.get(member)) for member in MEMBERS]


LIBRARIES = [
    Library("htp", "_qnnpy_htp", "libQnnHtp.so",
            ["QnnBackend.h", "QnnContext.h", "QnnDevice.h", "QnnError.h", "QnnGlobalConfig.h", "QnnGraph.h",
             "QnnLog.h", "QnnMem.h", "QnnProfile.h", "QnnProperty.h", "QnnSignal.h", "QnnTensor.h",
             "HTP/QnnHtpContext.h", "HTP/QnnHtpDevice.h", "HTP/QnnHtpGraph.h"],
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
            }, ("QnnLog_create", "QnnInterface_getProviders")),
    Library("system", "_qnnpy_system", "libQnnSystem.so",
            ["System/QnnSystemContext.h", "System/QnnSystemLog.h"],
            "system_prelude.c", {
                "qnnpy_system_log_create": "Qnn_ErrorHandle_t qnnpy_system_log_create(void* callback, QnnLog_Level_t "
                                           "maxLogLevel, Qnn_LogHandle_t* logger);",
                "qnnpy_system_ready": "int qnnpy_system_ready(void);",
            }, ("QnnSystemLog_create", "QnnSystemInterface_getProviders")),
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


def _table_initializer(table) -> str:
    return ", ".join(f".{member} = {function or 'NULL'}" for member, function in table)


def build_library(lib: Library, output_dir: str, workdir: str, verbose: bool = False) -> str:
    types, functions = split(preprocess(lib.headers, workdir))
    exported = {n: p for n, p in functions.items()
                if n not in lib.written_in_c and n.startswith("QnnSystem") == (lib.kind == "system")}
    table = _core_table() if lib.kind == "htp" else _system_table()
    ffi = cffi.FFI()
    ffi.cdef(types)
    ffi.cdef("void qnnpy_emit_log(void* callback, const char* message, QnnLog_Level_t level, uint64_t timestamp);")
    if lib.kind == "htp":
        ffi.cdef("QnnDevice_Infrastructure_t qnnpy_htp_infrastructure(void);")
    ffi.embedding_api("\n".join([f"Qnn_ErrorHandle_t {n}({p});" for n, p in exported.items()]
                                 + list(lib.entries.values())))
    package_root = os.path.dirname(os.path.dirname(HERE))
    site_dirs = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    with open(os.path.join(HERE, lib.prelude)) as f:
        prelude = f.read()
    libpython = sysconfig.get_config_var("INSTSONAME") or sysconfig.get_config_var("LDLIBRARY")
    ffi.set_source(lib.module, prelude, include_dirs=[INCLUDE, HERE], libraries=["dl"],
                   define_macros=[("QNNPY_LIBPYTHON", f'"{libpython}"'),
                                  ("QNNPY_INTERFACE_TABLE", _table_initializer(table))])
    ffi.embedding_init_code(f"""
import site
import sys
sys.path.insert(0, {package_root!r})
for _path in {site_dirs!r}:
    site.addsitedir(_path)
from {lib.module} import ffi, lib
from qnnpy.shim import bridge
bridge.install(ffi, lib, {lib.kind!r}, {sorted(exported)!r}, {sorted(lib.entries)!r})
""")
    os.makedirs(output_dir, exist_ok=True)
    built = ffi.compile(tmpdir=workdir, target=lib.target, verbose=verbose)
    final = os.path.join(output_dir, lib.target)
    os.replace(built, final)
    return final


def build(output_dir: str, verbose: bool = False) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="qnnpy-shim-") as workdir:
        return [build_library(lib, os.path.abspath(output_dir), os.path.join(workdir, lib.kind), verbose)
                for lib in LIBRARIES]


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
