"""System/QnnSystemProfile.h: writing profile records to a file through the system library.

A client (ONNX Runtime's QNN execution provider, at profiling_level basic or detailed) turns
the events QnnProfile gave it into records — a header saying which call was measured, then
the events as a tree — and hands them here. qnnpy writes each record as one JSON line
(docs/shim.md gives the fields); the real library writes a binary format of its own for its
profile viewer, which qnnpy does not imitate.
"""
import json
import os
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import _handles, _log, _lookup
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnProfile import QnnProfile_EventData_t

QNN_SYSTEM_PROFILE_MIN_ERROR = 31000  # System/QnnSystemCommon.h


class QnnSystemProfile_Error_t(IntEnum):
    QNN_SYSTEM_PROFILE_NO_ERROR = 0
    QNN_SYSTEM_PROFILE_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_SYSTEM_PROFILE_ERROR_INVALID_HANDLE = 30000
    QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT = 30001
    QNN_SYSTEM_PROFILE_ERROR_MEM_ALLOC = QNN_SYSTEM_PROFILE_MIN_ERROR + 0


class QnnSystemProfile_SerializationTargetType_t(IntEnum):
    QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_FILE = 0x01
    QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_UNDEFINED = 0x7FFFFFFF


class QnnSystemProfile_SerializationTargetConfigType_t(IntEnum):
    QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_MAX_NUM_MESSAGES = 0
    QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_SERIALIZATION_HEADER = 1
    QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_UNDEFINED = 0x7FFFFFFF


class QnnSystemProfile_Visibility_t(IntEnum):
    QNN_SYSTEM_PROFILE_VISIBILITY_PUBLIC = 0
    QNN_SYSTEM_PROFILE_VISIBILITY_PRIVATE = 1


class QnnSystemProfile_MethodType_t(IntEnum):
    QNN_SYSTEM_PROFILE_METHOD_TYPE_NONE = 0
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_EXECUTE = 1
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_FINALIZE = 2
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_EXECUTE_ASYNC = 3
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_CREATE_FROM_BINARY = 4
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_DEINIT = 5
    QNN_SYSTEM_PROFILE_METHOD_TYPE_APP_CONTEXT_CREATE = 6
    QNN_SYSTEM_PROFILE_METHOD_TYPE_APP_COMPOSE_GRAPHS = 7
    QNN_SYSTEM_PROFILE_METHOD_TYPE_APP_EXECUTE_IPS = 8
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_GRAPH_COMPONENT = 9
    QNN_SYSTEM_PROFILE_METHOD_TYPE_APP_BACKEND_LIB_LOAD = 10
    QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_APPLY_BINARY_SECTION = 11
    QNN_SYSTEM_PROFILE_METHOD_TYPE_CONTEXT_FINALIZE = 12
    QNN_SYSTEM_PROFILE_METHOD_TYPE_CONTEXT_GET_BINARY_SIZE = 13
    QNN_SYSTEM_PROFILE_METHOD_TYPE_CONTEXT_GET_BINARY = 14
    QNN_SYSTEM_PROFILE_METHOD_TYPE_CONTEXT_GET_BINARY_SECTION_SIZE = 15


class QnnSystemProfile_EventDataType_t(IntEnum):
    QNN_SYSTEM_PROFILE_EVENT_DATA = 0
    QNN_SYSTEM_PROFILE_EXTENDED_EVENT_DATA = 1
    QNN_SYSTEM_PROFILE_EVENT_DATA_UNDEFINED = 0x7FFFFFFF


class QnnSystemProfile_ProfileDataVersion_t(IntEnum):
    QNN_SYSTEM_PROFILE_DATA_VERSION_1 = 0x01
    QNN_SYSTEM_PROFILE_DATA_VERSION_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnSystemProfile_Error_t, QnnSystemProfile_SerializationTargetType_t,
              QnnSystemProfile_SerializationTargetConfigType_t, QnnSystemProfile_Visibility_t,
              QnnSystemProfile_MethodType_t, QnnSystemProfile_EventDataType_t, QnnSystemProfile_ProfileDataVersion_t):
    export(_enum, globals())
E = QnnSystemProfile_Error_t
_OK = E.QNN_SYSTEM_PROFILE_NO_ERROR
_FILE = QnnSystemProfile_SerializationTargetType_t.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_FILE
_CONFIG = QnnSystemProfile_SerializationTargetConfigType_t


@dataclass(slots=True)
class QnnSystemProfile_SerializationTargetFile_t:
    fileName: str | None = None
    fileDirectory: str | None = None


@dataclass(slots=True)
class QnnSystemProfile_SerializationTarget_t:
    type: int = QnnSystemProfile_SerializationTargetType_t.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_UNDEFINED
    file: QnnSystemProfile_SerializationTargetFile_t = field(default_factory=QnnSystemProfile_SerializationTargetFile_t)


@dataclass(slots=True)
class QnnSystemProfile_SerializationFileHeader_t:
    appName: str | None = None
    appVersion: str | None = None
    backendVersion: str | None = None


@dataclass(slots=True)
class QnnSystemProfile_SerializationTargetConfig_t:
    type: int = _CONFIG.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_UNDEFINED
    maxNumMessages: int = 0
    serializationHeader: QnnSystemProfile_SerializationFileHeader_t = field(
        default_factory=QnnSystemProfile_SerializationFileHeader_t)


@dataclass(slots=True)
class QnnSystemProfile_HeaderV1_t:
    startTime: int = 0
    stopTime: int = 0
    startMem: int = 0
    stopMem: int = 0
    methodType: int = QnnSystemProfile_MethodType_t.QNN_SYSTEM_PROFILE_METHOD_TYPE_NONE
    visibility: int = QnnSystemProfile_Visibility_t.QNN_SYSTEM_PROFILE_VISIBILITY_PUBLIC
    graphName: str | None = None


@dataclass(slots=True)
class QnnSystemProfile_ProfileEventV1_t:
    """``eventData`` is a QnnProfile_EventData_t; for EXTENDED records its ``value`` holds the
    extended value and ``timestamp`` is kept beside it."""
    type: int = QnnSystemProfile_EventDataType_t.QNN_SYSTEM_PROFILE_EVENT_DATA_UNDEFINED
    eventData: QnnProfile_EventData_t = field(default_factory=QnnProfile_EventData_t)
    timestamp: int = 0
    profileSubEventData: list = field(default_factory=list)
    numSubEvents: int = 0


@dataclass(slots=True)
class QnnSystemProfile_ProfileDataV1_t:
    header: QnnSystemProfile_HeaderV1_t = field(default_factory=QnnSystemProfile_HeaderV1_t)
    profilingEvents: list = field(default_factory=list)
    numProfilingEvents: int = 0


@dataclass(slots=True)
class QnnSystemProfile_ProfileData_t:
    version: int = QnnSystemProfile_ProfileDataVersion_t.QNN_SYSTEM_PROFILE_DATA_VERSION_UNDEFINED
    v1: QnnSystemProfile_ProfileDataV1_t = field(default_factory=QnnSystemProfile_ProfileDataV1_t)


class Target:
    """An open serialization file; records past ``limit`` are dropped (and said so once)."""

    def __init__(self, path: str, limit: int | None, header: QnnSystemProfile_SerializationFileHeader_t | None):
        self.path, self.limit, self.written = path, limit, 0
        self.file = open(path, "w", encoding="utf-8")
        if header is not None:
            self.file.write(json.dumps({"appName": header.appName, "appVersion": header.appVersion,
                                        "backendVersion": header.backendVersion}) + "\n")


def _target(handle) -> Target:
    obj = _handles.get(handle, _lookup.SERIALIZATION_TARGET)
    if obj is None:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_HANDLE,
             _lookup._why(handle, "serialization target", "QnnSystemProfile_createSerializationTarget"))
    return obj


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"{what} must be a non-empty string, got {value!r}")
    return value


@qnn_api(_OK, outputs=1)
def QnnSystemProfile_createSerializationTarget(serializationTargetInfo, configs, numConfigs):
    """All configs are checked before the file is created."""
    info = serializationTargetInfo
    if not isinstance(info, QnnSystemProfile_SerializationTarget_t):
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"{info!r} is not a QnnSystemProfile_SerializationTarget_t")
    if info.type != _FILE:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_UNSUPPORTED_FEATURE, f"serialization target type {info.type!r} is not FILE (1)")
    path = os.path.join(_text(info.file.fileDirectory, "fileDirectory"), _text(info.file.fileName, "fileName"))
    items = config_list(configs, E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, "configs")
    if numConfigs != len(items):
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"numConfigs is {numConfigs!r} but {len(items)} configs are given")
    limit, header = None, None
    for item in items:
        if not isinstance(item, QnnSystemProfile_SerializationTargetConfig_t):
            fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"{item!r} is not a QnnSystemProfile_SerializationTargetConfig_t")
        if item.type == _CONFIG.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_MAX_NUM_MESSAGES:
            if not isinstance(item.maxNumMessages, int) or not 0 <= item.maxNumMessages < 1 << 32:
                fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"maxNumMessages {item.maxNumMessages!r} is not a uint32")
            limit = item.maxNumMessages
        elif item.type == _CONFIG.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_SERIALIZATION_HEADER:
            header = item.serializationHeader
        else:
            fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"serialization target config type {item.type!r} is unknown")
    if not os.path.isdir(info.file.fileDirectory):
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"fileDirectory {info.file.fileDirectory!r} is not a directory")
    try:
        target = Target(path, limit, header)
    except OSError as err:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"cannot write {path}: {err.strerror}")
    return _handles.new(_lookup.SERIALIZATION_TARGET, target)


MAX_EVENT_DEPTH = 64  # sub-events nest at most this deep (real trees are 2 or 3 levels)


def _event_json(event, depth: int = 0) -> dict:
    if not isinstance(event, QnnSystemProfile_ProfileEventV1_t) or not isinstance(event.eventData, QnnProfile_EventData_t):
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"{event!r} is not a QnnSystemProfile_ProfileEventV1_t")
    if depth > MAX_EVENT_DEPTH:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"sub-events nest deeper than {MAX_EVENT_DEPTH} levels")
    data = event.eventData
    subs = list(event.profileSubEventData or [])
    return {"type": data.type, "unit": data.unit, "value": data.value, "identifier": data.identifier,
            "extended": event.type == QnnSystemProfile_EventDataType_t.QNN_SYSTEM_PROFILE_EXTENDED_EVENT_DATA,
            "timestamp": event.timestamp, "subEvents": [_event_json(s, depth + 1) for s in subs]}


def _record_json(record) -> str:
    if not isinstance(record, QnnSystemProfile_ProfileData_t) or \
            record.version != QnnSystemProfile_ProfileDataVersion_t.QNN_SYSTEM_PROFILE_DATA_VERSION_1:
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"{record!r} is not a version-1 QnnSystemProfile_ProfileData_t")
    h = record.v1.header
    try:
        method = QnnSystemProfile_MethodType_t(h.methodType).name.removeprefix("QNN_SYSTEM_PROFILE_METHOD_TYPE_")
    except ValueError:
        method = h.methodType
    return json.dumps({"method": method, "graph": h.graphName, "startTime": h.startTime, "stopTime": h.stopTime,
                       "startMem": h.startMem, "stopMem": h.stopMem, "visibility": h.visibility,
                       "events": [_event_json(e) for e in record.v1.profilingEvents or []]})


@qnn_api(_OK)
def QnnSystemProfile_serializeEventData(serializationTarget, eventData, numEvents):
    """Every record is checked and formatted before any line is written."""
    target = _target(serializationTarget)
    records = config_list(eventData, E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, "eventData")
    if numEvents != len(records):
        fail(E.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT, f"numEvents is {numEvents!r} but {len(records)} records are given")
    lines = [_record_json(r) for r in records]
    room = len(lines) if target.limit is None else max(0, target.limit - target.written)
    if room < len(lines):
        _log.emit(_log.WARN, f"serialization target {target.path}: maxNumMessages ({target.limit}) reached; "
                             f"{len(lines) - room} record(s) dropped")
    target.file.writelines(line + "\n" for line in lines[:room])
    target.file.flush()
    target.written += min(room, len(lines))


@qnn_api(_OK)
def QnnSystemProfile_freeSerializationTarget(serializationTarget):
    target = _target(serializationTarget)
    target.file.close()
    _handles.free(serializationTarget)
