"""The wheel's own libGenie.so, driven through ctypes in a process of its own (it brings its
own C++ runtime): ``python -m tests.genie.real_genie configs LIB`` reads a JSON list of dialog
configs on stdin and prints GenieDialogConfig_createFromJson's status for each;
``python -m tests.genie.real_genie dialog FOLDER CONFIG PROMPT`` runs a dialog whose QNN backend
is whatever libQnnHtp.so sits beside libGenie.so in FOLDER and prints, as JSON, the status of
each call and the graphs qnnpy executed (when the backend is qnnpy's shim);
``python -m tests.genie.real_genie turns FOLDER CONFIG MAX_TOKENS PROMPT...`` runs one query per
prompt ("CODE:TEXT" for a sentence code other than COMPLETE) with setMaxNumTokens and prints
the token ids each query fed (qnnpy's shim as backend), the pieces it streamed, and the
context occupancy after it."""
import ctypes
import json
import sys


def configs(library: str) -> None:
    lib = ctypes.CDLL(library)
    statuses = []
    for doc in json.loads(sys.stdin.read()):
        handle = ctypes.c_void_p()
        statuses.append(lib.GenieDialogConfig_createFromJson(json.dumps(doc).encode(), ctypes.byref(handle)))
        if statuses[-1] == 0:
            lib.GenieDialogConfig_free(handle)
    print(json.dumps(statuses))


def dialog(folder: str, config_path: str, prompt: str) -> None:
    executed = []
    try:  # when the backend is qnnpy's shim, it runs in this interpreter: watch its executes
        from qnnpy import QnnGraph
        original = QnnGraph.QnnGraph_execute

        def watched(graph, inputs, *rest):
            executed.append(int(inputs[0].v2.dimensions[-1]) if inputs else 0)
            return original(graph, inputs, *rest)
        QnnGraph.QnnGraph_execute = watched
    except ImportError:
        pass
    lib = ctypes.CDLL(f"{folder}/libGenie.so")
    config, handle = ctypes.c_void_p(), ctypes.c_void_p()
    result = {"config": lib.GenieDialogConfig_createFromJson(open(config_path).read().encode(), ctypes.byref(config))}
    result["create"] = lib.GenieDialog_create(config, ctypes.byref(handle))
    if result["create"] == 0:
        callback = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p)(lambda text, code, data: None)
        result["query"] = lib.GenieDialog_query(handle, prompt.encode(), 0, callback, None)
        lib.GenieDialog_free(handle)
    result["input_ids_widths"] = executed
    print(json.dumps(result))


def turns(folder: str, config_path: str, max_tokens: str, *prompts: str) -> None:
    """The ids of input_ids each query fed, call by call (the valid part of each call)."""
    import numpy as np

    from qnnpy import QnnGraph
    calls = []
    original = QnnGraph.QnnGraph_execute

    def watched(graph, inputs, *rest):
        ids = next(t for t in inputs if t.v1.name == "input_ids")
        width = int(ids.v1.dimensions[ids.v1.rank - 1])
        calls.append(np.asarray(ids.v1.clientBuf.data).view(np.int32).ravel()[:width].tolist())
        return original(graph, inputs, *rest)
    QnnGraph.QnnGraph_execute = watched
    lib = ctypes.CDLL(f"{folder}/libGenie.so")
    config, handle = ctypes.c_void_p(), ctypes.c_void_p()
    assert lib.GenieDialogConfig_createFromJson(open(config_path).read().encode(), ctypes.byref(config)) == 0
    assert lib.GenieDialog_create(config, ctypes.byref(handle)) == 0
    assert lib.GenieDialog_setMaxNumTokens(handle, ctypes.c_uint32(int(max_tokens))) == 0
    lora = json.load(open(config_path))["dialog"]["engine"]["model"]["binary"].get("lora")
    if lora:  # the config's first adapter at strength 1 (Genie writes the alpha input once an adapter is applied)
        assert lib.GenieDialog_applyLora(handle, b"primary", lora["adapters"][0]["name"].encode()) == 0
        assert lib.GenieDialog_setLoraStrength(handle, b"primary", lora["alpha-tensor-name"].encode(),
                                               ctypes.c_float(1.0)) == 0
    pieces = []
    callback = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p)(
        lambda text, code, data: pieces.append([text.decode("utf-8", "replace"), code]))
    fed = []
    for prompt in prompts:  # "TEXT", or "CODE:TEXT" for a sentence code other than COMPLETE
        code, text = (int(prompt[0]), prompt[2:]) if prompt[:1].isdigit() and prompt[1:2] == ":" else (0, prompt)
        calls.clear()
        pieces.clear()
        status = lib.GenieDialog_query(handle, text.encode(), code, callback, None)
        kind, value = ctypes.c_int(), ctypes.c_uint64()
        lib.GenieDialog_getValue(handle, 0, None, ctypes.byref(kind), ctypes.byref(value))
        fed.append({"status": status, "calls": list(calls), "pieces": list(pieces), "occupancy": value.value})
    lib.GenieDialog_free(handle)
    print(json.dumps(fed))


if __name__ == "__main__":
    {"configs": configs, "dialog": dialog, "turns": turns}[sys.argv[1]](*sys.argv[2:])
