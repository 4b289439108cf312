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


def _open(folder: str, config_path: str, max_tokens: str):
    """(library, dialog handle, the ids each graph call fed): a dialog with setMaxNumTokens and
    the config's first adapter at strength 1 (Genie writes the alpha input once an adapter is
    applied), its backend watched (qnnpy's shim runs in this interpreter)."""
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
    return lib, _dialog(lib, config_path, max_tokens), calls


def _dialog(lib, config_path: str, max_tokens: str):
    config, handle = ctypes.c_void_p(), ctypes.c_void_p()
    assert lib.GenieDialogConfig_createFromJson(open(config_path).read().encode(), ctypes.byref(config)) == 0
    assert lib.GenieDialog_create(config, ctypes.byref(handle)) == 0
    assert lib.GenieDialog_setMaxNumTokens(handle, ctypes.c_uint32(int(max_tokens))) == 0
    lora = json.load(open(config_path))["dialog"]["engine"]["model"]["binary"].get("lora")
    if lora:
        assert lib.GenieDialog_applyLora(handle, b"primary", lora["adapters"][0]["name"].encode()) == 0
        assert lib.GenieDialog_setLoraStrength(handle, b"primary", lora["alpha-tensor-name"].encode(),
                                               ctypes.c_float(1.0)) == 0
    return handle


def _occupancy(lib, handle, key: int = 0) -> int:
    """The positions in use (key 0), or with key 2 the tokens sampled since the last COMPLETE
    or BEGIN query (a key Genie's header does not name)."""
    kind, value = ctypes.c_int(), ctypes.c_uint64()
    lib.GenieDialog_getValue(handle, key, None, ctypes.byref(kind), ctypes.byref(value))
    return value.value


def turns(folder: str, config_path: str, max_tokens: str, *prompts: str) -> None:
    """The ids of input_ids each query fed, call by call (the valid part of each call)."""
    lib, handle, calls = _open(folder, config_path, max_tokens)
    pieces = []
    callback = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p)(
        lambda text, code, data: pieces.append([text.decode("utf-8", "replace"), code]))
    fed = []
    for prompt in prompts:  # "TEXT", or "CODE:TEXT" for a sentence code other than COMPLETE
        code, text = (int(prompt[0]), prompt[2:]) if prompt[:1].isdigit() and prompt[1:2] == ":" else (0, prompt)
        calls.clear()
        pieces.clear()
        status = lib.GenieDialog_query(handle, text.encode(), code, callback, None)
        fed.append({"status": status, "calls": list(calls), "pieces": list(pieces),
                    "occupancy": _occupancy(lib, handle)})
    lib.GenieDialog_free(handle)
    print(json.dumps(fed))


class _Session:
    """One library, dialogs opened on it one after another, every call recorded: its status, the
    ids it fed, what it streamed (token ids or text, with codes), and the context occupancy."""

    def __init__(self, folder: str, config_path: str):
        self.config_path = config_path
        self.lib, self.dialog, self.calls = _open(folder, config_path, "5")
        self.out, self.stream, self.plan = [], [], {"signal": None, "after": 0}
        self.logits = []  # what a custom sampler was given, row by row
        self.count_sampled = False  # also record key 2 (only where its rules are plain: _samplers)
        tokens = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_uint32), ctypes.c_uint32, ctypes.c_int, ctypes.c_void_p)
        text = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)  # NULL and "" told apart
        self.on_tokens = tokens(lambda p, n, code, data: self._seen([[p[i] for i in range(n)] if p else None, code]))
        self.on_text = text(lambda t, code, data: self._seen(
            [None if t is None else ctypes.string_at(t).decode("utf-8", "replace"), code]))

    def _seen(self, item) -> None:
        self.stream.append(item)
        if self.plan["signal"] and len(self.stream) == self.plan["after"]:  # from the reply's own callback
            self.stream.append(["signal", self.lib.GenieDialog_signal(self.dialog, self.plan["signal"])])
            self.plan["signal"] = None

    def fresh(self) -> None:
        self.lib.GenieDialog_free(self.dialog)
        self.dialog = _dialog(self.lib, self.config_path, "5")
        self.out.append({"call": "fresh dialog"})

    def record(self, what: str, call, occupancy: bool = True) -> None:
        self.calls.clear()
        self.stream.clear()
        status = call(self.lib, self.dialog)
        self.out.append({"call": what, "status": status, "calls": list(self.calls), "stream": list(self.stream),
                         "occupancy": _occupancy(self.lib, self.dialog) if occupancy else None})
        if self.count_sampled:
            self.out[-1]["sampled"] = _occupancy(self.lib, self.dialog, 2)

    def token_query(self, tokens, code=0, callback=True, count=None):
        array = None if tokens is None else (ctypes.c_uint32 * max(1, len(tokens)))(*tokens)
        count = len(tokens) if count is None else count
        self.record(f"tokenQuery {tokens} {code}", lambda lib, d: lib.GenieDialog_tokenQuery(
            d, array, count, code, self.on_tokens if callback else None, None))

    def query(self, text: str, code=0, signal=None, after=0, occupancy=True):
        self.plan.update(signal=signal, after=after)
        self.record(f"query {text!r} {code}", lambda lib, d: lib.GenieDialog_query(d, text.encode(), code,
                                                                                    self.on_text, None), occupancy)


def _tokens_aborts_saves(s: _Session, save_dir: str) -> None:
    # token queries: first, follow-up, empty, in pieces, REWIND (matched as given), bad arguments
    s.token_query([10, 20, 30]), s.token_query([40, 41]), s.token_query([])
    s.token_query([10, 20], 1), s.token_query([30], 2), s.token_query([31], 3)
    s.token_query([0, 10, 20], 5), s.token_query([77], 5), s.token_query([10, 20, 30, 40], 5)
    s.token_query(None, count=3), s.token_query([1], callback=False), s.token_query([1], 6), s.token_query([1], 9)
    s.token_query([10, 255])
    for action in (3, 0):
        s.record(f"signal {action}", lambda lib, d: lib.GenieDialog_signal(d, action))
    s.fresh()  # ABORT from the reply's callback, a follow-up, an ABORT while idle (no effect)
    s.query("the fox", signal=1, after=3), s.query(" runs")
    s.record("signal ABORT idle", lambda lib, d: lib.GenieDialog_signal(d, 1))
    s.query(" again")
    s.fresh()  # save and restore: nothing to save yet, a file in the way, a round trip, a new dialog
    s.record("save fresh", lambda lib, d: lib.GenieDialog_save(d, f"{save_dir}/fresh".encode()))
    s.record("save NULL", lambda lib, d: lib.GenieDialog_save(d, None))
    s.record("restore NULL", lambda lib, d: lib.GenieDialog_restore(d, None))
    s.query("the fox")
    s.record("save", lambda lib, d: lib.GenieDialog_save(d, f"{save_dir}/state/nested".encode()))
    s.query(" runs")
    s.record("restore", lambda lib, d: lib.GenieDialog_restore(d, f"{save_dir}/state/nested".encode()))
    s.query(" runs")
    s.fresh()
    s.record("restore into a new dialog",
             lambda lib, d: lib.GenieDialog_restore(d, f"{save_dir}/state/nested".encode()))
    s.query(" runs")
    open(f"{save_dir}/a_file", "w").write("x")  # last: the real library fails later queries after it
    s.record("save onto a file", lambda lib, d: lib.GenieDialog_save(d, f"{save_dir}/a_file".encode()))
    s.fresh()  # priorities, OEM keys
    for priority in (0, 100, 150, 200, 50):
        s.record(f"setPriority {priority}", lambda lib, d: lib.GenieDialog_setPriority(d, b"primary", priority))
    for role in (b"target", b"draft", b"sidekick", None):
        s.record(f"setPriority {role}", lambda lib, d: lib.GenieDialog_setPriority(d, role, 100))
    s.record("setOemKey", lambda lib, d: lib.GenieDialog_setOemKey(d, b"key"))
    s.record("setOemKey NULL", lambda lib, d: lib.GenieDialog_setOemKey(d, None))


def _stop_sequences(s: _Session, _) -> None:
    for text in (b'["c"]', b"", b"[", b'{"stop-sequence": "c"}', b'{"stop-sequence": [1]}', b'{"stop": ["c"]}',
                 b"{}", None):
        s.record(f"setStopSequence {text}", lambda lib, d: lib.GenieDialog_setStopSequence(d, text))
    s.record("set y m", lambda lib, d: lib.GenieDialog_setStopSequence(d, b'{"stop-sequence": ["y m", "zz"]}'))
    s.query("the fox"), s.query(" runs")  # a cut reply holding "y " back: the next reply shows it first
    s.fresh()
    s.record("set c", lambda lib, d: lib.GenieDialog_setStopSequence(d, b'{"stop-sequence": ["ch", "c"]}'))
    # the reply stops at "c": same stream and feeds; the real library then drops one token too many
    # from its cache (docs/genie.md), so the occupancy is not compared and the scenario ends here
    s.query("the fox", occupancy=False)


def _samplers(s: _Session, _) -> None:
    """Sampler configs and custom samplers: the callback is given the logits and a script of
    tokens to choose, so both libraries stream the same bytes — split characters, bytes that
    are no UTF-8, a special token — whatever the model would have said."""
    kept = []
    s.count_sampled = True  # eos, a stop sequence's last token, cut replies, BEGIN/END: all counted alike
    process = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_int32))
    with_data = ctypes.CFUNCTYPE(None, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32,
                                 ctypes.POINTER(ctypes.c_int32), ctypes.c_void_p)
    script = []

    def choose(size, logits, count, tokens, *user):
        s.logits.append(ctypes.cast(logits, ctypes.POINTER(ctypes.c_float))[:size // 4])
        s.stream.append(["sampled", size, count, *user])
        tokens[0] = script.pop(0) if script else 1

    def config(text):
        handle = ctypes.c_void_p()
        s.record(f"sampler config {text}", lambda lib, d: lib.GenieSamplerConfig_createFromJson(text, ctypes.byref(handle)),
                 occupancy=False)
        return handle

    sampler = ctypes.c_void_p()
    s.record("getSampler", lambda lib, d: lib.GenieDialog_getSampler(d, ctypes.byref(sampler)), occupancy=False)
    s.record("getSampler NULL", lambda lib, d: lib.GenieDialog_getSampler(d, None), occupancy=False)
    for text in (b'{"sampler": {"version": 1, "temp": 0.0}}', b'{"version": 1, "temp": 0.0}', b'{"sampler": {"temp": 0}}',
                 b'{"sampler": {"version": 1, "top-k": 1, "x": 2}}', b"not json", b'{"sampler": {"version": 1, "top-p": 2}}',
                 b'{"sampler": {"version": 1, "type": "custom"}}'):
        config(text)
    edited = config(b'{"sampler": {"version": 1, "seed": 5, "temp": 0.9, "top-k": 40, "top-p": 0.95}}')
    for key, value in ((b"top-p", b"0.8"), (b"temp", b" 0.7"), (b"top-k", b"1.5"), (b"seed", b"-3"), (b"greedy", b"true"),
                       (b"bogus", b"1"), (b"top-p", b"abc"), (b"temp", b""), (b"type", b"basic")):
        s.record(f"setParam {key} {value}", lambda lib, d: lib.GenieSamplerConfig_setParam(edited, key, value),
                 occupancy=False)
    s.record("setParam NULL config", lambda lib, d: lib.GenieSamplerConfig_setParam(None, b"temp", b"1"), occupancy=False)
    s.record("apply edited", lambda lib, d: lib.GenieSampler_applyConfig(sampler, edited), occupancy=False)
    s.query("the fox")  # top-k read as 1 from "1.5": greedy
    warm = config(b'{"sampler": {"version": 1, "temp": 0.7, "top-p": 0.5}}')
    s.record("apply without top-k", lambda lib, d: lib.GenieSampler_applyConfig(sampler, warm), occupancy=False)
    s.query(" runs")  # top-k 1 stays: still greedy
    s.record("apply NULL config", lambda lib, d: lib.GenieSampler_applyConfig(sampler, None), occupancy=False)
    s.record("apply NULL sampler", lambda lib, d: lib.GenieSampler_applyConfig(None, warm), occupancy=False)
    s.record("free", lambda lib, d: lib.GenieSamplerConfig_free(warm), occupancy=False)
    s.record("free again", lambda lib, d: lib.GenieSamplerConfig_free(warm), occupancy=False)
    s.record("register NULL", lambda lib, d: lib.GenieSampler_registerCallback(b"script", None), occupancy=False)
    kept += [process(lambda *a: None), process(choose), with_data(choose)]
    s.record("register", lambda lib, d: lib.GenieSampler_registerCallback(b"script", kept[0]), occupancy=False)
    s.record("register again", lambda lib, d: lib.GenieSampler_registerCallback(b"script", kept[1]), occupancy=False)
    custom = config(b'{"sampler": {"version": 1, "type": "custom", "callback-name": "script"}}')
    s.record("apply custom", lambda lib, d: lib.GenieSampler_applyConfig(sampler, custom), occupancy=False)
    for tokens, text in (([67, 129, 104, 68], "the fox"), ([67, 129, 68, 69], " a"), ([67, 0, 68], " b"), (None, ""),
                         ([160, 226, 107, 174, 255], "the fox"), ([104, 67], " c")):
        if tokens is None:  # a new dialog before the context fills
            s.fresh()
            s.record("getSampler", lambda lib, d: lib.GenieDialog_getSampler(d, ctypes.byref(sampler)), occupancy=False)
            s.record("apply custom", lambda lib, d: lib.GenieSampler_applyConfig(sampler, custom), occupancy=False)
            continue
        script[:] = tokens
        s.query(text)
    # stop sequences meeting split characters, bad bytes and a special token's text: the same
    # pieces and feeds (the real library's cache then drops tokens by a rule of its own, so
    # the occupancy is not compared: docs/genie.md)
    for stops, tokens in (('{"stop-sequence": ["\\u00e9"]}', [67, 129, 104, 68]),
                          ('{"stop-sequence": ["\\u00e9c"]}', [67, 129, 104, 68, 69]),
                          ('{"stop-sequence": ["x"]}', [67, 129, 68, 69]), ('{"stop-sequence": ["s>"]}', [67, 0, 68])):
        s.fresh()
        s.record("getSampler", lambda lib, d: lib.GenieDialog_getSampler(d, ctypes.byref(sampler)), occupancy=False)
        s.record("apply custom", lambda lib, d: lib.GenieSampler_applyConfig(sampler, custom), occupancy=False)
        s.record(f"stop {stops}", lambda lib, d: lib.GenieDialog_setStopSequence(d, stops.encode()), occupancy=False)
        script[:] = tokens
        s.query("the fox", occupancy=False)
    s.fresh()
    s.record("getSampler", lambda lib, d: lib.GenieDialog_getSampler(d, ctypes.byref(sampler)), occupancy=False)
    s.record("register with data", lambda lib, d: lib.GenieSampler_registerUserDataCallback(
        b"data", kept[2], ctypes.c_void_p(1234)), occupancy=False)
    data = config(b'{"sampler": {"version": 1, "type": "custom", "callback-name": "data"}}')
    s.record("apply with data", lambda lib, d: lib.GenieSampler_applyConfig(sampler, data), occupancy=False)
    script[:] = [70, 71]
    s.query("the fox")
    nobody = config(b'{"sampler": {"version": 1, "type": "custom", "callback-name": "nobody"}}')
    s.record("apply unregistered", lambda lib, d: lib.GenieSampler_applyConfig(sampler, nobody), occupancy=False)
    s.query(" runs", occupancy=False)  # fails at its first token; the scenario ends here


_ALLOC = ctypes.CFUNCTYPE(None, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p))
_LOG = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint64, ctypes.c_void_p)


def _tokenizers_logs_profiles(s: _Session, _) -> None:
    """The tokenizer (encode, decode, their refusals), releaseLoraMemory and a RESUME with
    nothing paused, a logger (statuses, and which levels reach it) and a profile (the JSON's
    layout, event by event, with the token counts; times differ by nature)."""
    held, lib = [], s.lib

    def alloc(size, out):
        held.append(ctypes.create_string_buffer(max(size, 1)))
        out[0] = ctypes.cast(held[-1], ctypes.c_void_p).value
        s.stream.append(["alloc", size])
    give = _ALLOC(alloc)
    tokenizer = ctypes.c_void_p()
    s.record("getTokenizer", lambda lib, d: lib.GenieDialog_getTokenizer(d, ctypes.byref(tokenizer)), occupancy=False)
    s.record("getTokenizer NULL", lambda lib, d: lib.GenieDialog_getTokenizer(d, None), occupancy=False)

    def encode(text, callback=give):
        ids, count = ctypes.POINTER(ctypes.c_int32)(), ctypes.c_uint32()
        status = lib.GenieTokenizer_encode(tokenizer, text, callback, ctypes.byref(ids), ctypes.byref(count))
        s.stream.append(["ids", [ids[i] for i in range(count.value)] if status == 0 else None])
        return status

    def decode(seq, count=None, callback=give):
        array, out = (ctypes.c_int32 * max(1, len(seq)))(*seq), ctypes.c_char_p()
        status = lib.GenieTokenizer_decode(tokenizer, array, len(seq) if count is None else count, callback,
                                           ctypes.byref(out))
        s.stream.append(["text", out.value.decode("utf-8", "replace") if status == 0 else None])
        return status
    for text in (b"the fox", b"", b" a\xc3\xa9", b"<s>x</s>", b"  a\n", None):
        s.record(f"encode {text}", lambda lib, d: encode(text), occupancy=False)
    s.record("encode NULL callback", lambda lib, d: encode(b"x", None), occupancy=False)
    for seq in ([85, 73, 70], [0, 85, 1], [222], [222, 222, 66], [66, 129, 104, 67], [129, 104]):
        s.record(f"decode {seq}", lambda lib, d: decode(seq), occupancy=False)
    s.record("decode count 0", lambda lib, d: decode([85], 0), occupancy=False)
    s.record("decode NULL callback", lambda lib, d: decode([85], None, None), occupancy=False)
    s.record("decode bad bytes", lambda lib, d: decode([66, 189, 67]), occupancy=False)  # last: the real one stays stuck
    policy = ctypes.c_int(-1)

    def set_and_get(d, value):
        set_status = None if value is None else lib.GenieDialog_setPerformancePolicy(d, value)
        return [set_status, lib.GenieDialog_getPerformancePolicy(d, ctypes.byref(policy)), policy.value]
    for value in (None, 10, 90):  # the default, then two set and read back
        s.record(f"policy {value}", lambda lib, d: set_and_get(d, value), occupancy=False)
    s.record("policy NULL out", lambda lib, d: lib.GenieDialog_getPerformancePolicy(d, None), occupancy=False)
    s.record("release B, never applied", lambda lib, d: lib.GenieDialog_releaseLoraMemory(d, b"primary", b"B"))
    s.record("release C, not listed", lambda lib, d: lib.GenieDialog_releaseLoraMemory(d, b"primary", b"C"))
    s.query("x", 6)  # RESUME with nothing paused
    levels = []
    on_log = _LOG(lambda handle, fmt, level, stamp, args: levels.append(level))
    for level in (0, 1, 4, 5):
        log = ctypes.c_void_p()
        s.record(f"log level {level}", lambda lib, d: lib.GenieLog_create(None, on_log, level, ctypes.byref(log)),
                 occupancy=False)
    s.record("log NULL out", lambda lib, d: lib.GenieLog_create(None, on_log, 2, None), occupancy=False)
    s.record("log with a config", lambda lib, d: lib.GenieLog_create(ctypes.c_void_p(8), on_log, 2,
                                                                      ctypes.byref(ctypes.c_void_p())), occupancy=False)
    log, profile, config, dialog = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    lib.GenieLog_create(None, on_log, 1, ctypes.byref(log))
    s.record("profile", lambda lib, d: lib.GenieProfile_create(None, ctypes.byref(profile)), occupancy=False)
    s.record("profile NULL out", lambda lib, d: lib.GenieProfile_create(None, None), occupancy=False)
    lib.GenieDialogConfig_createFromJson(open(s.config_path).read().encode(), ctypes.byref(config))
    for name, call in (("bindLogger", lambda: lib.GenieDialogConfig_bindLogger(config, log)),
                       ("bindLogger NULL", lambda: lib.GenieDialogConfig_bindLogger(config, None)),
                       ("bindProfiler", lambda: lib.GenieDialogConfig_bindProfiler(config, profile)),
                       ("bindProfiler NULL", lambda: lib.GenieDialogConfig_bindProfiler(config, None)),
                       ("create", lambda: lib.GenieDialog_create(config, ctypes.byref(dialog))),
                       ("apply nope", lambda: lib.GenieDialog_applyLora(dialog, b"primary", b"nope")),
                       ("apply A", lambda: lib.GenieDialog_applyLora(dialog, b"primary", b"A")),
                       ("strength", lambda: lib.GenieDialog_setLoraStrength(dialog, b"primary", b"alpha",
                                                                          ctypes.c_float(1.0))),
                       ("max tokens", lambda: lib.GenieDialog_setMaxNumTokens(dialog, 3)),
                       ("query", lambda: lib.GenieDialog_query(dialog, b"the fox", 0, s.on_text, None)),
                       ("free profile while bound", lambda: lib.GenieProfile_free(profile)),
                       ("free log", lambda: lib.GenieLog_free(log)),
                       ("free log again", lambda: lib.GenieLog_free(log))):
        s.record(name, lambda lib, d: call(), occupancy=False)
    s.out.append({"call": "an error reached the logger", "seen": 1 in levels})
    text = ctypes.c_char_p()
    s.record("profile json", lambda lib, d: lib.GenieProfile_getJsonData(profile, give, ctypes.byref(text)),
             occupancy=False)
    s.out[-1]["stream"] = []  # its allocation size: the JSON's length, which holds timings
    doc = json.loads(text.value)
    s.out.append({"call": "profile layout", "header": doc["header"], "metadata": sorted(doc["metadata"]),
                  "components": [[c["name"], c["type"], [_layout(e) for e in c["events"]]] for c in doc["components"]]})
    lib.GenieDialog_free(dialog)
    # bytes that are not UTF-8: a JSON, stop sequences, a sampler config, a prompt, text to encode
    bad_config = open(s.config_path, "rb").read().replace(b'"tokenizer.json"', b'"tokenizer\xff.json"')
    s.record("config not UTF-8", lambda lib, d: lib.GenieDialogConfig_createFromJson(bad_config, ctypes.byref(config)),
             occupancy=False)
    s.record("stop sequences not UTF-8",
             lambda lib, d: lib.GenieDialog_setStopSequence(d, b'{"stop-sequence": ["\xff"]}'), occupancy=False)
    s.record("sampler config not UTF-8", lambda lib, d: lib.GenieSamplerConfig_createFromJson(
        b'{"sampler": {"version": 1, "type": "custom", "callback-name": "\xff"}}', ctypes.byref(ctypes.c_void_p())),
        occupancy=False)
    s.record("encode not UTF-8", lambda lib, d: encode(b"caf\xe9"), occupancy=False)
    s.fresh()
    s.record("prompt not UTF-8", lambda lib, d: lib.GenieDialog_query(d, b"the \xff fox", 0, s.on_text, None))


def _layout(event: dict) -> list:
    """An event's type and measurements (units; values only for token counts)."""
    return [event["type"], sorted(k for k in event if k not in ("type", "start", "stop", "duration")),
            {k: v["unit"] if "tokens" not in k or "rate" in k else [v["unit"], v["value"]]
             for k, v in event.items() if isinstance(v, dict)}]


# Pauses, each in a process of its own: after some pause sequences the real libGenie.so fails
# later queries, even of other dialogs (docs/genie.md).
SCENARIOS = {
    "tokens_aborts_saves": _tokens_aborts_saves,
    "stop_sequences": _stop_sequences,
    "samplers": _samplers,
    "tokenizers_logs_profiles": _tokenizers_logs_profiles,
    "pause_resume": lambda s, _: (s.query("the fox", signal=2, after=2), s.query("", 6)),
    "refused_while_paused": lambda s, _: (s.query("the fox", signal=2, after=2), s.query(" runs"),
                                          s.token_query([50])),
    "idle_pause": lambda s, _: (s.record("signal PAUSE idle", lambda lib, d: lib.GenieDialog_signal(d, 2)),
                                s.query("the fox"), s.query("", 6)),
    "token_pause": lambda s, _: (s.plan.update(signal=2, after=2), s.token_query([10, 20, 30]),
                                 s.token_query([], 6)),
    "token_pause_text_resume": lambda s, _: (s.plan.update(signal=2, after=2), s.token_query([10, 20, 30]),
                                             s.query("", 6)),
    "text_pause_token_resume": lambda s, _: (s.query("the fox", signal=2, after=2), s.token_query([], 6)),
}


def extras(folder: str, config_path: str, save_dir: str, scenario: str) -> None:
    """One scenario of token queries, signals, save/restore, priorities and OEM keys: every
    call's status, the ids it fed, what it streamed and the occupancy after it, as JSON."""
    s = _Session(folder, config_path)
    SCENARIOS[scenario](s, save_dir)
    s.lib.GenieDialog_free(s.dialog)
    print(json.dumps({"calls": s.out, "logits": s.logits}))


if __name__ == "__main__":
    {"configs": configs, "dialog": dialog, "turns": turns, "extras": extras}[sys.argv[1]](*sys.argv[2:])
