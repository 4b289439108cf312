"""Opaque handles: small non-zero integers that are never reused.

The same integers are what C callers see as pointers through the shim, so a handle is
only ever an int, and the table remembers freed handles to tell "stale" from "foreign".
"""
import itertools
import threading

_counter = itertools.count(0x5A000, 0x10)
_live: dict[int, tuple[str, object]] = {}
_dead: dict[int, str] = {}
_lock = threading.Lock()


def new(kind: str, obj: object) -> int:
    with _lock:
        handle = next(_counter)
        _live[handle] = (kind, obj)
    return handle


def get(handle, kind: str):
    """The object behind ``handle`` if it is a live handle of ``kind``, else None."""
    if not isinstance(handle, int) or isinstance(handle, bool):
        return None
    entry = _live.get(handle)
    if entry is None or entry[0] != kind:
        return None
    return entry[1]


def was_freed(handle, kind: str) -> bool:
    return isinstance(handle, int) and _dead.get(handle) == kind


def free(handle: int) -> None:
    with _lock:
        kind, _ = _live.pop(handle)
        _dead[handle] = kind


def live_objects(kind: str) -> list:
    return [obj for k, obj in _live.values() if k == kind]
