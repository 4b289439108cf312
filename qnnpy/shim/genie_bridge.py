"""The Python bodies of libGenie.so's functions (qnnpy/shim/build.py generates the C side):
C arguments in, qnnpy.GenieDialog or qnnpy.GenieSampler called, out-parameters written back.
Handles cross as the integers qnnpy hands out, cast to pointers; a NULL where a string or an
out-pointer is needed is INVALID_ARGUMENT, as Genie answers it. The query callback is called back into C with each
piece of the reply, NUL-terminated UTF-8 ("" for an empty one: END, or text held back; a token
query's END comes with a NULL token array)."""
from qnnpy import GenieDialog as G, GenieSampler as GS
from qnnpy import _log
from qnnpy.GenieCommon import Genie_DataType_t as T, Genie_Status_t as S

ARGUMENT = int(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT)


class GenieBridge:
    def __init__(self, ffi):
        self.ffi = ffi

    def _handle(self, pointer) -> int:
        return int(self.ffi.cast("uintptr_t", pointer))

    def _text(self, pointer):
        return None if pointer == self.ffi.NULL else self.ffi.string(pointer).decode("utf-8", "replace")

    def _out(self, out, status_and_handle) -> int:
        status, handle = status_and_handle
        if status == S.GENIE_STATUS_SUCCESS:
            out[0] = self.ffi.cast("void*", handle)
        return int(status)

    def GenieDialogConfig_createFromJson(self, text, out):
        if out == self.ffi.NULL:
            return ARGUMENT
        return self._out(out, G.GenieDialogConfig_createFromJson(self._text(text)))

    def GenieDialogConfig_free(self, config):
        return int(G.GenieDialogConfig_free(self._handle(config)))

    def GenieDialog_create(self, config, out):
        if out == self.ffi.NULL:
            return ARGUMENT
        return self._out(out, G.GenieDialog_create(self._handle(config)))

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
        """Occupancy as GENIE_DATATYPE_UINT_32; the adapter name as GENIE_DATATYPE_STRING, NUL
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
        text = result.encode("utf-8") + b"\0"
        where = ffi.new("const char**")
        callback(len(text), where)
        if where[0] == ffi.NULL:
            return int(S.GENIE_STATUS_ERROR_MEM_ALLOC)
        ffi.memmove(ffi.cast("char*", where[0]), text, len(text))
        data_type[0], value[0].stringValue = T.GENIE_DATATYPE_STRING, where[0]
        return int(status)

    def GenieDialog_setMaxNumTokens(self, dialog, count):
        return int(G.GenieDialog_setMaxNumTokens(self._handle(dialog), int(count)))

    def GenieDialog_getSampler(self, dialog, out):
        if out == self.ffi.NULL:
            return ARGUMENT
        return self._out(out, G.GenieDialog_getSampler(self._handle(dialog)))

    def GenieSamplerConfig_createFromJson(self, text, out):
        if out == self.ffi.NULL:
            return ARGUMENT
        return self._out(out, GS.GenieSamplerConfig_createFromJson(self._text(text)))

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
    bridge = GenieBridge(ffi)
    atexit.register(lib.qnnpy_mark_python_gone)
    for name in functions:
        ffi.def_extern(name=f"qnnpy_genie_{name}", onerror=_on_error(name))(getattr(bridge, name))
    ffi.def_extern(name="qnnpy_genie_ready")(lambda: 1)
    return bridge
