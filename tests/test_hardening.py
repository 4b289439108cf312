"""Hostile binaries that used to hang, crash into GENERAL or copy before checking."""
import struct
import time

from qnnpy import QnnBackend, QnnContext, QnnSystemContext
from qnnpy.htp import container
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, \
    QnnContext_Config_t
from tests.fuzz.binaries import repack, sample_binaries, split


def _load(binary, configs=None):
    _, backend = QnnBackend.QnnBackend_create(None, None)
    try:
        return QnnContext.QnnContext_createFromBinary(backend, None, configs, binary, len(binary), None)[0]
    finally:
        QnnBackend.QnnBackend_free(backend)


def test_a_huge_data_reference_is_refused_at_once_under_a_memory_limit():
    """The residency digest used to hash [0, 2**62] of a graph not yet validated: minutes."""
    base, _ = sample_binaries()
    header, meta, data = split(base)
    tensor = next(t for t in meta["graphs"][1]["tensors"] if t.get("data") is not None)
    tensor["data"] = [0, 2 ** 62]
    configs = [QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT, memoryLimitHint=1),
               QnnContext_Config_t(QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=1)]
    start = time.perf_counter()
    assert _load(repack(header, meta, data), configs) == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY
    assert time.perf_counter() - start < 1


def test_out_of_range_fields_are_refused_not_wrapped():
    base, _ = sample_binaries()
    for path, value in ((("graphs", 0, "tensors", 0, "id"), 2 ** 40), (("graphs", 0, "tensors", 0, "dims", 0), 2 ** 33),
                        (("graphs", 0, "name"), 5), (("graphs", 0, "tensors", 0, "dtype"), float("inf"))):
        header, meta, data = split(base)
        node = meta
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        assert _load(repack(header, meta, data)) == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, path


def test_what_the_system_library_or_execute_would_refuse_is_refused_at_load():
    """Found by the fuzz campaign's accepted-invalid oracle: a build id that is not a string
    loaded but could not be described; a graph tensor without its id loaded but no client
    could then name it at execute. Both are refused at load now, and still at description."""
    base, _ = sample_binaries()
    for mutate in (lambda meta: meta.update(build_id=[1, 2]), lambda meta: meta["graphs"][1]["tensors"][3].pop("id"),
                   lambda meta: meta["context_tensors"].append(dict(meta["graphs"][0]["tensors"][0], id=None))):
        header, meta, data = split(base)
        mutate(meta)
        mutated = repack(header, meta, data)
        assert _load(mutated) == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY
        _, system = QnnSystemContext.QnnSystemContext_create()
        assert QnnSystemContext.QnnSystemContext_getBinaryInfo(system, mutated, len(mutated))[0] != 0
        QnnSystemContext.QnnSystemContext_free(system)


def test_offsets_outside_int32_are_refused():
    base, _ = sample_binaries()
    header, meta, data = split(base)
    meta["graphs"][0]["tensors"][0]["encoding"] = {"scales": [0.1], "offsets": [2 ** 31], "axis": None,
                                                   "bitwidth": None}
    assert _load(repack(header, meta, data)) == QnnContext.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY


def test_reserved_header_bytes_must_be_zero():
    base, _ = sample_binaries()
    data = bytearray(base)
    data[container.HEADER.size] = 1
    data[container.CHECKSUM_AT:container.CHECKSUM_AT + 8] = struct.pack("<Q", container.checksum(memoryview(data)))
    assert _load(bytes(data)) == QnnSystemContext.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT  # not our format


def test_utility_writes_no_partial_file_for_a_binary_it_cannot_describe(tmp_path, capsys):
    from qnnpy.tools import cli
    base, _ = sample_binaries()
    header, meta, data = split(base)
    meta["build_id"] = b"\x00\x01"
    (tmp_path / "odd.bin").write_bytes(repack(header, meta, data))
    assert cli.main(["context-binary-utility", "--context_binary", str(tmp_path / "odd.bin"), "--json_file",
                     str(tmp_path / "out.json")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.bin"]
