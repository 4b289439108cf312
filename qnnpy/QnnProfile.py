"""QnnProfile.h: profiling objects. qnnpy records one wall-clock event (microseconds) per
createFromBinary (INIT), finalize (FINALIZE) and execute (EXECUTE) that is given a profile."""
import itertools
import time
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum

from qnnpy import _handles, _lookup
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export

QNN_PROFILE_LEVEL_BASIC = 1
QNN_PROFILE_LEVEL_DETAILED = 2
QNN_PROFILE_LEVEL_BACKEND = 1000
QNN_PROFILE_EVENTTYPE_INIT = 100
QNN_PROFILE_EVENTTYPE_FINALIZE = 300
QNN_PROFILE_EVENTTYPE_EXECUTE = 400
QNN_PROFILE_EVENTTYPE_NODE = 404
QNN_PROFILE_EVENTTYPE_EXECUTE_QUEUE_WAIT = 405
QNN_PROFILE_EVENTTYPE_EXECUTE_PREPROCESS = 406
QNN_PROFILE_EVENTTYPE_EXECUTE_DEVICE = 407
QNN_PROFILE_EVENTTYPE_EXECUTE_POSTPROCESS = 408
QNN_PROFILE_EVENTTYPE_DEINIT = 500
QNN_PROFILE_EVENTTYPE_TRACE = 600
QNN_PROFILE_EVENTTYPE_BACKEND = 1000
QNN_PROFILE_EVENTUNIT_MICROSEC = 1
QNN_PROFILE_EVENTUNIT_BYTES = 2
QNN_PROFILE_EVENTUNIT_CYCLES = 3
QNN_PROFILE_EVENTUNIT_COUNT = 4
QNN_PROFILE_EVENTUNIT_OBJECT = 5
QNN_PROFILE_EVENTUNIT_NONE = 6
QNN_PROFILE_EVENTUNIT_BACKEND = 1000


class QnnProfile_Error_t(IntEnum):
    QNN_PROFILE_NO_ERROR = 0
    QNN_PROFILE_ERROR_UNSUPPORTED = 1000
    QNN_PROFILE_ERROR_INVALID_ARGUMENT = 1004
    QNN_PROFILE_ERROR_MEM_ALLOC = 1002
    QNN_PROFILE_ERROR_INVALID_HANDLE = 12000
    QNN_PROFILE_ERROR_HANDLE_IN_USE = 12001
    QNN_PROFILE_ERROR_INCOMPATIBLE_EVENT = 12002
    QNN_PROFILE_MIN_ERROR = 12000
    QNN_PROFILE_MAX_ERROR = 12999
    QNN_PROFILE_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnProfile_ConfigOption_t(IntEnum):
    QNN_PROFILE_CONFIG_OPTION_CUSTOM = 0
    QNN_PROFILE_CONFIG_OPTION_MAX_EVENTS = 1
    QNN_PROFILE_CONFIG_OPTION_ENABLE_OPTRACE = 2
    QNN_PROFILE_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


export(QnnProfile_Error_t, globals())
export(QnnProfile_ConfigOption_t, globals())
E = QnnProfile_Error_t
_OK = E.QNN_PROFILE_NO_ERROR


@dataclass(slots=True)
class QnnProfile_EventData_t:
    type: int = 0
    unit: int = 0
    value: int = 0
    identifier: str | None = None


@dataclass(slots=True)
class QnnProfile_Config_t:
    option: int = QnnProfile_ConfigOption_t.QNN_PROFILE_CONFIG_OPTION_UNDEFINED
    customConfig: object = None
    numMaxEvents: int = 0
    enableOptrace: int = 0


class Profile:
    def __init__(self, level: int):
        self.level = level
        self.max_events = None
        self.events: list[int] = []


_event_ids = itertools.count(1)
_events: dict[int, QnnProfile_EventData_t] = {}
_sub_events: dict[int, list[int]] = {}  # event id -> its sub-events' ids


def resolve(handle, err):
    """The Profile behind an optional profile argument of another API call."""
    return _lookup.optional(handle, _lookup.PROFILE, err)


@contextmanager
def timed(profile: Profile | None, event_type: int, identifier: str):
    """Record the wall time of the enclosed work as one event, when a profile is given. The
    work may append (identifier, microseconds) pairs to the yielded list: they become the
    event's NODE sub-events. Each profiled call starts the profile afresh: the real backend's
    getEvents answers only the last call's events (measured: 1 after finalize, then the
    execute's 7, again 7 after a second execute)."""
    if profile is not None:
        _drop_events(profile)
    start = time.perf_counter_ns()
    parts: list = []
    yield parts
    parent = add_event(profile, event_type, (time.perf_counter_ns() - start) // 1000, identifier)
    if parent is not None:
        for name, micros in parts:
            eid = next(_event_ids)
            _events[eid] = QnnProfile_EventData_t(QNN_PROFILE_EVENTTYPE_NODE, QNN_PROFILE_EVENTUNIT_MICROSEC, micros, name)
            _sub_events.setdefault(parent, []).append(eid)


def detailed(profile: Profile | None) -> bool:
    """Whether a call should collect per-node times for ``profile``."""
    return profile is not None and profile.level == QNN_PROFILE_LEVEL_DETAILED


# HTP event types (HTP/QnnHtpProfile.h) used for graph switching: no dedicated ids exist, so
# the yield events that describe releasing and restoring a graph are the closest.
QNN_HTP_PROFILE_EVENTTYPE_GRAPH_EXECUTE_YIELD_INSTANCE_RELEASE_TIME = 3006
QNN_HTP_PROFILE_EVENTTYPE_GRAPH_EXECUTE_YIELD_INSTANCE_RESTORE_TIME = 3008
QNN_HTP_PROFILE_EVENTTYPE_GRAPH_APPLY_BINARY_SECTION_QNN = 9001
_RESIDENCY_EVENTS = {"evict": QNN_HTP_PROFILE_EVENTTYPE_GRAPH_EXECUTE_YIELD_INSTANCE_RELEASE_TIME,
                     "load": QNN_HTP_PROFILE_EVENTTYPE_GRAPH_EXECUTE_YIELD_INSTANCE_RESTORE_TIME,
                     "reapply": QNN_HTP_PROFILE_EVENTTYPE_GRAPH_APPLY_BINARY_SECTION_QNN}


def add_event(profile: Profile | None, event_type: int, value: int, identifier: str) -> int | None:
    """The new event's id, or None when there is no profile or it is full."""
    if profile is not None and (profile.max_events is None or len(profile.events) < profile.max_events):
        eid = next(_event_ids)
        _events[eid] = QnnProfile_EventData_t(event_type, QNN_PROFILE_EVENTUNIT_MICROSEC, value, identifier)
        profile.events.append(eid)
        return eid
    return None


def report_residency(profile: Profile | None, context) -> None:
    """Turn the graph loads, evictions and re-applies a call caused into profile events
    (identifier: "<kind>:<graph>"); they are dropped when the call has no profile."""
    residency = context.residency
    if residency is None:
        return
    for kind, graph, seconds in residency.events:
        add_event(profile, _RESIDENCY_EVENTS[kind], int(seconds * 1e6), f"{kind}:{graph}")
    residency.events.clear()


def _profile(handle) -> Profile:
    obj = _handles.get(handle, _lookup.PROFILE)
    if obj is None:
        fail(E.QNN_PROFILE_ERROR_INVALID_HANDLE, _lookup._why(handle, "profile", "QnnProfile_create"))
    return obj


@qnn_api(_OK, outputs=1)
def QnnProfile_create(backend, level):
    _lookup.backend(backend, E.QNN_PROFILE_ERROR_INVALID_HANDLE)
    if level not in (QNN_PROFILE_LEVEL_BASIC, QNN_PROFILE_LEVEL_DETAILED):
        fail(E.QNN_PROFILE_ERROR_INVALID_ARGUMENT, f"profile level {level!r} is not BASIC (1) or DETAILED (2)")
    return _handles.new(_lookup.PROFILE, Profile(level))


@qnn_api(_OK)
def QnnProfile_setConfig(profileHandle, config):
    """All-or-nothing: every item is checked before the profile changes."""
    obj = _profile(profileHandle)
    max_events = obj.max_events
    for item in config_list(config, E.QNN_PROFILE_ERROR_INVALID_ARGUMENT, "config"):
        if not isinstance(item, QnnProfile_Config_t):
            fail(E.QNN_PROFILE_ERROR_INVALID_ARGUMENT, f"{item!r} is not a QnnProfile_Config_t")
        if item.option != QnnProfile_ConfigOption_t.QNN_PROFILE_CONFIG_OPTION_MAX_EVENTS:
            fail(E.QNN_PROFILE_ERROR_UNSUPPORTED, f"profile config option {item.option} is not supported")
        count = item.numMaxEvents
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < 1 << 64:
            fail(E.QNN_PROFILE_ERROR_INVALID_ARGUMENT, f"numMaxEvents must be a uint64, got {count!r}")
        max_events = count
    obj.max_events = max_events


@qnn_api(_OK, outputs=2)
def QnnProfile_getEvents(profile):
    obj = _profile(profile)
    return list(obj.events), len(obj.events)


@qnn_api(_OK, outputs=2)
def QnnProfile_getSubEvents(eventId):
    if not isinstance(eventId, int) or eventId not in _events:
        fail(E.QNN_PROFILE_ERROR_INVALID_HANDLE, f"event id {eventId!r} is unknown")
    children = _sub_events.get(eventId, [])
    return list(children), len(children)


@qnn_api(_OK, outputs=1)
def QnnProfile_getEventData(eventId):
    data = _events.get(eventId) if isinstance(eventId, int) else None
    if data is None:
        fail(E.QNN_PROFILE_ERROR_INVALID_HANDLE, f"event id {eventId!r} is unknown or its profile was freed")
    return QnnProfile_EventData_t(data.type, data.unit, data.value, data.identifier)


def _drop_events(profile: Profile) -> None:
    for eid in profile.events:
        _events.pop(eid, None)
        for child in _sub_events.pop(eid, []):
            _events.pop(child, None)
    profile.events = []


@qnn_api(_OK)
def QnnProfile_free(profile):
    _drop_events(_profile(profile))
    _handles.free(profile)
