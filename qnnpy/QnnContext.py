"""QnnContext.h: contexts, their configs, and context binaries (caching)."""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import _handles, _log, _lookup, QnnMem, QnnProfile, QnnSignal
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnCommon import QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED  # noqa: F401
from qnnpy.QnnHtpContext import QnnHtpContext_ConfigOption_t, QnnHtpContext_CustomConfig_t
from qnnpy.QnnTypes import Qnn_ErrorReportingConfig_t

H = QnnHtpContext_ConfigOption_t


class QnnContext_Error_t(IntEnum):
    QNN_CONTEXT_NO_ERROR = 0
    QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_CONTEXT_ERROR_MEM_ALLOC = 1002
    QNN_CONTEXT_ERROR_INVALID_ARGUMENT = 5000
    QNN_CONTEXT_ERROR_CTX_DOES_NOT_EXIST = 5001
    QNN_CONTEXT_ERROR_INVALID_HANDLE = 5002
    QNN_CONTEXT_ERROR_NOT_FINALIZED = 5003
    QNN_CONTEXT_ERROR_BINARY_VERSION = 5004
    QNN_CONTEXT_ERROR_CREATE_FROM_BINARY = 5005
    QNN_CONTEXT_ERROR_GET_BINARY_SIZE_FAILED = 5006
    QNN_CONTEXT_ERROR_GET_BINARY_FAILED = 5007
    QNN_CONTEXT_ERROR_BINARY_CONFIGURATION = 5008
    QNN_CONTEXT_ERROR_SET_PROFILE = 5009
    QNN_CONTEXT_ERROR_INVALID_CONFIG = 5010
    QNN_CONTEXT_ERROR_BINARY_SUBOPTIMAL = 5011
    QNN_CONTEXT_ERROR_ABORTED = 5012
    QNN_CONTEXT_ERROR_TIMED_OUT = 5013
    QNN_CONTEXT_ERROR_INCREMENT_INVALID_BUFFER = 5014
    QNN_CONTEXT_MIN_ERROR = 5000
    QNN_CONTEXT_MAX_ERROR = 5999
    QNN_CONTEXT_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnContext_ConfigOption_t(IntEnum):
    QNN_CONTEXT_CONFIG_OPTION_CUSTOM = 0
    QNN_CONTEXT_CONFIG_OPTION_PRIORITY = 1
    QNN_CONTEXT_CONFIG_OPTION_ERROR_REPORTING = 2
    QNN_CONTEXT_CONFIG_OPTION_OEM_STRING = 3
    QNN_CONTEXT_CONFIG_ASYNC_EXECUTION_QUEUE_DEPTH = 4
    QNN_CONTEXT_CONFIG_ENABLE_GRAPHS = 5
    QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT = 6
    QNN_CONTEXT_CONFIG_PERSISTENT_BINARY = 7
    QNN_CONTEXT_CONFIG_BINARY_COMPATIBILITY = 8
    QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT = 9
    QNN_CONTEXT_CONFIG_GRAPH_RETENTION_ORDER = 10
    QNN_CONTEXT_CONFIG_UNDEFINED = 0x7FFFFFFF


class QnnContext_BinaryCompatibilityType_t(IntEnum):
    QNN_CONTEXT_BINARY_COMPATIBILITY_PERMISSIVE = 0
    QNN_CONTEXT_BINARY_COMPATIBILITY_STRICT = 1
    QNN_CONTEXT_BINARY_COMPATIBILITY_TYPE_UNDEFINED = 0x7FFFFFF


class QnnContext_SectionType_t(IntEnum):
    QNN_CONTEXT_SECTION_UPDATABLE = 1
    QNN_CONTEXT_SECTION_UPDATABLE_WEIGHTS = 2
    QNN_CONTEXT_SECTION_UPDATABLE_QUANT_PARAMS = 3
    QNN_CONTEXT_SECTION_UNDEFINED = 0x7FFFFFFF


class QnnContext_MemType_t(IntEnum):
    QNN_CONTEXTMEMTYPE_RAW = 0
    QNN_CONTEXTMEMTYPE_MEMHANDLE = 1
    QNN_CONTEXTMEMTYPE_UNDEFINED = 0x7FFFFFFF


class QnnContext_PropertyOption_t(IntEnum):
    QNN_CONTEXT_PROPERTY_OPTION_CUSTOM = 0
    QNN_CONTEXT_PROPERTY_OPTION_UNDEFINED = 0x7FFFFFFF


class QnnContext_createFromBinaryAsyncNotifyType_t(IntEnum):
    QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT = 0
    QNN_CONTEXT_NOTIFY_TYPE_CONTEXT_INIT = 1
    QNN_CONTEXT_NOTIFY_TYPE_UNDEFINED = 0x7FFFFFF


class QnnContext_ParamsVersion_t(IntEnum):
    QNN_CONTEXT_PARAMS_VERSION_1 = 1
    QNN_CONTEXT_PARAMS_VERSION_2 = 2
    QNN_CONTEXT_PARAMS_VERSION_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnContext_Error_t, QnnContext_ConfigOption_t, QnnContext_BinaryCompatibilityType_t,
              QnnContext_SectionType_t, QnnContext_MemType_t, QnnContext_PropertyOption_t,
              QnnContext_createFromBinaryAsyncNotifyType_t, QnnContext_ParamsVersion_t):
    export(_enum, globals())
E = QnnContext_Error_t
O = QnnContext_ConfigOption_t
_OK = E.QNN_CONTEXT_NO_ERROR
_GRAPH_INIT = QnnContext_createFromBinaryAsyncNotifyType_t.QNN_CONTEXT_NOTIFY_TYPE_GRAPH_INIT
_CONTEXT_INIT = QnnContext_createFromBinaryAsyncNotifyType_t.QNN_CONTEXT_NOTIFY_TYPE_CONTEXT_INIT
QNN_CONTEXT_BUFFER_VERSION_1 = 1


@dataclass(slots=True)
class QnnContext_Config_t:
    """One config; the union member named by ``option`` is the one read."""
    option: int = O.QNN_CONTEXT_CONFIG_UNDEFINED
    customConfig: object = None
    priority: int = 100
    errorConfig: Qnn_ErrorReportingConfig_t = field(default_factory=Qnn_ErrorReportingConfig_t)
    oemString: str | None = None
    asyncExeQueueDepth: object = None
    enableGraphs: list | None = None
    memoryLimitHint: int = 0
    isPersistentBinary: int = 0
    binaryCompatibilityType: int = QnnContext_BinaryCompatibilityType_t.QNN_CONTEXT_BINARY_COMPATIBILITY_PERMISSIVE
    isGraphInitDeferred: int = 0
    graphRetentionOrder: list | None = None


@dataclass(slots=True)
class Qnn_BinaryBuffer_t:
    data: object = None
    dataSize: int = 0


@dataclass(slots=True)
class QnnContext_BufferV1_t:
    memType: int = QnnContext_MemType_t.QNN_CONTEXTMEMTYPE_RAW
    binaryBuf: Qnn_BinaryBuffer_t = field(default_factory=Qnn_BinaryBuffer_t)
    memHandle: int | None = None


@dataclass(slots=True)
class QnnContext_Buffer_t:
    version: int = QNN_CONTEXT_BUFFER_VERSION_1
    v1: QnnContext_BufferV1_t = field(default_factory=QnnContext_BufferV1_t)


def QNN_CONTEXT_CONFIG_INIT() -> QnnContext_Config_t:
    return QnnContext_Config_t()


# Options a later release implements.
_NOT_YET = {O.QNN_CONTEXT_CONFIG_GRAPH_RETENTION_ORDER: "GRAPH_RETENTION_ORDER"}


def _configs(config) -> dict:
    """Validate a NULL-terminated config list (None or a Python list); the last repeat wins."""
    chosen = {}
    for item in config_list(config, E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "config"):
        if not isinstance(item, QnnContext_Config_t):
            fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, f"{item!r} is not a QnnContext_Config_t")
        try:
            option = O(item.option)
        except ValueError:
            fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, f"context config option {item.option!r} is unknown")
        if option == O.QNN_CONTEXT_CONFIG_UNDEFINED:
            fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "a context config has option UNDEFINED")
        if option in _NOT_YET:
            fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE,
                 f"context config {_NOT_YET[option]} is not implemented in qnnpy yet; leave it out")
        if option == O.QNN_CONTEXT_CONFIG_OPTION_CUSTOM:
            chosen.setdefault(option, []).append(_htp_option(item.customConfig))
        else:
            chosen[option] = item
    return chosen


def _htp_option(custom) -> "QnnHtpContext_CustomConfig_t":
    if not isinstance(custom, QnnHtpContext_CustomConfig_t):
        fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG,
             "customConfig must point at a QnnHtpContext_CustomConfig_t (HTP/QnnHtpContext.h)")
    try:
        QnnHtpContext_ConfigOption_t(custom.option)
    except ValueError:
        fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, f"HTP context option {custom.option!r} is unknown")
    return custom


def _apply_htp_options(context, chosen: dict) -> None:
    for custom in chosen.get(O.QNN_CONTEXT_CONFIG_OPTION_CUSTOM, []):
        if custom.option == H.QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED:
            context.lora_weight_sharing = bool(custom.loraWeightSharingEnabled)
        elif custom.option == H.QNN_HTP_CONTEXT_CONFIG_OPTION_SKIP_VALIDATION_ON_BINARY_SECTION:
            context.skip_section_validation = bool(custom.skipValidationOnBinarySection)


def _persistent(chosen: dict) -> bool:
    item = chosen.get(O.QNN_CONTEXT_CONFIG_PERSISTENT_BINARY)
    return bool(item and item.isPersistentBinary)


def _loading_options(chosen: dict) -> dict:
    """The configs that shape createFromBinary, checked: memory limit (bytes or None),
    deferred init, enabled graph names (or None)."""
    limit = None
    item = chosen.get(O.QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT)
    if item is not None:
        if not isinstance(item.memoryLimitHint, int) or not 0 <= item.memoryLimitHint < 2 ** 64:
            fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "memoryLimitHint must be an unsigned 64-bit count of MB")
        if item.memoryLimitHint:
            if not _persistent(chosen):
                fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG,
                     "graph switching (a non-zero MEMORY_LIMIT_HINT) needs QNN_CONTEXT_CONFIG_PERSISTENT_BINARY "
                     "set to true: graphs reload from the client's buffer")
            limit = item.memoryLimitHint << 20
    enabled = None
    item = chosen.get(O.QNN_CONTEXT_CONFIG_ENABLE_GRAPHS)
    if item is not None:
        names = list(item.enableGraphs or [])
        if None in names:
            names = names[:names.index(None)]
        if not names or not all(isinstance(n, str) for n in names):
            fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "enableGraphs must list one or more graph names")
        enabled = names
    item = chosen.get(O.QNN_CONTEXT_CONFIG_BINARY_COMPATIBILITY)
    if item is not None and item.binaryCompatibilityType not in (0, 1):
        fail(E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "binaryCompatibilityType must be PERMISSIVE (0) or STRICT (1)")
    item = chosen.get(O.QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT)
    return {"memory_limit": limit, "deferred": bool(item and item.isGraphInitDeferred), "enabled": enabled}


def _readonly(buffer) -> bool:
    try:
        return memoryview(buffer).readonly
    except TypeError:
        return False


def release(context) -> None:
    """Free a context and invalidate its graph handles (they then report INVALID_CONTEXT) and
    its memory registrations (QnnMem)."""
    for graph in context.graphs.values():
        if graph.handle is not None:
            _handles.free(graph.handle)
    QnnMem.release_context(context)
    context.backend.free_context(context)
    if context.device is not None:
        context.device.contexts -= 1
    _handles.free(context.handle)


def _new_handle(context, device) -> int:
    context.device = device
    if device is not None:
        device.contexts += 1
    context.handle = _handles.new(_lookup.CONTEXT, context)
    return context.handle


@qnn_api(_OK, outputs=1)
def QnnContext_create(backend, device, config):
    obj = _lookup.backend(backend, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    dev = _lookup.optional(device, _lookup.DEVICE, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    chosen = _configs(config)
    context = obj.create_context()
    context.configs = chosen
    _apply_htp_options(context, chosen)
    return _new_handle(context, dev)


@qnn_api(_OK)
def QnnContext_setConfig(context, config):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    chosen = _configs(config)
    obj.configs = {**obj.configs, **chosen}
    _apply_htp_options(obj, chosen)


@qnn_api(_OK, outputs=1)
def QnnContext_getBinarySize(context):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    return obj.backend.context_binary_layout(obj).total


@qnn_api(_OK, outputs=1)
def QnnContext_getBinary(context, binaryBuffer, binaryBufferSize):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    layout = obj.backend.context_binary_layout(obj)
    try:
        view = memoryview(binaryBuffer).cast("B")
    except TypeError:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             "binaryBuffer must be a writable buffer object (bytearray, numpy array, mmap)")
    if view.readonly:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer is read-only")
    if not isinstance(binaryBufferSize, int) or binaryBufferSize > view.nbytes:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, f"binaryBufferSize {binaryBufferSize!r} does not describe the "
                                                   f"{view.nbytes}-byte buffer")
    if binaryBufferSize < layout.total:
        fail(E.QNN_CONTEXT_ERROR_GET_BINARY_FAILED,  # the real backend's code for a buffer too small
             f"the binary needs {layout.total} bytes; binaryBufferSize is {binaryBufferSize} and "
             f"the buffer holds {view.nbytes} (ask QnnContext_getBinarySize first)")
    layout.write(view)
    return layout.total


def _load(backend, device, config, binaryBuffer, binaryBufferSize, profile):
    obj = _lookup.backend(backend, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    dev = _lookup.optional(device, _lookup.DEVICE, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    prof = QnnProfile.resolve(profile, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if binaryBuffer is None:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer is NULL")
    chosen = _configs(config)
    # Zero copy is safe when the bytes cannot change under us: an immutable buffer, or a
    # client that promised (PERSISTENT_BINARY) to keep it untouched until QnnContext_free.
    zero_copy = _persistent(chosen) or _readonly(binaryBuffer)
    loading = _loading_options(chosen)
    with QnnProfile.timed(prof, QnnProfile.QNN_PROFILE_EVENTTYPE_INIT, "createFromBinary"):
        context = obj.create_from_binary(binaryBuffer, binaryBufferSize, zero_copy, **loading)
    return obj, dev, chosen, context


@qnn_api(_OK, outputs=1)
def QnnContext_createFromBinaryWithSignal(backend, device, config, binaryBuffer, binaryBufferSize, profile, signal):
    """createFromBinary under a signal: an abort or timeout that comes before the load ends
    (the host loads in one step, so it is checked on both sides of it) frees the context and
    answers ABORTED / TIMED_OUT."""
    with QnnSignal.watching(signal, E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                            E.QNN_CONTEXT_ERROR_ABORTED, E.QNN_CONTEXT_ERROR_TIMED_OUT) as stop:
        if stop is not None:
            stop()
        _, dev, chosen, context = _load(backend, device, config, binaryBuffer, binaryBufferSize, profile)
        if stop is not None:
            try:
                stop()
            except BaseException:
                context.backend.free_context(context)
                raise
    context.configs = chosen
    _apply_htp_options(context, chosen)
    return _new_handle(context, dev)


class Qnn_ContextBinaryCallbackType_t(IntEnum):
    QNN_CONTEXT_CALLBACK_RAW_BUFFER = 1
    QNN_CONTEXT_CALLBACK_DMA_BUFFER = 2
    QNN_CONTEXT_CALLBACK_UNDEFINED = 0x7FFFFFFF


export(Qnn_ContextBinaryCallbackType_t, globals())


@dataclass(slots=True)
class Qnn_ContextBinaryDataRequest_t:
    offset: int = 0
    size: int = 0
    isBackendMappingNeeded: int = 0


@dataclass(slots=True)
class Qnn_ContextBinaryRawDataResponse_t:
    """What a data provider fills in: a buffer object and where in it the requested bytes start."""
    memPtr: object = None
    dataStartOffset: int = 0
    alignedSize: int = 0


@dataclass(slots=True)
class Qnn_ContextBinaryRawDataMem_t:
    memPtr: object = None
    memSize: int = 0


@dataclass(slots=True)
class Qnn_ContextBinaryRawBufferCallbackV1_t:
    """dataProvide(request, response, notifyParam) -> error code; dataRelease(mem, notifyParam) -> error code."""
    dataProvide: object = None
    dataRelease: object = None
    notifyParam: object = None


@dataclass(slots=True)
class Qnn_ContextBinaryRawBufferCallback_t:
    version: int = 1
    v1: Qnn_ContextBinaryRawBufferCallbackV1_t = field(default_factory=Qnn_ContextBinaryRawBufferCallbackV1_t)


@dataclass(slots=True)
class Qnn_ContextBinaryCallback_t:
    type: int = Qnn_ContextBinaryCallbackType_t.QNN_CONTEXT_CALLBACK_UNDEFINED
    rawBufferCallback: Qnn_ContextBinaryRawBufferCallback_t = field(default_factory=Qnn_ContextBinaryRawBufferCallback_t)


def _provided_data(raw: Qnn_ContextBinaryRawBufferCallbackV1_t, offset: int, size: int) -> bytes:
    """The bytes [offset, offset + size) of the binary, from the client's data provider, which
    is told to release them once copied."""
    request = Qnn_ContextBinaryDataRequest_t(offset, size, 0)
    response = Qnn_ContextBinaryRawDataResponse_t()
    try:
        err = raw.dataProvide(request, response, raw.notifyParam)
    except Exception as exc:  # the client's provider must not take the call down
        fail(E.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, f"the data provider raised {type(exc).__name__}: {exc}")
    if err:
        fail(E.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, f"the data provider answered {err} for {size} bytes at {offset}")
    try:
        view = memoryview(response.memPtr).cast("B")
    except TypeError:
        fail(E.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, "the data provider's memPtr is not a buffer")
    start = response.dataStartOffset
    if not isinstance(start, int) or start < 0 or start + size > view.nbytes or response.alignedSize < size:
        fail(E.QNN_CONTEXT_ERROR_CREATE_FROM_BINARY, f"the data provider's response (start {start}, aligned size "
                                                     f"{response.alignedSize}) does not hold the {size} bytes asked")
    data = bytes(view[start:start + size])
    if raw.dataRelease is not None:
        try:
            raw.dataRelease(Qnn_ContextBinaryRawDataMem_t(response.memPtr, response.alignedSize), raw.notifyParam)
        except Exception as exc:
            _log.emit(_log.ERROR, f"QnnContext_createFromBinaryWithCallback: dataRelease raised {type(exc).__name__}")
    return data


@qnn_api(_OK, outputs=1)
def QnnContext_createFromBinaryWithCallback(backend, device, config, callback, binaryBuffer, binaryBufferSize, profile,
                                            signal):
    """createFromBinary where the weights come from the client: ``binaryBuffer`` needs to hold
    the binary up to its data region (header and metadata); the data region is asked of the
    RAW_BUFFER callback's dataProvide in one request and released with dataRelease once
    copied. (DMA_BUFFER callbacks, whose data arrives as a DMA-BUF fd, are not supported.)"""
    obj = _lookup.backend(backend, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if not isinstance(callback, Qnn_ContextBinaryCallback_t):
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "callback must be a Qnn_ContextBinaryCallback_t")
    if callback.type == Qnn_ContextBinaryCallbackType_t.QNN_CONTEXT_CALLBACK_DMA_BUFFER:
        fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "DMA_BUFFER data providers are not supported; use RAW_BUFFER")
    raw = callback.rawBufferCallback
    if callback.type != Qnn_ContextBinaryCallbackType_t.QNN_CONTEXT_CALLBACK_RAW_BUFFER or raw.version != 1 or not callable(raw.v1.dataProvide) \
            or not (raw.v1.dataRelease is None or callable(raw.v1.dataRelease)):
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "callback must be a version-1 RAW_BUFFER callback with a callable "
                                                   "dataProvide (and dataRelease)")
    offset, size = obj.data_region(binaryBuffer, binaryBufferSize)
    whole = bytes(memoryview(binaryBuffer).cast("B")[:offset]) + _provided_data(raw.v1, offset, size)
    return QnnContext_createFromBinaryWithSignal.__wrapped__(backend, device, config, whole, len(whole), profile,
                                                             signal)


@dataclass(slots=True)
class QnnContext_ParamsV1_t:
    """One binary of QnnContext_createFromBinaryListAsync and who to tell about it:
    notifyFunc(context, graph, graphName, notifyType, notifyParam, status)."""
    config: list | None = None
    binaryBuffer: object = None
    binaryBufferSize: int = 0
    profile: int | None = None
    notifyFunc: object = None
    notifyParam: object = None


@dataclass(slots=True)
class QnnContext_Params_t:
    version: int = QnnContext_ParamsVersion_t.QNN_CONTEXT_PARAMS_VERSION_1
    v1: QnnContext_ParamsV1_t = field(default_factory=QnnContext_ParamsV1_t)


def _notify(params: QnnContext_ParamsV1_t, context, graph, name, kind, status) -> None:
    if params.notifyFunc is None:
        return
    try:
        params.notifyFunc(context, graph, name, kind, params.notifyParam, int(status))
    except Exception as exc:  # the client's callback must not end the list
        _log.emit(_log.ERROR, f"QnnContext_createFromBinaryListAsync: notifyFunc raised {type(exc).__name__}: {exc}")


@qnn_api(_OK)
def QnnContext_createFromBinaryListAsync(backend, device, contextParams, listConfig, signal):
    """Loads each binary in turn, with the list's configs ahead of its own (the same option in
    both: its own wins). For each, its notifyFunc hears GRAPH_INIT once per graph (the graph's
    handle and name; no context, since clients such as ORT's QNN EP take every notification
    that carries a context as that context's one announcement) and then CONTEXT_INIT with the
    new context, or CONTEXT_INIT with no context and the load's error code. All loads finish before the call
    returns, which a client waiting for its notifications cannot tell from a truly parallel
    load. The call answers the first failure's code, or success."""
    _lookup.backend(backend, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    items = config_list(contextParams, E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "contextParams")
    if not items or not all(isinstance(p, QnnContext_Params_t) and p.version == 1 for p in items):
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "contextParams must list version-1 QnnContext_Params_t (V2 brings "
                                                   "a data-provider callback qnnpy does not support)")
    shared = config_list(listConfig, E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "listConfig")
    _configs(shared)  # checked once here; each binary gets them ahead of its own configs
    if not all(p.v1.notifyFunc is None or callable(p.v1.notifyFunc) for p in items):
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "a notifyFunc is not callable")
    first_error = _OK
    for params in items:
        p = params.v1
        configs = shared + config_list(p.config, E.QNN_CONTEXT_ERROR_INVALID_CONFIG, "config")
        err, handle = QnnContext_createFromBinaryWithSignal(backend, device, configs or None, p.binaryBuffer,
                                                            p.binaryBufferSize, p.profile, signal)
        if err:
            first_error = first_error or err
            _notify(p, None, None, None, _CONTEXT_INIT, err)
            continue
        context = _lookup.context(handle, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
        for name, graph in context.graphs.items():
            _notify(p, None, _lookup.graph_handle(graph), name, _GRAPH_INIT, _OK)
        _notify(p, handle, None, None, _CONTEXT_INIT, _OK)
    if first_error:
        _lookup.backend(backend, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)  # this line goes to the backend's logger
        fail(first_error, "at least one binary of the list did not load (its notifyFunc has the code)")


@qnn_api(_OK)
def QnnContext_validateBinary(backend, device, config, binaryBuffer, binaryBufferSize):
    obj, _, _, context = _load(backend, device, config, binaryBuffer, binaryBufferSize, None)
    obj.free_context(context)


@qnn_api(_OK, outputs=1)
def QnnContext_createFromBinary(backend, device, config, binaryBuffer, binaryBufferSize, profile):
    _, dev, chosen, context = _load(backend, device, config, binaryBuffer, binaryBufferSize, profile)
    context.configs = chosen
    _apply_htp_options(context, chosen)
    return _new_handle(context, dev)


@qnn_api(_OK)
def QnnContext_addToDlc(context, dlcHandle):
    """Writing a context into a DLC container needs the system library's DLC support, which
    qnnpy does not have (every systemDlc* member answers NOT_SUPPORTED)."""
    _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "DLC containers are not supported; save the context with "
                                                  "QnnContext_getBinary instead")


@qnn_api(_OK)
def QnnContext_getProperty(contextHandle, properties):
    _lookup.context(contextHandle, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if not properties:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "properties must be a non-empty list")
    fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "the emulated HTP has no custom context properties yet")


@qnn_api(_OK)
def QnnContext_free(context, profile):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    QnnProfile.resolve(profile, E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT)  # the header's own quirk: 5000
    release(obj)


def _section_type(section):
    """A QnnContext_SectionType_t: an int (True or 1.0 would pass for UPDATABLE in a lookup)."""
    if not isinstance(section, int) or isinstance(section, bool):
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, f"section must be a QnnContext_SectionType_t, got "
                                                   f"{type(section).__name__}")
    return section


def _section_graph(context, graph):
    """The optional graph argument of the section calls: None/0 means every graph."""
    if _handles.is_null(graph):
        return None
    obj = _lookup.graph(graph, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if obj.context is not context:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, f"graph '{obj.name}' belongs to another context")
    return obj


def _buffer(binaryBuffer, writable: bool):
    """(buffer object, size) from a QnnContext_Buffer_t."""
    if not isinstance(binaryBuffer, QnnContext_Buffer_t) or binaryBuffer.version != QNN_CONTEXT_BUFFER_VERSION_1:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer must be a QnnContext_Buffer_t of version 1")
    v1 = binaryBuffer.v1
    if v1.memType != QnnContext_MemType_t.QNN_CONTEXTMEMTYPE_RAW:
        fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "only QNN_CONTEXTMEMTYPE_RAW section buffers are supported")
    data, size = v1.binaryBuf.data, v1.binaryBuf.dataSize
    if data is None:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer.v1.binaryBuf.data is NULL")
    try:
        view = memoryview(data)
    except TypeError:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuf.data is not a buffer object")
    if writable and view.readonly:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuf.data is read-only")
    if not isinstance(size, int) or not 0 <= size <= view.nbytes:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             f"binaryBuf.dataSize {size!r} does not fit the {view.nbytes}-byte buffer")
    return data, size


@qnn_api(_OK, outputs=1)
def QnnContext_getBinarySectionSize(context, graph, section):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    return obj.backend.section_layout(obj, _section_graph(obj, graph), _section_type(section)).total


@qnn_api(_OK, outputs=1)
def QnnContext_getBinarySection(context, graph, section, binaryBuffer, profile, signal):
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    target = _section_graph(obj, graph)
    QnnProfile.resolve(profile, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if not _handles.is_null(signal):
        fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "signals are not supported; pass None")
    data, size = _buffer(binaryBuffer, writable=True)
    layout = obj.backend.section_layout(obj, target, _section_type(section))
    if size < layout.total:
        fail(E.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             f"the section needs {layout.total} bytes but the buffer offers {size} "
             "(ask QnnContext_getBinarySectionSize first)")
    layout.write(memoryview(data).cast("B"))
    return layout.total


QNN_HTP_PROFILE_EVENTTYPE_GRAPH_APPLY_BINARY_SECTION_QNN = 9001


@qnn_api(_OK)
def QnnContext_applyBinarySection(context, graph, section, binaryBuffer, profile, signal):
    """Replace the updatable tensors with the section's, all or nothing."""
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    target = _section_graph(obj, graph)
    section = _section_type(section)
    prof = QnnProfile.resolve(profile, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    if not _handles.is_null(signal):
        fail(E.QNN_CONTEXT_ERROR_UNSUPPORTED_FEATURE, "signals are not supported; pass None")
    data, size = _buffer(binaryBuffer, writable=False)
    # As for createFromBinary: views into the client's bytes only when they cannot change.
    zero_copy = _persistent(obj.configs) or _readonly(data)
    try:
        with QnnProfile.timed(prof, QNN_HTP_PROFILE_EVENTTYPE_GRAPH_APPLY_BINARY_SECTION_QNN,
                              target.name if target else "all graphs"):
            obj.backend.apply_section(obj, target, section, data, size, zero_copy,
                                      verify_checksum=not obj.skip_section_validation)
    finally:
        QnnProfile.report_residency(prof, obj)


@qnn_api(_OK)
def QnnContext_finalize(context, profile):
    """Completes a context created with DEFER_GRAPH_INIT: every graph is built now."""
    obj = _lookup.context(context, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    prof = QnnProfile.resolve(profile, E.QNN_CONTEXT_ERROR_INVALID_HANDLE)
    try:
        obj.backend.finalize_context(obj)
    finally:
        QnnProfile.report_residency(prof, obj)
