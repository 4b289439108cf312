"""The shim's Python side: one method per exported C function, named like it, that reads the
C arguments (:mod:`qnnpy.shim.cstructs`), calls the Python API and writes the C outputs.

Runs inside the interpreter embedded in libQnnHtp.so / libQnnSystem.so (:mod:`qnnpy.shim.build`).
The GIL is taken on every call, so C threads may call concurrently; the Python API serializes
what must be. A NULL out-pointer gets the function's invalid-argument code; an exported
function qnnpy does not implement returns the NOT_SUPPORTED code with a log line; an
unexpected Python exception becomes QNN_COMMON_ERROR_GENERAL with the traceback logged —
never a crash or a silent success.
"""
import atexit
import logging
import traceback

from qnnpy import (QnnBackend, QnnContext, QnnDevice, QnnError, QnnGlobalConfig, QnnGraph, QnnHtpPerfInfrastructure,
                   QnnLog, QnnMem, QnnProfile, QnnProperty, QnnSignal, QnnSystemContext, QnnSystemTensor, QnnTensor,
                   _log)
from qnnpy.QnnCommon import QNN_GET_ERROR_CODE, QnnCommon_Error_t as CE
from qnnpy.QnnGraph import Qnn_NotifyStatus_t
from qnnpy import QnnSystemProfile as SP
from qnnpy.shim.cstructs import SCALAR_MEMBERS, CStructs

py_logger = logging.getLogger("qnnpy.shim")

BACKEND_ARGUMENT = QnnBackend.QnnBackend_Error_t.QNN_BACKEND_ERROR_INVALID_ARGUMENT
CONTEXT_ARGUMENT = QnnContext.QnnContext_Error_t.QNN_CONTEXT_ERROR_INVALID_ARGUMENT
GRAPH_ARGUMENT = QnnGraph.QnnGraph_Error_t.QNN_GRAPH_ERROR_INVALID_ARGUMENT
GRAPH_NAME = QnnGraph.QnnGraph_Error_t.QNN_GRAPH_ERROR_INVALID_NAME
TENSOR_HANDLE = QnnTensor.QnnTensor_Error_t.QNN_TENSOR_ERROR_INVALID_HANDLE
MEM_ARGUMENT = QnnMem.QnnMem_Error_t.QNN_MEM_ERROR_INVALID_ARGUMENT
LOG_HANDLE = QnnLog.QnnLog_Error_t.QNN_LOG_ERROR_INVALID_HANDLE  # the real backend's code for a NULL out-pointer
SYSTEM_ARGUMENT = QnnSystemContext.QnnSystemContext_Error_t.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT
PERF_INPUT = QnnHtpPerfInfrastructure.E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT


def _split(result):
    """(error code, outputs) from a Python API call, which returns the code alone or first."""
    if isinstance(result, tuple):
        return int(result[0]), result[1:]
    return int(result), ()


class Bridge:
    """Methods named ``Qnn*`` are the exported functions; everything else is plumbing."""

    def __init__(self, ffi, lib):
        self.ffi, self.lib, self.c = ffi, lib, CStructs(ffi)
        self.NULL = ffi.NULL
        self.owned: dict = {}      # handle -> C memory handed out with it, freed with it
        self.static: list = []     # C memory valid for the library's lifetime
        self.strings: dict = {}    # text -> its C string in ``static``, handed out again and again
        self.platform_infos: dict = {}  # C pointer -> (Python info, C memory) until freePlatformInfo
        self.messages: dict = {}   # error code -> its C message, valid until the next getMessage for it
        self.verbose: dict = {}    # C pointer -> a verbose message the client owns until it frees it

    def _missing(self, *pointers) -> bool:
        return any(p == self.NULL for p in pointers)

    def _out_handle(self, pointer, handle) -> None:
        pointer[0] = self.c.c_handle(handle)

    def _call_with_handle_out(self, out, null_code, fn, *args) -> int:
        if self._missing(out):
            return null_code
        err, outs = _split(fn(*args))
        if not err:
            self._out_handle(out, outs[0])
        return err

    # ---- entry points of the hand-written C ----------------------------------------------------

    def ready(self) -> int:
        return 1

    def perf_create(self, device_id, core_id, out):
        if self._missing(out):
            return PERF_INPUT
        err, outs = _split(QnnHtpPerfInfrastructure.createPowerConfigId(device_id, core_id))
        if not err:
            out[0] = outs[0]
        return err

    def perf_destroy(self, power_config_id):
        return QnnHtpPerfInfrastructure.destroyPowerConfigId(power_config_id)

    def perf_set_power(self, power_config_id, config):
        return QnnHtpPerfInfrastructure.setPowerConfig(power_config_id, self.c.power_configs(config))

    def perf_set_memory(self, device_id, core_id, config):
        return QnnHtpPerfInfrastructure.setMemoryConfig(device_id, core_id, self.c.memory_configs(config))

    # ---- logging -------------------------------------------------------------------------------

    def log_create(self, callback, level, logger) -> int:
        if self._missing(logger):
            return LOG_HANDLE
        emit = self.lib.qnnpy_emit_log
        target = self.ffi.cast("void*", callback)

        def forward(fmt, lvl, timestamp, args):
            emit(target, (fmt % args).encode("utf-8", "replace"), int(lvl), int(timestamp))
        return self._call_with_handle_out(logger, LOG_HANDLE, QnnLog.QnnLog_create,
                                          None if callback == self.NULL else forward, level)

    def QnnLog_setLogLevel(self, logger, level):
        return QnnLog.QnnLog_setLogLevel(self.c.handle(logger), level)

    def QnnLog_free(self, logger):
        return QnnLog.QnnLog_free(self.c.handle(logger))

    QnnSystemLog_setLogLevel = QnnLog_setLogLevel
    QnnSystemLog_free = QnnLog_free

    # ---- error messages ------------------------------------------------------------------------

    def _message(self, fn, handle, out, keep) -> int:
        """Write fn's message for ``handle`` to ``out``; ``keep(text)`` holds the C string."""
        if self._missing(out):
            return QnnError.QNN_ERROR_INVALID_ARGUMENT
        err, outs = _split(fn(int(handle)))
        if not err:
            text = self.ffi.new("char[]", outs[0].encode("utf-8", "replace"))
            keep(text)
            out[0] = text
        return err

    def QnnError_getMessage(self, handle, out):
        return self._message(QnnError.QnnError_getMessage, handle, out,
                             lambda text: self.messages.__setitem__(QNN_GET_ERROR_CODE(handle), text))

    def QnnError_getVerboseMessage(self, handle, out):
        return self._message(QnnError.QnnError_getVerboseMessage, handle, out,
                             lambda text: self.verbose.__setitem__(int(self.ffi.cast("uintptr_t", text)), text))

    def QnnError_freeVerboseMessage(self, message):
        text = self.verbose.pop(int(self.ffi.cast("uintptr_t", message)), None)
        return QnnError.QnnError_freeVerboseMessage(None if text is None else self.ffi.string(text).decode())

    # ---- property, backend -----------------------------------------------------------------------

    def QnnProperty_hasCapability(self, key):
        return QnnProperty.QnnProperty_hasCapability(key)

    def QnnBackend_create(self, logger, config, backend):
        return self._call_with_handle_out(backend, BACKEND_ARGUMENT, QnnBackend.QnnBackend_create,
                                          self.c.handle(logger), self.c.backend_configs(config))

    def QnnBackend_setConfig(self, backend, config):
        return QnnBackend.QnnBackend_setConfig(self.c.handle(backend), self.c.backend_configs(config))

    def QnnBackend_getApiVersion(self, version):
        if self._missing(version):
            return BACKEND_ARGUMENT
        err, (v,) = _split(QnnBackend.QnnBackend_getApiVersion())
        if not err:
            for part in ("coreApiVersion", "backendApiVersion"):
                src, dst = getattr(v, part), getattr(version, part)
                dst.major, dst.minor, dst.patch = src.major, src.minor, src.patch
        return err

    def QnnBackend_getBuildId(self, out):
        if self._missing(out):
            return BACKEND_ARGUMENT
        err, (build_id,) = _split(QnnBackend.QnnBackend_getBuildId())
        if not err:
            if build_id not in self.strings:
                self.strings[build_id] = self.c.c_string(build_id, self.static)
            out[0] = self.strings[build_id]
        return err

    def QnnBackend_registerOpPackage(self, backend, path, provider, target):
        return QnnBackend.QnnBackend_registerOpPackage(self.c.handle(backend), self.c.string(path),
                                                       self.c.string(provider), self.c.string(target))

    def QnnBackend_getSupportedOperations(self, backend, count, operations):
        if self._missing(count, operations):
            return BACKEND_ARGUMENT
        err, outs = _split(QnnBackend.QnnBackend_getSupportedOperations(self.c.handle(backend)))
        if not err:
            n, ops = outs
            keep = self.owned.setdefault(self.c.handle(backend), [])
            array = self.ffi.new("QnnBackend_OperationName_t[]", max(1, n))
            keep.append(array)
            for i, op in enumerate(ops):
                array[i].packageName = self.c.c_string(op.packageName, keep)
                array[i].name = self.c.c_string(op.name, keep)
                array[i].target = self.c.c_string(op.target, keep)
            count[0], operations[0] = n, array
        return err

    def QnnBackend_validateOpConfig(self, backend, op):
        return QnnBackend.QnnBackend_validateOpConfig(self.c.handle(backend), self.c.op_config(op))

    def QnnBackend_getProperty(self, backend, properties):
        return QnnBackend.QnnBackend_getProperty(self.c.handle(backend), self.c.null_terminated(properties))

    def QnnBackend_free(self, backend):
        err = QnnBackend.QnnBackend_free(self.c.handle(backend))
        if not err:
            self.owned.pop(self.c.handle(backend), None)
        return err

    # ---- device --------------------------------------------------------------------------------

    def QnnGlobalConfig_Set(self, config):
        return QnnGlobalConfig.QnnGlobalConfig_Set(self.c.global_configs(config))

    def QnnDevice_create(self, logger, config, device):
        return self._call_with_handle_out(device, CE.QNN_COMMON_ERROR_INVALID_ARGUMENT, QnnDevice.QnnDevice_create,
                                          self.c.handle(logger), self.c.device_configs(config))

    def QnnDevice_setConfig(self, device, config):
        return QnnDevice.QnnDevice_setConfig(self.c.handle(device), self.c.device_configs(config))

    def QnnDevice_free(self, device):
        return QnnDevice.QnnDevice_free(self.c.handle(device))

    def _platform_info(self, fn, key, out) -> int:
        if self._missing(out):
            return CE.QNN_COMMON_ERROR_INVALID_ARGUMENT
        err, outs = _split(fn(key))
        if not err:
            keep: list = []
            pointer = self.c.c_platform_info(outs[0], keep)
            self.platform_infos[int(self.ffi.cast("uintptr_t", pointer))] = (outs[0], keep)
            out[0] = pointer
        return err

    def QnnDevice_getPlatformInfo(self, logger, out):
        return self._platform_info(QnnDevice.QnnDevice_getPlatformInfo, self.c.handle(logger), out)

    def QnnDevice_getInfo(self, device, out):
        return self._platform_info(QnnDevice.QnnDevice_getInfo, self.c.handle(device), out)

    def QnnDevice_freePlatformInfo(self, logger, info):
        held = self.platform_infos.pop(int(self.ffi.cast("uintptr_t", info)), (None, None))[0]
        return QnnDevice.QnnDevice_freePlatformInfo(self.c.handle(logger), held)

    def QnnDevice_getInfrastructure(self, out):
        if self._missing(out):
            return CE.QNN_COMMON_ERROR_INVALID_ARGUMENT
        err, _ = _split(QnnDevice.QnnDevice_getInfrastructure())
        if not err:
            self.ffi.cast("QnnDevice_Infrastructure_t*", out)[0] = self.lib.qnnpy_htp_infrastructure()
        return err

    # ---- context -------------------------------------------------------------------------------

    def QnnContext_create(self, backend, device, config, context):
        return self._call_with_handle_out(context, CONTEXT_ARGUMENT, QnnContext.QnnContext_create,
                                          self.c.handle(backend), self.c.handle(device), self.c.context_configs(config))

    def QnnContext_setConfig(self, context, config):
        return QnnContext.QnnContext_setConfig(self.c.handle(context), self.c.context_configs(config))

    def QnnContext_getBinarySize(self, context, size):
        if self._missing(size):
            return CONTEXT_ARGUMENT
        err, outs = _split(QnnContext.QnnContext_getBinarySize(self.c.handle(context)))
        if not err:
            size[0] = outs[0]
        return err

    def QnnContext_getBinary(self, context, buffer, size, written):
        if self._missing(buffer, written):
            return CONTEXT_ARGUMENT
        err, outs = _split(QnnContext.QnnContext_getBinary(self.c.handle(context), self.c.buffer(buffer, size), size))
        if not err:
            written[0] = outs[0]
        return err

    def QnnContext_validateBinary(self, backend, device, config, buffer, size):
        return QnnContext.QnnContext_validateBinary(self.c.handle(backend), self.c.handle(device),
                                                    self.c.context_configs(config), self.c.buffer(buffer, size), size)

    def QnnContext_createFromBinary(self, backend, device, config, buffer, size, context, profile):
        return self._call_with_handle_out(context, CONTEXT_ARGUMENT, QnnContext.QnnContext_createFromBinary,
                                          self.c.handle(backend), self.c.handle(device), self.c.context_configs(config),
                                          self.c.buffer(buffer, size), size, self.c.handle(profile))

    def QnnContext_createFromBinaryWithSignal(self, backend, device, config, buffer, size, context, profile, signal):
        return self._call_with_handle_out(context, CONTEXT_ARGUMENT, QnnContext.QnnContext_createFromBinaryWithSignal,
                                          self.c.handle(backend), self.c.handle(device), self.c.context_configs(config),
                                          self.c.buffer(buffer, size), size, self.c.handle(profile),
                                          self.c.handle(signal))

    def _raw_callback(self, callback):
        """A C Qnn_ContextBinaryCallback_t as the Python API takes it: its data provider and
        release functions called through their C pointers, the provided memory read in place."""
        if callback == self.NULL:
            return None
        ffi, c = self.ffi, self.c
        py = QnnContext.Qnn_ContextBinaryCallback_t(callback.type)
        if callback.type != QnnContext.QNN_CONTEXT_CALLBACK_RAW_BUFFER:
            return py
        raw = callback.rawBufferCallback
        provide, release, param = raw.v1.dataProvide, raw.v1.dataRelease, raw.v1.notifyParam
        given: dict[int, object] = {}  # id of the Python view -> the client's pointer, for dataRelease

        def data_provide(request, response, _param):
            c_response = ffi.new("Qnn_ContextBinaryRawDataResponse_t*")
            err = provide([request.offset, request.size, request.isBackendMappingNeeded], c_response, param)
            if not err and c_response.memPtr != self.NULL:
                response.memPtr = c.buffer(c_response.memPtr, c_response.dataStartOffset + c_response.alignedSize)
                given[id(response.memPtr)] = c_response.memPtr
                response.dataStartOffset, response.alignedSize = c_response.dataStartOffset, c_response.alignedSize
            return int(err)

        def data_release(mem, _param):
            return int(release([given.pop(id(mem.memPtr), self.NULL), mem.memSize], param))
        v1 = QnnContext.Qnn_ContextBinaryRawBufferCallbackV1_t(data_provide if provide != self.NULL else None,
                                                              data_release if release != self.NULL else None, None)
        py.rawBufferCallback = QnnContext.Qnn_ContextBinaryRawBufferCallback_t(raw.version, v1)
        return py

    def QnnContext_createFromBinaryWithCallback(self, backend, device, config, callback, buffer, size, context,
                                                profile, signal):
        return self._call_with_handle_out(context, CONTEXT_ARGUMENT, QnnContext.QnnContext_createFromBinaryWithCallback,
                                          self.c.handle(backend), self.c.handle(device), self.c.context_configs(config),
                                          self._raw_callback(callback), self.c.buffer(buffer, size), size,
                                          self.c.handle(profile), self.c.handle(signal))

    def _list_notify(self, fn, param):
        """A C createFromBinary notify function as the Python API calls it."""
        if fn == self.NULL:
            return None
        c, ffi = self.c, self.ffi

        def forward(context, graph, name, kind, _param, status):
            fn(c.c_handle(context), c.c_handle(graph), ffi.new("char[]", name.encode()) if name else ffi.NULL,
               int(kind), param, status)
        return forward

    def QnnContext_createFromBinaryListAsync(self, backend, device, params, list_config, signal):
        items = self.c.null_terminated(params)
        py = None
        if items is not None:
            py = []
            for p in items:
                v1 = p.v1
                py.append(QnnContext.QnnContext_Params_t(p.version, QnnContext.QnnContext_ParamsV1_t(
                    self.c.context_configs(v1.config), self.c.buffer(v1.binaryBuffer, v1.binaryBufferSize),
                    v1.binaryBufferSize, self.c.handle(v1.profile), self._list_notify(v1.notifyFunc, v1.notifyParam),
                    None)) if p.version == 1 else QnnContext.QnnContext_Params_t(p.version))
        return QnnContext.QnnContext_createFromBinaryListAsync(self.c.handle(backend), self.c.handle(device), py,
                                                               self.c.context_configs(list_config),
                                                               self.c.handle(signal))

    # ---- signals -----------------------------------------------------------------------------

    def QnnSignal_create(self, backend, config, signal):
        return self._call_with_handle_out(signal, QnnSignal.QNN_SIGNAL_ERROR_INVALID_ARGUMENT, QnnSignal.QnnSignal_create,
                                          self.c.handle(backend), self.c.signal_configs(config))

    def QnnSignal_setConfig(self, signal, config):
        return QnnSignal.QnnSignal_setConfig(self.c.handle(signal), self.c.signal_configs(config))

    def QnnSignal_trigger(self, signal):
        return QnnSignal.QnnSignal_trigger(self.c.handle(signal))

    def QnnSignal_free(self, signal):
        return QnnSignal.QnnSignal_free(self.c.handle(signal))

    def QnnContext_finalize(self, context, profile):
        return QnnContext.QnnContext_finalize(self.c.handle(context), self.c.handle(profile))

    def QnnContext_getBinarySectionSize(self, context, graph, section, size):
        if self._missing(size):
            return CONTEXT_ARGUMENT
        err, outs = _split(QnnContext.QnnContext_getBinarySectionSize(self.c.handle(context), self.c.handle(graph),
                                                                      section))
        if not err:
            size[0] = outs[0]
        return err

    def QnnContext_getBinarySection(self, context, graph, section, buffer, written, profile, signal):
        if self._missing(written):
            return CONTEXT_ARGUMENT
        err, outs = _split(QnnContext.QnnContext_getBinarySection(
            self.c.handle(context), self.c.handle(graph), section, self.c.context_buffer(buffer),
            self.c.handle(profile), self.c.handle(signal)))
        if not err:
            written[0] = outs[0]
        return err

    def QnnContext_applyBinarySection(self, context, graph, section, buffer, profile, signal):
        return QnnContext.QnnContext_applyBinarySection(self.c.handle(context), self.c.handle(graph), section,
                                                        self.c.context_buffer(buffer), self.c.handle(profile),
                                                        self.c.handle(signal))

    # ---- shared memory ---------------------------------------------------------------------

    def QnnMem_register(self, context, descriptors, count, handles):
        if self._missing(handles):
            return MEM_ARGUMENT
        err, outs = _split(QnnMem.QnnMem_register(self.c.handle(context), self.c.mem_descriptors(descriptors, count),
                                                  count))
        if not err:
            for i, h in enumerate(outs[0]):
                handles[i] = self.c.c_handle(h)
        return err

    def QnnMem_deRegister(self, handles, count):
        listed = None if handles == self.NULL else [self.c.handle(handles[i]) for i in range(count)]
        return QnnMem.QnnMem_deRegister(listed, count)

    def QnnContext_addToDlc(self, context, dlc):
        return QnnContext.QnnContext_addToDlc(self.c.handle(context), self.c.handle(dlc))

    def QnnContext_getProperty(self, context, properties):
        return QnnContext.QnnContext_getProperty(self.c.handle(context), self.c.null_terminated(properties))

    def QnnContext_free(self, context, profile):
        return QnnContext.QnnContext_free(self.c.handle(context), self.c.handle(profile))

    # ---- graph ---------------------------------------------------------------------------------

    def QnnGraph_create(self, context, name, config, graph):
        return self._call_with_handle_out(graph, GRAPH_ARGUMENT, QnnGraph.QnnGraph_create, self.c.handle(context),
                                          self.c.string(name), self.c.graph_configs(config))

    def QnnGraph_createSubgraph(self, graph, name, subgraph):
        return self._call_with_handle_out(subgraph, GRAPH_ARGUMENT, QnnGraph.QnnGraph_createSubgraph,
                                          self.c.handle(graph), self.c.string(name))

    def QnnGraph_getProperty(self, graph, properties):
        return QnnGraph.QnnGraph_getProperty(self.c.handle(graph), self.c.null_terminated(properties))

    def QnnGraph_prepareExecutionEnvironment(self, graph, envs, count):
        return QnnGraph.QnnGraph_prepareExecutionEnvironment(self.c.handle(graph), self.c.null_terminated(envs), count)

    def QnnGraph_releaseExecutionEnvironment(self, graph, envs, count):
        return QnnGraph.QnnGraph_releaseExecutionEnvironment(self.c.handle(graph), self.c.null_terminated(envs), count)

    def QnnGraph_setConfig(self, graph, config):
        return QnnGraph.QnnGraph_setConfig(self.c.handle(graph), self.c.graph_configs(config))

    def QnnGraph_addNode(self, graph, op):
        return QnnGraph.QnnGraph_addNode(self.c.handle(graph), self.c.op_config(op))

    def QnnGraph_finalize(self, graph, profile, signal):
        return QnnGraph.QnnGraph_finalize(self.c.handle(graph), self.c.handle(profile), self.c.handle(signal))

    def QnnGraph_retrieve(self, context, name, graph):
        return self._call_with_handle_out(graph, GRAPH_NAME, QnnGraph.QnnGraph_retrieve, self.c.handle(context),
                                          self.c.string(name))

    def _execute(self, graph, inputs, num_inputs, outputs, num_outputs, profile, signal, notify=None, param=None):
        py_outputs = self.c.tensors(outputs, num_outputs)
        args = (self.c.handle(graph), self.c.tensors(inputs, num_inputs), num_inputs, py_outputs, num_outputs,
                self.c.handle(profile), self.c.handle(signal))
        if notify is None:
            err = QnnGraph.QnnGraph_execute(*args)
        else:
            def forward(_param, status: Qnn_NotifyStatus_t):
                notify(param, self.ffi.new("Qnn_NotifyStatus_t*", [status.error])[0])
            err = QnnGraph.QnnGraph_executeAsync(*args, None if notify == self.NULL else forward, None)
        if not err:
            for i, py in enumerate(py_outputs or []):
                self.c.write_back(outputs[i], py)
        return err

    def QnnGraph_execute(self, graph, inputs, num_inputs, outputs, num_outputs, profile, signal):
        return self._execute(graph, inputs, num_inputs, outputs, num_outputs, profile, signal)

    def QnnGraph_executeAsync(self, graph, inputs, num_inputs, outputs, num_outputs, profile, signal, notify, param):
        return self._execute(graph, inputs, num_inputs, outputs, num_outputs, profile, signal, notify, param)

    # ---- tensor --------------------------------------------------------------------------------

    def _create_tensor(self, fn, owner, tensor):
        if self._missing(tensor):
            return TENSOR_HANDLE  # the real backend's code for a NULL tensor
        py = self.c.tensor(tensor)
        err = fn(self.c.handle(owner), py)
        if not err:
            self.c.write_back(tensor, py)
        return err

    def QnnTensor_createGraphTensor(self, graph, tensor):
        return self._create_tensor(QnnTensor.QnnTensor_createGraphTensor, graph, tensor)

    def QnnTensor_createContextTensor(self, context, tensor):
        return self._create_tensor(QnnTensor.QnnTensor_createContextTensor, context, tensor)

    def QnnTensor_updateGraphTensors(self, graph, tensors, count):
        return QnnTensor.QnnTensor_updateGraphTensors(self.c.handle(graph), self.c.tensor_pointers(tensors, count),
                                                      count)

    def QnnTensor_updateContextTensors(self, context, tensors, count):
        return QnnTensor.QnnTensor_updateContextTensors(self.c.handle(context),
                                                        self.c.tensor_pointers(tensors, count), count)

    # ---- profile -------------------------------------------------------------------------------

    def QnnProfile_create(self, backend, level, profile):
        return self._call_with_handle_out(profile, CE.QNN_COMMON_ERROR_INVALID_ARGUMENT, QnnProfile.QnnProfile_create,
                                          self.c.handle(backend), level)

    def QnnProfile_setConfig(self, profile, config):
        return QnnProfile.QnnProfile_setConfig(self.c.handle(profile), self.c.profile_configs(config))

    def _event_ids(self, owner, fn, key, ids_out, count_out) -> int:
        if self._missing(ids_out, count_out):
            return CE.QNN_COMMON_ERROR_INVALID_ARGUMENT
        err, outs = _split(fn(key))
        if not err:
            ids, n = outs
            array = self.ffi.new("QnnProfile_EventId_t[]", list(ids) or [0])
            self.owned.setdefault(owner, []).append(array)
            ids_out[0], count_out[0] = array, n
        return err

    def QnnProfile_getEvents(self, profile, ids, count):
        return self._event_ids(self.c.handle(profile), QnnProfile.QnnProfile_getEvents, self.c.handle(profile),
                               ids, count)

    def QnnProfile_getSubEvents(self, event, ids, count):
        return self._event_ids(("event", int(event)), QnnProfile.QnnProfile_getSubEvents, int(event), ids, count)

    def QnnProfile_getEventData(self, event, data):
        if self._missing(data):
            return CE.QNN_COMMON_ERROR_INVALID_ARGUMENT
        err, outs = _split(QnnProfile.QnnProfile_getEventData(int(event)))
        if not err:
            d = outs[0]
            data.type, data.unit, data.value = d.type, d.unit, d.value
            if d.identifier not in self.strings:  # identifiers repeat (graph names, event kinds)
                self.strings[d.identifier] = self.c.c_string(d.identifier, self.static)
            data.identifier = self.strings[d.identifier]
        return err

    def QnnProfile_free(self, profile):
        err = QnnProfile.QnnProfile_free(self.c.handle(profile))
        if not err:
            self.owned.pop(self.c.handle(profile), None)
        return err

    # ---- system context ------------------------------------------------------------------------

    def QnnSystemContext_create(self, handle):
        return self._call_with_handle_out(handle, SYSTEM_ARGUMENT, QnnSystemContext.QnnSystemContext_create)

    def _binary_info(self, fn, handle, buffer, size, info_out) -> tuple[int, object]:
        if self._missing(info_out):
            return SYSTEM_ARGUMENT, None
        err, outs = _split(fn(self.c.handle(handle), self.c.buffer(buffer, size), size))
        if err:
            return err, None
        info_out[0] = self._c_binary_info(outs[0], self.owned.setdefault(self.c.handle(handle), []))
        return err, outs

    def _c_binary_info(self, info, keep: list):
        """BinaryInfo V3 with GraphInfo V3, owned by the system context until it is freed."""
        c, ffi = self.c, self.ffi
        out = ffi.new("QnnSystemContext_BinaryInfo_t*")
        keep.append(out)
        out.version = info.version
        src, dst = info.contextBinaryInfoV3, out.contextBinaryInfoV3
        dst.backendId, dst.buildId, dst.socVersion = src.backendId, c.c_string(src.buildId, keep), \
            c.c_string(src.socVersion, keep)
        for part in ("coreApiVersion", "backendApiVersion", "contextBlobVersion"):
            v = getattr(src, part)
            target = getattr(dst, part)
            target.major, target.minor, target.patch = v.major, v.minor, v.patch
        dst.contextBlobSize = src.contextBlobSize
        dst.numContextTensors = len(src.contextTensors or [])
        dst.contextTensors = c.c_tensors(src.contextTensors or [], keep)
        graphs = src.graphs or []
        array = ffi.new("QnnSystemContext_GraphInfo_t[]", max(1, len(graphs)))
        keep.append(array)
        for i, g in enumerate(graphs):
            gi, gd = g.graphInfoV3, array[i].graphInfoV3
            array[i].version = g.version
            gd.graphName = c.c_string(gi.graphName, keep)
            gd.numGraphInputs, gd.graphInputs = len(gi.graphInputs or []), c.c_tensors(gi.graphInputs or [], keep)
            gd.numGraphOutputs, gd.graphOutputs = len(gi.graphOutputs or []), c.c_tensors(gi.graphOutputs or [], keep)
            gd.numUpdateableTensors = len(gi.updateableTensors or [])
            gd.updateableTensors = c.c_tensors(gi.updateableTensors or [], keep)
            gd.graphBlobInfoSize, gd.graphBlobInfo = len(gi.graphBlobInfo or b""), self._c_bytes(gi.graphBlobInfo, keep)
            gd.startOpIndex, gd.endOpIndex = gi.startOpIndex, gi.endOpIndex
        dst.numGraphs, dst.graphs = len(graphs), array if graphs else self.NULL
        dst.platformInfo = c.c_platform_info(src.platformInfo, keep) if src.platformInfo else self.NULL
        dst.contextMetadataSize = len(src.contextMetadata or b"")
        dst.contextMetadata = self._c_bytes(src.contextMetadata, keep)
        dst.socModel = src.socModel
        return out

    def _c_bytes(self, data: bytes | None, keep: list):
        if not data:
            return self.NULL
        held = self.ffi.new("char[]", data)
        keep.append(held)
        return held

    def QnnSystemContext_getBinaryInfo(self, handle, buffer, size, info, info_size):
        if self._missing(info_size):
            return SYSTEM_ARGUMENT
        err, outs = self._binary_info(QnnSystemContext.QnnSystemContext_getBinaryInfo, handle, buffer, size, info)
        if not err:
            info_size[0] = self.ffi.sizeof("QnnSystemContext_BinaryInfo_t")
        return err

    def QnnSystemContext_getMetadata(self, handle, buffer, size, info):
        return self._binary_info(QnnSystemContext.QnnSystemContext_getMetadata, handle, buffer, size, info)[0]

    # ---- system profile ------------------------------------------------------------------------

    def QnnSystemProfile_createSerializationTarget(self, info, configs, num_configs, target):
        if self._missing(target) or (num_configs and self._missing(configs)):
            return SYSTEM_ARGUMENT
        c = self.c
        py_info = SP.QnnSystemProfile_SerializationTarget_t(info.type, SP.QnnSystemProfile_SerializationTargetFile_t(
            c.string(info.file.fileName), c.string(info.file.fileDirectory)))
        py_configs = []
        for i in range(num_configs):
            item, header = configs[i], configs[i].serializationHeader
            py_configs.append(SP.QnnSystemProfile_SerializationTargetConfig_t(
                item.type, item.maxNumMessages, SP.QnnSystemProfile_SerializationFileHeader_t(
                    c.string(header.appName), c.string(header.appVersion), c.string(header.backendVersion))
                if item.type == SP.QNN_SYSTEM_PROFILE_SERIALIZATION_TARGET_CONFIG_SERIALIZATION_HEADER else None))
        return self._call_with_handle_out(target, SYSTEM_ARGUMENT, SP.QnnSystemProfile_createSerializationTarget,
                                          py_info, py_configs, num_configs)

    def _profile_event(self, event, depth: int = 0):
        """One C event tree as Python. Deeper than the API accepts, the walk stops and the API
        refuses the (truncated) tree with its own message: no unbounded recursion on client data."""
        c = self.c
        if event.type == SP.QNN_SYSTEM_PROFILE_EXTENDED_EVENT_DATA:
            v1 = event.extendedEventData.v1
            scalar = c.scalar(v1.value)
            member = SCALAR_MEMBERS.get(scalar.dataType)
            data = QnnProfile.QnnProfile_EventData_t(v1.type, v1.unit, getattr(scalar, member) if member else 0,
                                                     c.string(v1.identifier))
            timestamp = v1.timestamp
        else:
            d = event.eventData
            data, timestamp = QnnProfile.QnnProfile_EventData_t(d.type, d.unit, d.value, c.string(d.identifier)), 0
        count = event.numSubEvents if event.profileSubEventData != self.NULL else 0
        subs = [self._profile_event(event.profileSubEventData[i], depth + 1) for i in range(count)] \
            if depth <= SP.MAX_EVENT_DEPTH else [SP.QnnSystemProfile_ProfileEventV1_t()] * count
        return SP.QnnSystemProfile_ProfileEventV1_t(event.type, data, timestamp, subs, len(subs))

    def QnnSystemProfile_serializeEventData(self, target, data, num_events):
        if num_events and self._missing(data):
            return SYSTEM_ARGUMENT
        records = []
        for i in range(num_events):
            if data[i] == self.NULL:
                return SYSTEM_ARGUMENT
            record, h = data[i][0], data[i][0].v1.header
            header = SP.QnnSystemProfile_HeaderV1_t(h.startTime, h.stopTime, h.startMem, h.stopMem, h.methodType,
                                                    h.visibility, self.c.string(h.graphName))
            events = [self._profile_event(record.v1.profilingEvents[k]) for k in range(record.v1.numProfilingEvents)] \
                if record.v1.profilingEvents != self.NULL else []
            records.append(SP.QnnSystemProfile_ProfileData_t(record.version, SP.QnnSystemProfile_ProfileDataV1_t(
                header, events, len(events))))
        return SP.QnnSystemProfile_serializeEventData(self.c.handle(target), records, num_events)

    def QnnSystemTensor_getMemoryFootprint(self, tensor, footprint):
        if self._missing(footprint):
            return QnnSystemTensor.QNN_SYSTEM_TENSOR_ERROR_INVALID_ARGUMENT
        err, outs = _split(QnnSystemTensor.QnnSystemTensor_getMemoryFootprint(self.c.tensor(tensor)))
        if not err:
            footprint[0] = outs[0]
        return err

    def QnnSystemProfile_freeSerializationTarget(self, target):
        return SP.QnnSystemProfile_freeSerializationTarget(self.c.handle(target))

    def QnnSystemContext_free(self, handle):
        err = QnnSystemContext.QnnSystemContext_free(self.c.handle(handle))
        if not err:
            self.owned.pop(self.c.handle(handle), None)
        return err


def _unsupported(name: str):
    def stub(*_args):
        _log.failure(int(CE.QNN_COMMON_ERROR_NOT_SUPPORTED), f"{name}: not implemented by qnnpy's emulated HTP")
        return int(CE.QNN_COMMON_ERROR_NOT_SUPPORTED)
    return stub


def _unsupported_member(ffi):
    """Body of qnnpy_<kind>_unsupported, behind the C stubs of reserved table members."""
    def body(member):
        return _unsupported(f"function table member {ffi.string(member).decode()}")()
    return body


def _on_error(name: str):
    def handler(exc_type, exc_value, tb):
        _log.emit(1, f"{name}: internal error in the qnnpy shim: "
                     + "".join(traceback.format_exception(exc_type, exc_value, tb)).strip())
        return int(CE.QNN_COMMON_ERROR_GENERAL)
    return handler


def implemented(name: str) -> bool:
    return name.startswith("Qnn") and callable(getattr(Bridge, name, None))


def install(ffi, lib, kind: str, exported: list[str], entries: list[str]) -> Bridge:
    """Register a Python body for every exported C function of one library, and for the
    entry points its hand-written C calls (``qnnpy_<kind>_<method>`` -> ``Bridge.<method>``)."""
    bridge = Bridge(ffi, lib)
    atexit.register(lib.qnnpy_mark_python_gone)  # from here on the tables answer without Python
    for name in exported:
        body = getattr(bridge, name) if implemented(name) else _unsupported(name)
        ffi.def_extern(name=name, onerror=_on_error(name))(body)
    for name in entries:
        method = name.removeprefix(f"qnnpy_{kind}_")
        body = _unsupported_member(ffi) if method == "unsupported" else getattr(bridge, method)
        ffi.def_extern(name=name, onerror=_on_error(name))(body)
    py_logger.debug("qnnpy shim (%s): %d functions", kind, len(exported))
    return bridge
