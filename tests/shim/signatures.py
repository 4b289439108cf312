"""Parameter kinds of every function in the core and system tables, read from include/, so
that a fuzzer passes each parameter hostile values of its own kind (a pointer gets NULL or
valid zeroed memory, never a stray integer: that would be undefined behaviour in C, not a
shim bug)."""
import pathlib
import re

INCLUDE = pathlib.Path(__file__).resolve().parents[2] / "include"
# H handle, P pointer, S C string, I integer or enum, N a count or size right after a pointer
# (kept within the memory the pointer has), F callback (NULL only), X struct by value
_TYPEDEF = re.compile(r"typedef\s+[\w\s\*]+\(\s*\*\s*(\w+Fn_t)\s*\)\s*\(([^;]*?)\)\s*;", re.S)


def _headers() -> str:
    return "\n".join(p.read_text() for p in INCLUDE.rglob("*.h"))


def _kind(param: str, structs: set[str]) -> str:
    param = " ".join(param.split())
    if not param or param == "void":
        return ""
    if "*" in param:
        return "S" if re.search(r"\bchar\s*\*\s*\w*$", param) and param.count("*") == 1 else "P"
    type_name = param.replace("const ", "").split()[0]
    if type_name.endswith("Handle_t"):
        return "H"
    if type_name.endswith(("Callback_t", "Fn_t")):
        return "F"
    return "X" if type_name in structs else "I"


def table_kinds(header: str) -> list[tuple[str, str]]:
    """[(member name, kinds)] in the table's order for QnnInterface.h or System/QnnSystemInterface.h."""
    text = _headers()
    typedefs = {m.group(1): m.group(2) for m in _TYPEDEF.finditer(text)}
    structs = set(re.findall(r"typedef\s+(?:struct|union)\s*\w*\s*\{.*?\}\s*(\w+)\s*;", text, re.S))
    structs |= set(re.findall(r"typedef\s+struct\s+\w+\s+(\w+)\s*;", text))
    body = (INCLUDE / header).read_text()
    members = re.findall(r"^\s+(\w+Fn_t)\s+(\w+);", body, re.M)
    result = []
    for fn, name in members:
        kinds = "".join(_kind(p, structs) for p in typedefs[fn].split(","))
        result.append((name, re.sub(r"(?<=P)I", "N", kinds)))
    return result
