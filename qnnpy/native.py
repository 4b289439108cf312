"""The Python API's calls made on a real QNN backend library (the wheel's libQnnHtp.so, or any
other), through its C function table.

``NativeBackend(path)`` loads the library as a C client would (dlopen, QnnInterface_getProviders,
the first provider of our core API major with a minor at least ours) and offers the Python API's
functions under their own names and argument order, taking and returning the same Python
structs: a test written against ``qnnpy``'s modules runs unchanged on the real backend, which is
how qnnpy is checked against it (tests/shim/test_native_backend.py). Handles are the library's
pointers as integers. Client buffers (static data, execute I/O, binaries) are passed in place.

The subset is what composing, finalizing, executing, serializing and reloading a graph needs;
configs are passed as NULL (a non-empty config list is refused with the call's own
INVALID_ARGUMENT code, before the library is called). The declarations come from include/,
preprocessed with gcc as the shim build does, so this needs gcc at load time.
"""
import os
import tempfile

import cffi

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnInterface
from qnnpy.QnnTypes import Qnn_ParamType_t
from qnnpy.shim import build
from qnnpy.shim.cstructs import SCALAR_MEMBERS, CStructs

_HEADERS = ["QnnInterface.h"] + next(lib.headers for lib in build.LIBRARIES if lib.kind == "htp")
_LOG_CALLBACK = "void(const char*, QnnLog_Level_t, uint64_t, void*)"


class NativeBackend:
    def __init__(self, path: str):
        self.path = path
        with tempfile.TemporaryDirectory() as work:
            types, _ = build.split(build.preprocess(_HEADERS, work))
        self.ffi = ffi = cffi.FFI()
        ffi.cdef(types)
        ffi.cdef("Qnn_ErrorHandle_t QnnInterface_getProviders(const QnnInterface_t*** providerList, "
                 "uint32_t* numProviders);")
        ffi.cdef("int vsnprintf(char* str, size_t size, const char* format, void* args);")
        # Qnn_OpConfig_t goes by value, which cffi's ABI mode cannot do for a struct with an
        # anonymous union: the same 80 bytes under a plain struct, and the functions that take
        # it called through pointers of that type
        ffi.cdef("typedef struct { uint32_t version; Qnn_OpConfigV1_t v1; } qnnpy_OpConfigByValue;")
        self._by_value = "Qnn_ErrorHandle_t(*)(void*, qnnpy_OpConfigByValue)"
        self.libc = ffi.dlopen(None)
        self.lib = ffi.dlopen(os.path.abspath(path))
        self.c = CStructs(ffi)
        self.table = self._provider()
        self._callbacks: dict[int, object] = {}  # log handle -> the C callback kept alive

    def _provider(self):
        providers, count = self.ffi.new("const QnnInterface_t***"), self.ffi.new("uint32_t*")
        if self.lib.QnnInterface_getProviders(providers, count) != 0:
            raise OSError(f"{self.path}: QnnInterface_getProviders failed")
        for i in range(count[0]):
            version = providers[0][i].apiVersion.coreApiVersion
            if version.major == QnnInterface.QNN_API_VERSION_MAJOR and version.minor >= QnnInterface.QNN_API_VERSION_MINOR:
                return getattr(providers[0][i], QnnInterface.QNN_INTERFACE_VER_NAME)
        raise OSError(f"{self.path}: no provider of core API {QnnInterface.QNN_API_VERSION_MAJOR}."
                      f"{QnnInterface.QNN_API_VERSION_MINOR} or later")

    # ---- helpers -------------------------------------------------------------------------------

    def _handle_out(self, call, *args) -> tuple[int, int | None]:
        out = self.ffi.new("void**")
        err = int(call(*args, out))
        return (err, None) if err else (err, self.c.handle(out[0]))

    def _h(self, handle):
        return self.c.c_handle(handle)

    def _tensor(self, target, py, keep: list) -> None:
        """A client's tensor: the description plus its client buffer, passed in place."""
        self.c.fill_tensor(target, py, keep)
        target.v2.memType = py.v2.memType
        buf = py.v2.clientBuf
        if buf is not None and buf.data is not None:
            data = self.ffi.from_buffer(buf.data, require_writable=False)
            keep.append(data)
            target.v2.clientBuf.data = data
            target.v2.clientBuf.dataSize = buf.dataSize
        if py.version == 1:  # fill_tensor writes through the V2 view; V1 is its prefix
            target.version = 1

    def _tensors(self, tensors, keep: list):
        if not tensors:
            return self.ffi.NULL
        array = self.ffi.new("Qnn_Tensor_t[]", len(tensors))
        keep.append(array)
        for i, t in enumerate(tensors):
            self._tensor(array[i], t, keep)
        return array

    def _op_config(self, op, keep: list):
        v = op.v1
        config = self.ffi.new("qnnpy_OpConfigByValue*")
        keep.append(config)
        config.version = op.version
        body = config.v1
        body.name, body.packageName = self.c.c_string(v.name, keep), self.c.c_string(v.packageName, keep)
        body.typeName = self.c.c_string(v.typeName, keep)
        params = list(v.params or [])
        if params:
            array = self.ffi.new("Qnn_Param_t[]", len(params))
            keep.append(array)
            for i, p in enumerate(params):
                array[i].paramType, array[i].name = p.paramType, self.c.c_string(p.name, keep)
                if p.paramType == Qnn_ParamType_t.QNN_PARAMTYPE_SCALAR:
                    s = p.scalarParam
                    array[i].scalarParam.dataType = s.dataType
                    member = SCALAR_MEMBERS.get(s.dataType)
                    if member is not None:
                        setattr(array[i].scalarParam, member, getattr(s, member))
                else:
                    self._tensor(array[i].tensorParam, p.tensorParam, keep)
            body.params = array
        body.numOfParams = len(params)
        body.numOfInputs, body.inputTensors = len(v.inputTensors or []), self._tensors(v.inputTensors, keep)
        body.numOfOutputs, body.outputTensors = len(v.outputTensors or []), self._tensors(v.outputTensors, keep)
        return config[0]

    # ---- the Python API, on the library ------------------------------------------------------

    def QnnLog_create(self, callback, maxLogLevel):
        """The library's log lines reach ``callback(message, level, timestamp, ())``: the
        message is already formatted (its % signs doubled, so ``fmt % args`` gives it back)."""
        c_callback = self.ffi.NULL
        if callback is not None:
            def forward(fmt, level, timestamp, args):
                text = self.ffi.new("char[]", 2048)
                self.libc.vsnprintf(text, 2048, fmt, args)
                callback(self.ffi.string(text).decode("utf-8", "replace").replace("%", "%%"), int(level),
                         int(timestamp), ())
            c_callback = self.ffi.callback(_LOG_CALLBACK, forward)
        err, handle = self._handle_out(self.table.logCreate, self.ffi.cast("QnnLog_Callback_t", c_callback), maxLogLevel)
        if not err:
            self._callbacks[handle] = c_callback
        return err, handle

    def QnnLog_free(self, logger):
        err = int(self.table.logFree(self._h(logger)))
        if not err:
            self._callbacks.pop(logger, None)
        return err

    def QnnBackend_create(self, logger, config):
        if config:
            return QnnBackend.QNN_BACKEND_ERROR_INVALID_ARGUMENT, None
        return self._handle_out(self.table.backendCreate, self._h(logger), self.ffi.NULL)

    def QnnBackend_free(self, backend):
        return int(self.table.backendFree(self._h(backend)))

    def QnnBackend_validateOpConfig(self, backend, opConfig):
        keep: list = []
        call = self.ffi.cast(self._by_value, self.table.backendValidateOpConfig)
        return int(call(self._h(backend), self._op_config(opConfig, keep)))

    def QnnProperty_hasCapability(self, key):
        return int(self.table.propertyHasCapability(key))

    def QnnContext_create(self, backend, device, config):
        if config:
            return QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, None
        return self._handle_out(self.table.contextCreate, self._h(backend), self._h(device), self.ffi.NULL)

    def QnnContext_free(self, context, profile):
        return int(self.table.contextFree(self._h(context), self._h(profile)))

    def QnnContext_getBinarySize(self, context):
        size = self.ffi.new("Qnn_ContextBinarySize_t*")
        err = int(self.table.contextGetBinarySize(self._h(context), size))
        return (err, None) if err else (err, int(size[0]))

    def QnnContext_getBinary(self, context, binaryBuffer, binaryBufferSize):
        written = self.ffi.new("Qnn_ContextBinarySize_t*")
        data = self.ffi.from_buffer(binaryBuffer, require_writable=True)
        err = int(self.table.contextGetBinary(self._h(context), data, binaryBufferSize, written))
        return (err, None) if err else (err, int(written[0]))

    def QnnContext_createFromBinary(self, backend, device, config, binaryBuffer, binaryBufferSize, profile):
        if config:
            return QnnContext.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, None
        data = self.ffi.from_buffer(binaryBuffer, require_writable=False)
        out = self.ffi.new("void**")  # the out-handle comes before the profile here
        err = int(self.table.contextCreateFromBinary(self._h(backend), self._h(device), self.ffi.NULL, data,
                                                     binaryBufferSize, out, self._h(profile)))
        return (err, None) if err else (err, self.c.handle(out[0]))

    def QnnGraph_create(self, contextHandle, graphName, config):
        if config:
            return QnnGraph.QNN_GRAPH_ERROR_INVALID_ARGUMENT, None
        name = self.ffi.new("char[]", graphName.encode())
        return self._handle_out(self.table.graphCreate, self._h(contextHandle), name, self.ffi.NULL)

    def QnnGraph_retrieve(self, contextHandle, graphName):
        name = self.ffi.new("char[]", graphName.encode())
        return self._handle_out(self.table.graphRetrieve, self._h(contextHandle), name)

    def QnnGraph_addNode(self, graphHandle, opConfig):
        keep: list = []
        call = self.ffi.cast(self._by_value, self.table.graphAddNode)
        return int(call(self._h(graphHandle), self._op_config(opConfig, keep)))

    def QnnGraph_finalize(self, graphHandle, profileHandle, signalHandle):
        return int(self.table.graphFinalize(self._h(graphHandle), self._h(profileHandle), self._h(signalHandle)))

    def QnnGraph_execute(self, graphHandle, inputs, numInputs, outputs, numOutputs, profileHandle, signalHandle):
        keep: list = []
        return int(self.table.graphExecute(self._h(graphHandle), self._tensors(inputs, keep), numInputs,
                                           self._tensors(outputs, keep), numOutputs, self._h(profileHandle),
                                           self._h(signalHandle)))

    def QnnTensor_createGraphTensor(self, graph, tensor):
        keep: list = []
        target = self.ffi.new("Qnn_Tensor_t*")
        self._tensor(target[0], tensor, keep)
        err = int(self.table.tensorCreateGraphTensor(self._h(graph), target))
        if not err:
            tensor.v1.id = target.v1.id
        return err

