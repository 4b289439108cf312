"""HTP/QnnHtpSystemContext.h: the HTP records behind the opaque blobs of the system binary info.

GraphInfo V3's ``graphBlobInfo`` and BinaryInfo V3's ``contextMetadata`` are bytes here, as
they are bytes behind a ``void*`` in C: laid out exactly as the real x86-64 HTP system library
(QAIRT 2.51) fills them, so a client that casts them to these structs reads the same fields
from qnnpy's binaries as from a device binary. ``pack_*`` builds them; ``unpack_*`` reads them
back for Python clients and tools.
"""
import struct
from dataclasses import dataclass
from enum import IntEnum

from qnnpy._enum import export


class QnnHtpSystemContext_HwInfoBlobVersion_t(IntEnum):
    QNN_SYSTEM_CONTEXT_HTP_HW_INFO_BLOB_VERSION_V1 = 0x01
    QNN_SYSTEM_CONTEXT_HTP_HW_INFO_BLOB_UNDEFINED = 0x7FFFFFFF


class QnnHtpSystemContext_GraphInfoBlobVersion_t(IntEnum):
    QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V1 = 0x01
    QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V2 = 0x02
    QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_UNDEFINED = 0x7FFFFFFF


class QnnHtpSystemContext_ContextInfoBlobVersion_t(IntEnum):
    QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_VERSION_V1 = 0x01
    QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnHtpSystemContext_HwInfoBlobVersion_t, QnnHtpSystemContext_GraphInfoBlobVersion_t,
              QnnHtpSystemContext_ContextInfoBlobVersion_t):
    export(_enum, globals())
_GRAPH_RECORD_V1 = QnnHtpSystemContext_GraphInfoBlobVersion_t.QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V1
_CONTEXT_RECORD_V1 = QnnHtpSystemContext_ContextInfoBlobVersion_t.QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_VERSION_V1


@dataclass(slots=True)
class QnnHtpSystemContext_GraphBlobInfoV1_t:
    spillFillBufferSize: int = 0
    vtcmSize: int = 0
    optimizationLevel: int = 0
    htpDlbc: int = 0
    numHvxThreads: int = 0


@dataclass(slots=True)
class QnnHtpSystemContext_GraphBlobInfoV2_t:
    """What a graph needs in memory, by kind, in bytes."""
    version: int = QnnHtpSystemContext_GraphInfoBlobVersion_t.QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V2
    nativeKChannelSize: int = 0
    nativeVChannelSize: int = 0
    isSafeShareIO: int = 0
    ioTensorSize: int = 0
    opDataSize: int = 0
    constSize: int = 0
    ddrTensorSize: int = 0
    sharedWeightsSize: int = 0


@dataclass(slots=True)
class QnnHtpSystemContext_ContextBlobInfoV1_t:
    dspArch: int = 0


# LP64 layouts of the C structs (natural alignment), checked by tests/c/abi_check.c
_GRAPH_V1 = struct.Struct("<I4xQIIB7xQ")      # QnnHtpSystemContext_GraphBlobInfo_t, 40 bytes
_GRAPH_V2 = struct.Struct("<I4xQQI4xQQQQQ")   # QnnHtpSystemContext_GraphBlobInfoV2_t, 72 bytes
_CONTEXT_V1 = struct.Struct("<II")            # QnnHtpSystemContext_ContextBlobInfo_t, 8 bytes


def pack_graph_blob_info(v1: QnnHtpSystemContext_GraphBlobInfoV1_t, v2: QnnHtpSystemContext_GraphBlobInfoV2_t) -> bytes:
    """The V1 record followed by the V2 record, as the real library lays out graphBlobInfo."""
    return (_GRAPH_V1.pack(_GRAPH_RECORD_V1, v1.spillFillBufferSize, v1.vtcmSize,
                           v1.optimizationLevel, v1.htpDlbc, v1.numHvxThreads)
            + _GRAPH_V2.pack(v2.version, v2.nativeKChannelSize, v2.nativeVChannelSize, v2.isSafeShareIO,
                             v2.ioTensorSize, v2.opDataSize, v2.constSize, v2.ddrTensorSize, v2.sharedWeightsSize))


def unpack_graph_blob_info(blob: bytes) -> tuple[QnnHtpSystemContext_GraphBlobInfoV1_t, QnnHtpSystemContext_GraphBlobInfoV2_t]:
    version, *v1 = _GRAPH_V1.unpack_from(blob, 0)
    if version != _GRAPH_RECORD_V1:
        raise ValueError(f"graph blob info opens with version {version}, not 1")
    return QnnHtpSystemContext_GraphBlobInfoV1_t(*v1), QnnHtpSystemContext_GraphBlobInfoV2_t(
        *_GRAPH_V2.unpack_from(blob, _GRAPH_V1.size))


def pack_context_blob_info(info: QnnHtpSystemContext_ContextBlobInfoV1_t) -> bytes:
    return _CONTEXT_V1.pack(_CONTEXT_RECORD_V1, info.dspArch)


def unpack_context_blob_info(blob: bytes) -> QnnHtpSystemContext_ContextBlobInfoV1_t:
    version, arch = _CONTEXT_V1.unpack_from(blob, 0)
    if version != _CONTEXT_RECORD_V1:
        raise ValueError(f"context metadata opens with version {version}, not 1")
    return QnnHtpSystemContext_ContextBlobInfoV1_t(arch)
