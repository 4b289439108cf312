"""The Backend protocol (qnnpy.backend_api) is the whole of what the API modules use of a
backend: the HTP backend provides every member with the same parameters, and the API modules
call nothing outside it."""
import inspect
import pathlib
import re

from qnnpy.backend_api import Backend
from qnnpy.htp.backend import HtpBackend

API_MODULES = sorted((pathlib.Path(__file__).resolve().parents[1] / "qnnpy").glob("Qnn*.py"))


def _members():
    methods = {name for name, value in vars(Backend).items() if callable(value) and not name.startswith("_")}
    return methods, set(Backend.__annotations__)


def test_the_htp_backend_provides_the_protocol():
    methods, attributes = _members()
    for name in methods:
        expected = list(inspect.signature(getattr(Backend, name)).parameters)[1:]  # without self
        got = [p for p in inspect.signature(getattr(HtpBackend, name)).parameters if p != "self"]
        assert got == expected, (name, got, expected)
    backend = HtpBackend(None)
    assert all(hasattr(backend, name) for name in attributes)


def test_api_modules_use_nothing_outside_the_protocol():
    methods, attributes = _members()
    used = set()
    for path in API_MODULES:
        text = path.read_text()
        used |= set(re.findall(r"\bbackend\.([a-z_]+)", text))
        if path.name == "QnnBackend.py":  # there the backend object is named obj
            used |= set(re.findall(r"\bobj\.([a-z_]+)\(", text))
    assert used and used <= methods | attributes, used - (methods | attributes)


def test_a_second_binary_reader_plugs_into_the_system_context():
    """QnnSystemContext asks its readers in turn; one that knows its own format answers for it,
    and qnnpy's HTP binaries still read as before."""
    from qnnpy import QnnSystemContext as S
    from tests.test_context_binary import _shared_binary
    own = S.QnnSystemContext_BinaryInfo_t()
    own.contextBinaryInfoV3.buildId = "another backend"

    def reader(buffer, size):
        return own if bytes(buffer[:4]) == b"OTHR" else None
    S.register_reader(reader)
    try:
        err, sysctx = S.QnnSystemContext_create()
        assert S.QnnSystemContext_getBinaryInfo(sysctx, b"OTHR" + bytes(60), 64) == (0, own, S.SIZEOF_BINARY_INFO)
        blob = _shared_binary()
        err, info, _ = S.QnnSystemContext_getBinaryInfo(sysctx, blob, len(blob))
        assert err == 0 and info.contextBinaryInfoV3.backendId == 6
        assert S.QnnSystemContext_getBinaryInfo(sysctx, b"NONE" + bytes(60), 64)[0] == \
            S.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY
    finally:
        S.READERS.remove(reader)
