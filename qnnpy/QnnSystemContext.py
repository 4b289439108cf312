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

from qnnpy import _handles, _lookup
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnTypes import Qnn_Version_t


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


# Readers of binaries, tried in order: each answers the binary info of a binary in its own format,
# None for bytes that are not, or raises ValueError for a binary of its format that is broken. The
# emulated HTP's reader (qnnpy.htp.binary_info) is loaded on first use; another backend adds its own.
READERS: list = []


def register_reader(reader) -> None:
    READERS.append(reader)


@qnn_api(_OK, outputs=1)
def QnnSystemContext_create():
    return _handles.new(_lookup.SYSTEM_CONTEXT, SystemContext())


def _info(sysCtxHandle, binaryBuffer, binaryBufferSize):
    _system_context(sysCtxHandle)
    if binaryBuffer is None:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_INVALID_ARGUMENT, "binaryBuffer is NULL")
    import qnnpy.htp.binary_info  # noqa: F401  (the emulated HTP's reader registers itself once)
    try:
        for reader in READERS:
            info = reader(binaryBuffer, binaryBufferSize)
            if info is not None:
                return info
    except ValueError as err:
        fail(E.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY, f"cannot read the binary: {err}")
    fail(E.QNN_SYSTEM_CONTEXT_ERROR_MALFORMED_BINARY, "cannot read the binary: no reader knows its format")


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
