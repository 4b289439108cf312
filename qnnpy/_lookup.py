"""Handle -> object lookups shared by the API modules.

Each lookup also ties the current call's log lines to the owning backend's logger, and
tells a stale handle (freed, or whose context was freed) from one that never existed.
"""
from qnnpy import _handles, _log
from qnnpy._api import fail

BACKEND, CONTEXT, GRAPH, LOG, PROFILE, DEVICE, SYSTEM_CONTEXT, SERIALIZATION_TARGET, MEMORY, SIGNAL = (
    "backend", "context", "graph", "log", "profile", "device", "system_context", "serialization_target", "memory",
    "signal")


def _route(backend) -> None:
    _log.route_to(backend.logger if backend is not None else None)


def backend(handle, err):
    obj = _handles.get(handle, BACKEND)
    if obj is None:
        fail(err, _why(handle, BACKEND, "QnnBackend_create"))
    _route(obj)
    return obj


def context(handle, err):
    obj = _handles.get(handle, CONTEXT)
    if obj is None:
        fail(err, _why(handle, CONTEXT, "QnnContext_create or QnnContext_createFromBinary"))
    _route(obj.backend)
    return obj


def graph(handle, err, err_context_freed=None):
    obj = _handles.get(handle, GRAPH)
    if obj is None:
        if err_context_freed is not None and _handles.was_freed(handle, GRAPH):
            fail(err_context_freed, f"graph handle {handle:#x} belonged to a context that was freed")
        fail(err, _why(handle, GRAPH, "QnnGraph_create or QnnGraph_retrieve"))
    _route(obj.context.backend)
    return obj


def optional(handle, kind: str, err):
    """For optional handle arguments (profile, device): None/0 is fine, anything else must be live."""
    if _handles.is_null(handle):
        return None
    obj = _handles.get(handle, kind)
    if obj is None:
        fail(err, _why(handle, kind, f"the {kind} create call"))
    return obj


def _why(handle, kind: str, maker: str) -> str:
    if _handles.is_null(handle):
        return f"the {kind} handle is NULL; get one from {maker}"
    if _handles.was_freed(handle, kind):
        return f"{kind} handle {handle:#x} was already freed"
    shown = f"{handle:#x}" if isinstance(handle, int) and not isinstance(handle, bool) else \
        f"a {type(handle).__name__}"
    return f"{shown} is not a {kind} handle; get one from {maker}"


def graph_handle(graph_obj) -> int:
    """Graphs keep one handle for life: create and every retrieve return the same integer."""
    if graph_obj.handle is None:
        graph_obj.handle = _handles.new(GRAPH, graph_obj)
    return graph_obj.handle
