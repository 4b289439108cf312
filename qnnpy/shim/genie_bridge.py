"""The Python bodies of libGenie.so's functions (qnnpy/shim/build.py generates the C side):
C arguments in, qnnpy.GenieDialog or qnnpy.GenieSampler called, out-parameters written back.
Handles cross as the integers qnnpy hands out, cast to pointers; a NULL where a string or an
out-pointer is needed is INVALID_ARGUMENT, as Genie answers it. The query callback is called back into C with each
piece of the reply, NUL-terminated UTF-8 ("" for an empty one: END, or text held back; a token
query's END comes with a NULL token array)."""
from qnnpy import GenieDialog as G, GenieLog, GenieProfile, GenieSampler as GS, GenieTokenizer
from qnnpy import _log
from qnnpy.shim import genie_unsupported
from qnnpy.GenieCommon import Genie_DataType_t as T, Genie_Status_t as S

ARGUMENT = int(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT)


class GenieBridge:
    def __init__(self, ffi, lib):
        self.ffi, self.lib = ffi, lib

    def _handle(self, pointer) -> int:
        return int(self.ffi.cast("uintptr_t", pointer))

    def _text(self, pointer):
        """A C string; bytes that are not UTF-8 come through as lone surrogates, for the
        functions that refuse them (a JSON, a prompt) to see them."""
        return None if pointer == self.ffi.NULL else self.ffi.string(pointer).decode("utf-8", "surrogateescape")

    def _out(self, out, make) -> int:
        """A function handing out a handle: a NULL out-pointer is INVALID_ARGUMENT before
        anything is made; ``make()`` gives (status, handle)."""
        if out == self.ffi.NULL:
            return ARGUMENT
        status, handle = make()
        if status == S.GENIE_STATUS_SUCCESS:
            out[0] = self.ffi.cast("void*", handle)
        return int(status)

    def GenieDialogConfig_createFromJson(self, text, out):
        return self._out(out, lambda: G.GenieDialogConfig_createFromJson(self._text(text)))

    def GenieDialogConfig_free(self, config):
        return int(G.GenieDialogConfig_free(self._handle(config)))

    def GenieDialog_create(self, config, out):
        return self._out(out, lambda: G.GenieDialog_create(self._handle(config)))

    def GenieDialog_query(self, dialog, text, code, callback, user_data):
        ffi = self.ffi

        def forward(piece, piece_code, data):  # an empty piece (END, text held back) is "", never NULL, as Genie's
            callback(ffi.new("char[]", piece.encode("utf-8")), int(piece_code), data)
        return int(G.GenieDialog_query(self._handle(dialog), self._text(text), int(code),
                                       None if callback == ffi.NULL else forward, user_data))

    def GenieDialog_tokenQuery(self, dialog, tokens, count, code, callback, user_data):
        ffi = self.ffi
        if tokens == ffi.NULL and count:
            return ARGUMENT
        ids = list(ffi.unpack(tokens, count)) if count else []

        def forward(out, n, piece_code, data):
            callback(ffi.new("uint32_t[]", out) if out else ffi.NULL, n, int(piece_code), data)
        return int(G.GenieDialog_tokenQuery(self._handle(dialog), ids, int(count), int(code),
                                            None if callback == ffi.NULL else forward, user_data))

    def GenieDialog_save(self, dialog, path):
        return int(G.GenieDialog_save(self._handle(dialog), self._text(path)))

    def GenieDialog_restore(self, dialog, path):
        return int(G.GenieDialog_restore(self._handle(dialog), self._text(path)))

    def GenieDialog_signal(self, dialog, action):
        return int(G.GenieDialog_signal(self._handle(dialog), int(action)))

    def GenieDialog_setPriority(self, dialog, engine, priority):
        return int(G.GenieDialog_setPriority(self._handle(dialog), self._text(engine), int(priority)))

    def GenieDialog_setStopSequence(self, dialog, text):
        return int(G.GenieDialog_setStopSequence(self._handle(dialog), self._text(text)))

    def GenieDialog_setOemKey(self, dialog, key):
        return int(G.GenieDialog_setOemKey(self._handle(dialog), self._text(key)))

    def GenieDialog_reset(self, dialog):
        return int(G.GenieDialog_reset(self._handle(dialog)))

    def GenieDialog_applyLora(self, dialog, engine, name):
        return int(G.GenieDialog_applyLora(self._handle(dialog), self._text(engine), self._text(name)))

    def GenieDialog_setLoraStrength(self, dialog, engine, tensor, alpha):
        return int(G.GenieDialog_setLoraStrength(self._handle(dialog), self._text(engine), self._text(tensor),
                                                 float(alpha)))

    def GenieDialog_releaseLoraMemory(self, dialog, engine, name):
        return int(G.GenieDialog_releaseLoraMemory(self._handle(dialog), self._text(engine), self._text(name)))

    def GenieDialog_getValue(self, dialog, key, callback, data_type, value):
        """Occupancy and key 2 (tokens sampled) as GENIE_DATATYPE_UINT_32; the adapter name as GENIE_DATATYPE_STRING, NUL
        included, in memory the client's callback gives (no callback: INVALID_ARGUMENT, as the
        real library answers)."""
        ffi = self.ffi
        if data_type == ffi.NULL or value == ffi.NULL:
            return ARGUMENT
        is_name = key == G.GenieDialog_Param_t.GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER
        if is_name and callback == ffi.NULL:
            return ARGUMENT
        status, result = G.GenieDialog_getValue(self._handle(dialog), int(key))
        if status != S.GENIE_STATUS_SUCCESS:
            return int(status)
        if not is_name:
            data_type[0], value[0].uint32Value = T.GENIE_DATATYPE_UINT_32, result
            return int(status)
        where = self._give(callback, result.encode("utf-8") + b"\0")
        if where is None:
            return int(S.GENIE_STATUS_ERROR_MEM_ALLOC)
        data_type[0], value[0].stringValue = T.GENIE_DATATYPE_STRING, where
        return int(status)

    def _give(self, callback, data: bytes):
        """``data`` copied into memory from the client's Genie_AllocCallback_t (None if it gave none)."""
        ffi = self.ffi
        where = ffi.new("const char**")
        callback(len(data), where)
        if where[0] == ffi.NULL:
            return None
        ffi.memmove(ffi.cast("char*", where[0]), data, len(data))
        return where[0]

    def GenieDialog_setMaxNumTokens(self, dialog, count):
        return int(G.GenieDialog_setMaxNumTokens(self._handle(dialog), int(count)))

    def GenieDialog_getSampler(self, dialog, out):
        return self._out(out, lambda: G.GenieDialog_getSampler(self._handle(dialog)))

    def GenieSamplerConfig_createFromJson(self, text, out):
        return self._out(out, lambda: GS.GenieSamplerConfig_createFromJson(self._text(text)))

    def GenieSamplerConfig_setParam(self, config, key, value):
        return int(GS.GenieSamplerConfig_setParam(self._handle(config), self._text(key), self._text(value)))

    def GenieSamplerConfig_free(self, config):
        return int(GS.GenieSamplerConfig_free(self._handle(config)))

    def GenieSampler_applyConfig(self, sampler, config):
        return int(GS.GenieSampler_applyConfig(self._handle(sampler), self._handle(config)))

    def _sampler_callback(self, callback):
        """A C custom sampler as the Python API takes one: the logits passed by address, userData
        (if it was registered with one) passed back as given."""
        ffi = self.ffi

        def call(size, logits, count, tokens, *user_data):
            out = ffi.new("int32_t[]", count)
            callback(size, ffi.cast("void*", logits.ctypes.data), count, out, *user_data)
            tokens[:count] = list(out)
        return call

    def GenieSampler_registerCallback(self, name, callback):
        if callback == self.ffi.NULL:
            return ARGUMENT
        return int(GS.GenieSampler_registerCallback(self._text(name), self._sampler_callback(callback)))

    def GenieSampler_registerUserDataCallback(self, name, callback, user_data):
        if callback == self.ffi.NULL:
            return ARGUMENT
        return int(GS.GenieSampler_registerUserDataCallback(self._text(name), self._sampler_callback(callback),
                                                            user_data))

    def GenieDialogConfig_bindLogger(self, config, log):
        return int(G.GenieDialogConfig_bindLogger(self._handle(config), self._handle(log)))

    def GenieDialogConfig_bindProfiler(self, config, profile):
        return int(G.GenieDialogConfig_bindProfiler(self._handle(config), self._handle(profile)))

    def GenieDialog_getTokenizer(self, dialog, out):
        return self._out(out, lambda: G.GenieDialog_getTokenizer(self._handle(dialog)))

    def GenieLog_create(self, config, callback, level, out):
        """The client's callback is called through C (qnnpy_emit_genie_log), which makes the
        va_list it takes."""
        ffi, lib = self.ffi, self.lib
        target = ffi.cast("void*", callback)

        def forward(handle, fmt, level, stamp, args):
            lib.qnnpy_emit_genie_log(target, ffi.cast("void*", handle), (fmt % args).encode("utf-8", "replace"),
                                     int(level), int(stamp))
        return self._out(out, lambda: GenieLog.GenieLog_create(self._handle(config) or None,
                                                               None if callback == ffi.NULL else forward, int(level)))

    def GenieLog_free(self, log):
        return int(GenieLog.GenieLog_free(self._handle(log)))

    def GenieProfile_create(self, config, out):
        return self._out(out, lambda: GenieProfile.GenieProfile_create(self._handle(config) or None))

    def _string_out(self, status_and_text, callback, out) -> int:
        """A text result, NUL-terminated, in memory from the client's callback."""
        status, text = status_and_text
        if status != S.GENIE_STATUS_SUCCESS:
            return int(status)
        if callback == self.ffi.NULL or out == self.ffi.NULL:
            return ARGUMENT
        where = self._give(callback, text.encode("utf-8") + b"\0")
        if where is None:
            return int(S.GENIE_STATUS_ERROR_MEM_ALLOC)
        out[0] = where
        return int(status)

    def GenieProfile_getJsonData(self, profile, callback, out):
        return self._string_out(GenieProfile.GenieProfile_getJsonData(self._handle(profile)), callback, out)

    def GenieProfile_free(self, profile):
        return int(GenieProfile.GenieProfile_free(self._handle(profile)))

    def GenieTokenizer_encode(self, tokenizer, text, callback, ids_out, count_out):
        ffi = self.ffi
        status, ids = GenieTokenizer.GenieTokenizer_encode(self._handle(tokenizer), self._text(text))
        if status != S.GENIE_STATUS_SUCCESS:
            return int(status)
        if callback == ffi.NULL or ids_out == ffi.NULL or count_out == ffi.NULL:
            return ARGUMENT
        where = self._give(callback, ffi.buffer(ffi.new("int32_t[]", ids))[:])
        if where is None:
            return int(S.GENIE_STATUS_ERROR_MEM_ALLOC)
        ids_out[0], count_out[0] = ffi.cast("const int32_t*", where), len(ids)
        return int(status)

    def GenieTokenizer_decode(self, tokenizer, ids, count, callback, out):
        ffi = self.ffi
        given = None if ids == ffi.NULL else ffi.unpack(ids, count)
        return self._string_out(GenieTokenizer.GenieTokenizer_decode(self._handle(tokenizer), given, int(count)),
                                callback, out)

    def GenieDialog_setPerformancePolicy(self, dialog, policy):
        return int(G.GenieDialog_setPerformancePolicy(self._handle(dialog), int(policy)))

    def GenieDialog_getPerformancePolicy(self, dialog, out):
        status, policy = G.GenieDialog_getPerformancePolicy(self._handle(dialog))
        if status == S.GENIE_STATUS_SUCCESS:
            if out == self.ffi.NULL:
                return ARGUMENT
            out[0] = policy
        return int(status)

    def GenieDialog_free(self, dialog):
        return int(G.GenieDialog_free(self._handle(dialog)))


def _on_error(name):
    def report(exception, value, traceback):
        _log.emit(_log.ERROR, f"{name}: internal error in qnnpy's libGenie.so ({exception.__name__}: {value}); "
                              "this is a qnnpy bug, please report it")
        return int(S.GENIE_STATUS_ERROR_GENERAL)
    return report


def install(ffi, lib, functions: list[str]) -> GenieBridge:
    """Register the Python body of every Genie function, and the start-up check."""
    import atexit
    bridge = GenieBridge(ffi, lib)
    atexit.register(lib.qnnpy_mark_python_gone)
    for name in functions:
        ffi.def_extern(name=f"qnnpy_genie_{name}", onerror=_on_error(name))(getattr(bridge, name))
    ffi.def_extern(name="qnnpy_genie_ready")(lambda: 1)

    @ffi.def_extern(name="qnnpy_genie_unsupported", onerror=_on_error("qnnpy_genie_unsupported"))
    def unsupported(name):
        function = ffi.string(name).decode()
        _log.emit(_log.ERROR, f"{function}: not supported by qnnpy: {genie_unsupported.reason(function)}")
        return int(S.GENIE_STATUS_ERROR_GENERAL)
    return bridge
