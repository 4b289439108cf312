"""Opaque handles: small non-zero integers that are never reused.

The same integers are what C callers see as pointers through the shim, so a handle is
only ever an int, and the table remembers freed handles to tell "stale" from "foreign".
"""
import itertools
import threading
from collections import OrderedDict

_counter = itertools.count(0x5A000, 0x10)
_live: dict[int, tuple[str, object]] = {}
# the kinds of the most recently freed handles, to tell "stale" from "foreign" in messages;
# bounded, so that a client creating and freeing handles forever does not grow it forever
_dead: OrderedDict[int, str] = OrderedDict()
DEAD_REMEMBERED = 1 << 16
_lock = threading.Lock()


def is_null(handle) -> bool:
    """None or 0 (a NULL pointer from C); never true for other types (a numpy array, say)."""
    return handle is None or (isinstance(handle, int) and not isinstance(handle, bool) and handle == 0)


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
        if len(_dead) > DEAD_REMEMBERED:
            _dead.popitem(last=False)


def live_objects(kind: str) -> list:
    return [obj for k, obj in _live.values() if k == kind]


def items(kind: str) -> list[tuple[int, object]]:
    """(handle, object) of every live handle of ``kind``."""
    with _lock:
        return [(h, obj) for h, (k, obj) in _live.items() if k == kind]
