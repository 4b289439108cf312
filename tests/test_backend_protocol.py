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
