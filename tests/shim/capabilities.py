"""Print what a QNN backend library answers to QnnProperty_hasCapability for every key qnnpy
knows, as JSON: ``python -m tests.shim.capabilities LIBRARY``. Calls the library's own table
(index 0 of its first provider) through ctypes, in a process of its own."""
import ctypes
import json
import sys

from qnnpy import QnnHtpProperty, QnnProperty

TABLE_OFFSET = 40  # QnnInterface_t: backendId, providerName, Qnn_ApiVersion_t, then the table


def keys() -> dict[str, int]:
    return {name: int(getattr(module, name)) for module in (QnnProperty, QnnHtpProperty) for name in dir(module)
            if name.startswith("QNN_PROPERTY_") and ("_SUPPORT" in name or "_GROUP_" in name
                                                     or name == "QNN_PROPERTY_ERROR_GET_VERBOSE_MESSAGE")}


def answers(library: str) -> dict[str, int]:
    lib = ctypes.CDLL(library)
    providers, count = ctypes.POINTER(ctypes.c_void_p)(), ctypes.c_uint32()
    assert lib.QnnInterface_getProviders(ctypes.byref(providers), ctypes.byref(count)) == 0 and count.value
    table = ctypes.cast(ctypes.c_void_p(providers[0] + TABLE_OFFSET), ctypes.POINTER(ctypes.c_void_p))
    has_capability = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_uint32)(table[0])
    return {name: int(has_capability(value)) for name, value in keys().items()}


if __name__ == "__main__":
    print(json.dumps(answers(sys.argv[1])))
