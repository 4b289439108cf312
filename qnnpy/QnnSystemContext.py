"""System/QnnSystemContext.h: reading what a context binary or an adapter section holds
without loading it.

getBinaryInfo returns BinaryInfo version 3 with GraphInfo version 3, the pair the real
QAIRT 2.51 system library returns: graph names, I/O tensors with their quantization
encodings, updateable tensors, the platform info, and the HTP's own records behind
``graphBlobInfo`` and ``contextMetadata`` (qnnpy.QnnHtpSystemContext). GraphInfo V1 and V2
are prefixes of V3, so their readers are served by the same body.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import QnnDevice, _handles, _lookup, _marshal
from qnnpy import QnnHtpSystemContext as HtpInfo
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.backend_api import TensorSpec
from qnnpy.htp import container, context_binary, dtypes, identity as htp
from qnnpy.htp.ir import INPUT_KINDS, OUTPUT_KINDS, STATIC_KINDS
from qnnpy.QnnCommon import QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH
from qnnpy.QnnTypes import Qnn_TensorType_t as TT, Qnn_Version_t


class QnnSystemContext_Error_t(IntEnum):
    QNN_SYSTEM_CONTEXT_MINERROR = 30000
    QNN_SYSTEM_CONTEXT_NO_ERROR = 0
    QNN_SYSTEM_CONTEXT_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_SYSTEM_CONTEXT_ERROR_INVALID_HANDLE = 30000
    QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT = 30001
    QNN_SYSTEM_CONTEXT_ERROR_OPERATION_FAILED = 30002
    QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY = 30010
    QNN_SYSTEM_CONTEXT_MAXERROR = 49999


class QnnSystemContext_GraphInfoVersion_t(IntEnum):
    QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_1 = 1
    QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_2 = 2
    QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_3 = 3
    QNN_SYSTEM_CONTEXT_GRAPH_INFO_UNDEFINED = 0x7FFFFFFF


class QnnSystemContext_BinaryInfoVersion_t(IntEnum):
    QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_1 = 1
    QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_2 = 2
    QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3 = 3
    QNN_SYSTEM_CONTEXT_BINARY_INFO_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnSystemContext_Error_t, QnnSystemContext_GraphInfoVersion_t,
              QnnSystemContext_BinaryInfoVersion_t):
    export(_enum, globals())
E = QnnSystemContext_Error_t
SIZEOF_BINARY_INFO = 144  # sizeof(QnnSystemContext_BinaryInfo_t) on LP64
_OK = E.QNN_SYSTEM_CONTEXT_NO_ERROR
_GRAPH_V3 = QnnSystemContext_GraphInfoVersion_t.QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_3
_BINARY_V3 = QnnSystemContext_BinaryInfoVersion_t.QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3


@dataclass(slots=True)
class QnnSystemContext_GraphInfoV3_t:
    graphName: str | None = None
    numGraphInputs: int = 0
    graphInputs: list | None = None
    numGraphOutputs: int = 0
    graphOutputs: list | None = None
    numUpdateableTensors: int = 0
    updateableTensors: list | None = None
    graphBlobInfoSize: int = 0
    graphBlobInfo: bytes | None = None  # HTP records: qnnpy.QnnHtpSystemContext.unpack_graph_blob_info
    startOpIndex: int = 0
    endOpIndex: int = 0


class QnnSystemContext_GraphInfo_t:
    """Versioned graph info. V1 and V2 are prefixes of V3 in C, so graphInfoV1 and graphInfoV2
    read the same body there and here."""

    __slots__ = ("version", "graphInfoV3")

    def __init__(self, version=_GRAPH_V3, graphInfoV3=None):
        self.version = version
        self.graphInfoV3 = graphInfoV3 or QnnSystemContext_GraphInfoV3_t()

    @property
    def graphInfoV1(self):
        return self.graphInfoV3

    @property
    def graphInfoV2(self):
        return self.graphInfoV3


@dataclass(slots=True)
class QnnSystemContext_BinaryInfoV3_t:
    backendId: int = 0
    buildId: str | None = None
    coreApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    backendApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    socVersion: str | None = None
    contextBlobVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    contextBlobSize: int = 0
    numContextTensors: int = 0
    contextTensors: list | None = None
    numGraphs: int = 0
    graphs: list | None = None
    platformInfo: object = None
    contextMetadataSize: int = 0
    contextMetadata: bytes | None = None  # HTP record: qnnpy.QnnHtpSystemContext.unpack_context_blob_info
    socModel: int = 0


class QnnSystemContext_BinaryInfo_t:
    """Versioned binary info, V3 as the real library returns it. V3 is not a prefix-extension
    of V1/V2 (it drops the hardware blob), so there is no V1/V2 view: reading one would be
    reading the wrong union member."""

    __slots__ = ("version", "contextBinaryInfoV3")

    def __init__(self, version=_BINARY_V3, contextBinaryInfoV3=None):
        self.version = version
        self.contextBinaryInfoV3 = contextBinaryInfoV3 or QnnSystemContext_BinaryInfoV3_t()


class SystemContext:
    pass


def _system_context(handle):
    if _handles.get(handle, _lookup.SYSTEM_CONTEXT) is None:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_INVALID_HANDLE,
             _lookup._why(handle, "system context", "QnnSystemContext_create"))


def _tensor_list(entries, parsed):
    return [_marshal.tensor_struct(t["id"], context_binary.spec_from_meta(t, parsed)) for t in entries]


def _bytes(entries) -> int:
    total = 0
    for t in entries:
        count = 1
        for d in t["dims"]:
            count *= d
        total += count * dtypes.storage(t["dtype"]).itemsize
    return total


def _graph_blob_info(ins, outs, own_static, shared_static) -> bytes:
    """The HTP records of one graph. The emulator has no VTCM, spill-fill or op data, so those
    are 0; the sizes are the exact byte counts of the graph's I/O, its own weights and the
    context-level weights it reads (the device rounds these to its allocation granules)."""
    usage = HtpInfo.QnnHtpSystemContext_GraphBlobInfoV2_t(
        ioTensorSize=_bytes(ins + outs), constSize=_bytes(own_static), sharedWeightsSize=_bytes(shared_static))
    return HtpInfo.pack_graph_blob_info(HtpInfo.QnnHtpSystemContext_GraphBlobInfoV1_t(), usage)


def _graph_info(name, ins, outs, updateable, blob=None) -> QnnSystemContext_GraphInfo_t:
    return QnnSystemContext_GraphInfo_t(_GRAPH_V3, QnnSystemContext_GraphInfoV3_t(
        name, len(ins), ins, len(outs), outs, len(updateable), updateable, len(blob or b""), blob))


def _describe(parsed) -> QnnSystemContext_BinaryInfo_t:
    """Binary info from the metadata alone: no graph is built and no weight is read."""
    meta = parsed.meta
    graphs = []
    ctx_entries, graph_entries = context_binary.check_entries(parsed)
    ctx_ids = {t["id"] for t in ctx_entries}
    for g in graph_entries:
        tensors = {t["id"]: t for t in g["tensors"] + ctx_entries}
        used = [i for n in g["nodes"] for i in n["inputs"] + n["outputs"]]
        ids = sorted({i for i in used if i in tensors})
        ins = [tensors[i] for i in ids if tensors[i]["kind"] in INPUT_KINDS]
        outs = [tensors[i] for i in ids if tensors[i]["kind"] in OUTPUT_KINDS]
        upd = [tensors[i] for i in ids if tensors[i]["kind"] in {
            TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC, TT.QNN_TENSOR_TYPE_UPDATEABLE_NATIVE,
            TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READ,
            TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE}]
        static = [tensors[i] for i in ids if tensors[i]["kind"] in STATIC_KINDS]
        blob = _graph_blob_info(ins, outs, [t for t in static if t["id"] not in ctx_ids],
                                [t for t in static if t["id"] in ctx_ids])
        graphs.append(_graph_info(g["name"], _tensor_list(ins, parsed), _tensor_list(outs, parsed),
                                  _tensor_list(upd, parsed), blob))
    ctx_tensors = [t for t in ctx_entries if t["kind"] not in STATIC_KINDS]
    return QnnSystemContext_BinaryInfo_t(
        _BINARY_V3, _binary_info_body(parsed, meta, graphs, ctx_tensors))


def _describe_section(parsed) -> QnnSystemContext_BinaryInfo_t:
    """Binary info of an adapter section: per graph, the I/O tensors whose encodings it sets
    (with the new scale/offset) and every updateable tensor it carries."""
    graphs = []
    for g in parsed.meta.get("graphs") or []:
        context_binary._require(isinstance(g, dict) and isinstance(g.get("tensors"), list)
                                and isinstance(g.get("name"), str), "a graph entry is malformed")
        structs = []
        for t in g["tensors"]:
            context_binary.check_tensor_meta(t, len(parsed.data))
            spec = TensorSpec(t["name"], t["kind"], t["dtype"], tuple(t["dims"]),
                              context_binary.encoding_from_meta(t.get("encoding")))
            structs.append((t["kind"], _marshal.tensor_struct(t["id"], spec)))
        ins = [st for kind, st in structs if kind in INPUT_KINDS]
        outs = [st for kind, st in structs if kind in OUTPUT_KINDS]
        graphs.append(_graph_info(g["name"], ins, outs, [st for _, st in structs]))
    return QnnSystemContext_BinaryInfo_t(
        _BINARY_V3, _binary_info_body(parsed, parsed.meta, graphs, []))


def _binary_info_body(parsed, meta, graphs, ctx_tensors) -> QnnSystemContext_BinaryInfoV3_t:
    """The emulated HTP is no particular architecture: dspArch 0 in the context metadata, as
    QnnDevice reports for its one core, and SoC model 0 (unknown), as the real library reports
    for a binary prepared without a SoC."""
    context_binary._require(isinstance(meta.get("build_id"), str), "the build id is not a string")
    metadata = HtpInfo.pack_context_blob_info(HtpInfo.QnnHtpSystemContext_ContextBlobInfoV1_t(0))
    return QnnSystemContext_BinaryInfoV3_t(
        backendId=htp.BACKEND_ID, buildId=meta.get("build_id"),
        coreApiVersion=Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH),
        backendApiVersion=Qnn_Version_t(*htp.API_VERSION), socVersion="qnnpy-emulated-htp",
        contextBlobVersion=Qnn_Version_t(container.FORMAT_VERSION, 0, 0),
        contextBlobSize=len(parsed.data), numContextTensors=len(ctx_tensors),
        contextTensors=_tensor_list(ctx_tensors, parsed), numGraphs=len(graphs), graphs=graphs,
        platformInfo=QnnDevice._platform_info(), contextMetadataSize=len(metadata), contextMetadata=metadata)


@qnn_api(_OK, outputs=1)
def QnnSystemContext_create():
    return _handles.new(_lookup.SYSTEM_CONTEXT, SystemContext())


def _info(sysCtxHandle, binaryBuffer, binaryBufferSize):
    _system_context(sysCtxHandle)
    if binaryBuffer is None:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer is NULL")
    try:
        parsed = container.parse(binaryBuffer, binaryBufferSize, None)
        if parsed.kind == container.KIND_SECTION:
            return _describe_section(parsed)
        if parsed.kind == container.KIND_CONTEXT:
            return _describe(parsed)
        raise container.ContainerError(f"binary kind {parsed.kind} is neither a context binary (1) nor a section (2)")
    except (container.ContainerError, KeyError, TypeError, ValueError) as err:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY, f"cannot read the binary: {err}")


@qnn_api(_OK, outputs=2)
def QnnSystemContext_getBinaryInfo(sysCtxHandle, binaryBuffer, binaryBufferSize):
    info = _info(sysCtxHandle, binaryBuffer, binaryBufferSize)
    return info, SIZEOF_BINARY_INFO


@qnn_api(_OK, outputs=1)
def QnnSystemContext_getMetadata(sysCtxHandle, binaryBuffer, binaryBufferSize):
    return _info(sysCtxHandle, binaryBuffer, binaryBufferSize)


@qnn_api(_OK)
def QnnSystemContext_free(sysCtxHandle):
    _system_context(sysCtxHandle)
    _handles.free(sysCtxHandle)
