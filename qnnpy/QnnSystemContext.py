"""System/QnnSystemContext.h: reading what a context binary or an adapter section holds
without loading it.

getBinaryInfo returns BinaryInfo version 2 with GraphInfo version 2 (graph names, I/O
tensors with their quantization encodings, updateable tensors): the pair the SDK's own
sample app and LoRA clients read.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import _handles, _lookup, _marshal
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.backend_api import TensorSpec
from qnnpy.htp import backend as htp, container, context_binary
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


@dataclass(slots=True)
class QnnSystemContext_GraphInfoV2_t:
    graphName: str | None = None
    numGraphInputs: int = 0
    graphInputs: list | None = None
    numGraphOutputs: int = 0
    graphOutputs: list | None = None
    numUpdateableTensors: int = 0
    updateableTensors: list | None = None


class QnnSystemContext_GraphInfo_t:
    """Versioned graph info; graphInfoV1 and graphInfoV2 name the same body (V1 is a prefix)."""

    __slots__ = ("version", "graphInfoV2")

    def __init__(self, version=2, graphInfoV2=None):
        self.version = version
        self.graphInfoV2 = graphInfoV2 or QnnSystemContext_GraphInfoV2_t()

    @property
    def graphInfoV1(self):
        return self.graphInfoV2


@dataclass(slots=True)
class QnnSystemContext_BinaryInfoV2_t:
    backendId: int = 0
    buildId: str | None = None
    coreApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    backendApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    socVersion: str | None = None
    hwInfoBlobVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    contextBlobVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    hwInfoBlobSize: int = 0
    hwInfoBlob: object = None
    contextBlobSize: int = 0
    numContextTensors: int = 0
    contextTensors: list | None = None
    numGraphs: int = 0
    graphs: list | None = None
    platformInfo: object = None


class QnnSystemContext_BinaryInfo_t:
    """Versioned binary info; contextBinaryInfoV1 and V2 name the same body (V1 is a prefix)."""

    __slots__ = ("version", "contextBinaryInfoV2")

    def __init__(self, version=2, contextBinaryInfoV2=None):
        self.version = version
        self.contextBinaryInfoV2 = contextBinaryInfoV2 or QnnSystemContext_BinaryInfoV2_t()

    @property
    def contextBinaryInfoV1(self):
        return self.contextBinaryInfoV2


class SystemContext:
    pass


def _system_context(handle):
    if _handles.get(handle, _lookup.SYSTEM_CONTEXT) is None:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_INVALID_HANDLE,
             _lookup._why(handle, "system context", "QnnSystemContext_create"))


def _tensor_list(entries, parsed):
    return [_marshal.tensor_struct(t["id"], context_binary.spec_from_meta(t, parsed)) for t in entries]


def _describe(parsed) -> QnnSystemContext_BinaryInfo_t:
    """Binary info from the metadata alone: no graph is built and no weight is read."""
    meta = parsed.meta
    graphs = []
    ctx_entries, graph_entries = context_binary.check_entries(parsed)
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
        info = QnnSystemContext_GraphInfoV2_t(
            g["name"], len(ins), _tensor_list(ins, parsed), len(outs), _tensor_list(outs, parsed),
            len(upd), _tensor_list(upd, parsed))
        graphs.append(QnnSystemContext_GraphInfo_t(2, info))
    ctx_tensors = [t for t in ctx_entries if t["kind"] not in STATIC_KINDS]
    return QnnSystemContext_BinaryInfo_t(2, _binary_info_body(parsed, meta, graphs, ctx_tensors))


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
        updateable = [st for _, st in structs]
        info = QnnSystemContext_GraphInfoV2_t(g["name"], len(ins), ins, len(outs), outs,
                                              len(updateable), updateable)
        graphs.append(QnnSystemContext_GraphInfo_t(2, info))
    return QnnSystemContext_BinaryInfo_t(2, _binary_info_body(parsed, parsed.meta, graphs, []))


def _binary_info_body(parsed, meta, graphs, ctx_tensors) -> QnnSystemContext_BinaryInfoV2_t:
    context_binary._require(isinstance(meta.get("build_id"), str), "the build id is not a string")
    return QnnSystemContext_BinaryInfoV2_t(
        backendId=htp.BACKEND_ID, buildId=meta.get("build_id"),
        coreApiVersion=Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH),
        backendApiVersion=Qnn_Version_t(*htp.API_VERSION), socVersion="qnnpy-emulated-htp",
        contextBlobVersion=Qnn_Version_t(container.FORMAT_VERSION, 0, 0),
        contextBlobSize=len(parsed.data), numContextTensors=len(ctx_tensors),
        contextTensors=_tensor_list(ctx_tensors, parsed), numGraphs=len(graphs), graphs=graphs)


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
