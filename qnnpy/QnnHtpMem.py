"""HTP/QnnHtpMem.h: the HTP's custom memory descriptor (Qnn_MemDescriptor_t.customInfo)."""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy._enum import export


class QnnHtpMem_Type_t(IntEnum):
    QNN_HTP_MEM_QURT = 0
    QNN_HTP_MEM_SHARED_BUFFER = 1
    QNN_HTP_MEM_UNDEFINED = 0x7FFFFFFF


export(QnnHtpMem_Type_t, globals())


@dataclass(slots=True)
class QnnHtpMem_QurtAddress_t:
    baseAddr: int = 0


@dataclass(slots=True)
class QnnHtpMem_SharedBufferConfig_t:
    fd: int = -1
    offset: int = 0


@dataclass(slots=True)
class QnnMemHtp_Descriptor_t:
    type: int = QnnHtpMem_Type_t.QNN_HTP_MEM_UNDEFINED
    size: int = 0
    qurtAddress: QnnHtpMem_QurtAddress_t = field(default_factory=QnnHtpMem_QurtAddress_t)
    sharedBufferConfig: QnnHtpMem_SharedBufferConfig_t = field(default_factory=QnnHtpMem_SharedBufferConfig_t)
