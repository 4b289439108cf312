"""Helpers that make C-style enums feel like the C headers from Python.

C code writes ``QNN_GRAPH_ERROR_INVALID_HANDLE`` without a type prefix, so every enum
member is also exported as a module-level name.
"""
from enum import IntEnum


def export(enum_cls: type[IntEnum], namespace: dict) -> None:
    """Publish each member (aliases included) as a global of the defining module."""
    for name, member in enum_cls.__members__.items():
        namespace[name] = member
