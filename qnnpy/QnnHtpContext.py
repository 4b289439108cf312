"""HTP/QnnHtpContext.h: the HTP's custom context configs (QNN_CONTEXT_CONFIG_OPTION_CUSTOM).

The emulator honours LORA_WEIGHT_SHARING_ENABLED (a graph must have a section applied before
it executes) and SKIP_VALIDATION_ON_BINARY_SECTION (the section checksum is not verified;
its structure still is). The others are accepted and have no effect on the host.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy._enum import export


class QnnHtpContext_ConfigOption_t(IntEnum):
    QNN_HTP_CONTEXT_CONFIG_OPTION_WEIGHT_SHARING_ENABLED = 1
    QNN_HTP_CONTEXT_CONFIG_OPTION_REGISTER_MULTI_CONTEXTS = 2
    QNN_HTP_CONTEXT_CONFIG_OPTION_FILE_READ_MEMORY_BUDGET = 3
    QNN_HTP_CONTEXT_CONFIG_OPTION_DSP_MEMORY_PROFILING_ENABLED = 4
    QNN_HTP_CONTEXT_CONFIG_OPTION_SHARE_RESOURCES = 5
    QNN_HTP_CONTEXT_CONFIG_OPTION_IO_MEM_ESTIMATION = 6
    QNN_HTP_CONTEXT_CONFIG_OPTION_PREPARE_ONLY = 7
    QNN_HTP_CONTEXT_CONFIG_OPTION_INIT_ACCELERATION = 8
    QNN_HTP_CONTEXT_CONFIG_OPTION_SKIP_VALIDATION_ON_BINARY_SECTION = 9
    QNN_HTP_CONTEXT_CONFIG_OPTION_SHARE_RESOURCES_OPTIMIZATION_TYPE = 10
    QNN_HTP_CONTEXT_CONFIG_OPTION_USE_EXTENDED_UDMA = 11
    QNN_HTP_CONTEXT_CONFIG_OPTION_REGISTER_CONCURRENT_RESOURCE_SHARING = 12
    QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED = 13
    QNN_HTP_CONTEXT_CONFIG_OPTION_RESERVED_14 = 14
    QNN_HTP_CONTEXT_CONFIG_OPTION_RESERVED_15 = 15
    QNN_HTP_CONTEXT_CONFIG_OPTION_UNKNOWN = 0x7FFFFFFF


export(QnnHtpContext_ConfigOption_t, globals())


@dataclass(slots=True)
class QnnHtpContext_GroupRegistration_t:
    firstGroupHandle: int | None = None
    maxSpillFillBuffer: int = 0


@dataclass(slots=True)
class QnnHtpContext_CustomConfig_t:
    """One HTP option; the union member named after ``option`` is the one read."""
    option: int = QnnHtpContext_ConfigOption_t.QNN_HTP_CONTEXT_CONFIG_OPTION_UNKNOWN
    weightSharingEnabled: bool = False
    groupRegistration: QnnHtpContext_GroupRegistration_t = field(
        default_factory=QnnHtpContext_GroupRegistration_t)
    fileReadMemoryBudgetInMb: int = 0
    dspMemoryProfilingEnabled: bool = False
    shareResources: bool = False
    ioMemEstimation: bool = False
    isPrepareOnly: bool = False
    initAcceleration: bool = False
    skipValidationOnBinarySection: bool = False
    shareResOptType: int = 0
    useExtendedUdma: bool = False
    concurrentGroupRegistration: QnnHtpContext_GroupRegistration_t = field(
        default_factory=QnnHtpContext_GroupRegistration_t)
    loraWeightSharingEnabled: bool = False


def QNN_HTP_CONTEXT_CUSTOM_CONFIG_INIT() -> QnnHtpContext_CustomConfig_t:
    return QnnHtpContext_CustomConfig_t()
