"""System/QnnSystemProfile: profile records written to a file as JSON lines, every bad argument
answered with a code before anything is written."""
import json

from qnnpy import QnnProfile, QnnSystemProfile as SP

TARGET_FILE = SP.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_FILE


def _target(folder, name="p.log"):
    return SP.QnnSystemProfile_SerializationTarget_t(TARGET_FILE, SP.QnnSystemProfile_SerializationTargetFile_t(
        name, str(folder)))


def _record(graph="g", *events, version=SP.QNN_SYSTEM_PROFILE_DATA_VERSION_1):
    header = SP.QnnSystemProfile_HeaderV1_t(10, 25, 0, 0, SP.QNN_SYSTEM_PROFILE_METHOD_TYPE_BACKEND_EXECUTE, 0, graph)
    return SP.QnnSystemProfile_ProfileData_t(version, SP.QnnSystemProfile_ProfileDataV1_t(header, list(events), len(events)))


def _event(identifier, value, *subs, event_type=QnnProfile.QNN_PROFILE_EVENTTYPE_EXECUTE):
    data = QnnProfile.QnnProfile_EventData_t(event_type, QnnProfile.QNN_PROFILE_EVENTUNIT_MICROSEC, value, identifier)
    return SP.QnnSystemProfile_ProfileEventV1_t(SP.QNN_SYSTEM_PROFILE_EVENT_DATA, data, 0, list(subs), len(subs))


def test_records_are_written_as_json_lines_after_the_header(tmp_path):
    header = SP.QnnSystemProfile_SerializationTargetConfig_t(
        SP.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_SERIALIZATION_HEADER,
        serializationHeader=SP.QnnSystemProfile_SerializationFileHeader_t("app", "7", "2.40.0"))
    err, target = SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path), [header], 1)
    assert err == 0
    node = _event("mm", 3, event_type=QnnProfile.QNN_PROFILE_EVENTTYPE_NODE)
    assert SP.QnnSystemProfile_serializeEventData(target, [_record("g", _event("g", 15, node))], 1) == 0
    assert SP.QnnSystemProfile_freeSerializationTarget(target) == 0
    first, record = [json.loads(line) for line in (tmp_path / "p.log").read_text().splitlines()]
    assert first == {"appName": "app", "appVersion": "7", "backendVersion": "2.40.0"}
    assert record["method"] == "BACKEND_EXECUTE" and record["graph"] == "g" and record["stopTime"] == 25
    (execute,) = record["events"]
    assert (execute["type"], execute["value"], execute["identifier"]) == (400, 15, "g")
    assert [(s["type"], s["identifier"], s["value"]) for s in execute["subEvents"]] == [(404, "mm", 3)]


def test_max_messages_keeps_the_first_records(tmp_path):
    limit = SP.QnnSystemProfile_SerializationTargetConfig_t(
        SP.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_MAX_NUM_MESSAGES, maxNumMessages=2)
    _, target = SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path), [limit], 1)
    assert SP.QnnSystemProfile_serializeEventData(target, [_record("a"), _record("b"), _record("c")], 3) == 0
    assert SP.QnnSystemProfile_serializeEventData(target, [_record("d")], 1) == 0
    SP.QnnSystemProfile_freeSerializationTarget(target)
    assert [json.loads(line)["graph"] for line in (tmp_path / "p.log").read_text().splitlines()] == ["a", "b"]


def test_bad_arguments_get_codes_and_write_nothing(tmp_path):
    undefined = SP.QnnSystemProfile_SerializationTarget_t()
    assert SP.QnnSystemProfile_createSerializationTarget(undefined, None, 0)[0] == \
        SP.QNN_SYSTEM_PROFILE_ERROR_UNSUPPORTED_FEATURE
    assert SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path / "missing"), None, 0)[0] == \
        SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT
    assert SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path), None, 2)[0] == \
        SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT
    unknown = SP.QnnSystemProfile_SerializationTargetConfig_t(7)
    assert SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path), [unknown], 1)[0] == \
        SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT
    assert not (tmp_path / "p.log").exists()  # refused before the file was created
    err, target = SP.QnnSystemProfile_createSerializationTarget(_target(tmp_path), None, 0)
    deep = _event("leaf", 1)
    for level in range(SP.MAX_EVENT_DEPTH + 2):
        deep = _event(f"e{level}", 1, deep)
    bad_batches = [[_record("ok"), _record("v2", version=2)], [_record("ok"), _record("deep", deep)],
                   [_record("ok"), "not a record"]]
    for batch in bad_batches:  # the valid first record must not be written either
        assert SP.QnnSystemProfile_serializeEventData(target, batch, len(batch)) == \
            SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT
    assert SP.QnnSystemProfile_serializeEventData(target, [_record("ok")], 2) == \
        SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_ARGUMENT
    assert SP.QnnSystemProfile_serializeEventData(12345, [_record("ok")], 1) == SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_HANDLE
    assert SP.QnnSystemProfile_freeSerializationTarget(target) == 0
    assert SP.QnnSystemProfile_freeSerializationTarget(target) == SP.QNN_SYSTEM_PROFILE_ERROR_INVALID_HANDLE
    assert (tmp_path / "p.log").read_text() == ""
