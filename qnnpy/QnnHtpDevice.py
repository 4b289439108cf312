"""HTP/QnnHtpDevice.h: what QnnDevice's opaque extensions are on the HTP — the device-info
extension, custom device configs and the performance infrastructure that
QnnDevice_getInfrastructure hands out (its four functions live in QnnHtpPerfInfrastructure)."""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import QnnHtpPerfInfrastructure as perf
from qnnpy._enum import export


class QnnHtpDevice_Arch_t(IntEnum):
    QNN_HTP_DEVICE_ARCH_NONE = 0
    QNN_HTP_DEVICE_ARCH_V68 = 68
    QNN_HTP_DEVICE_ARCH_V69 = 69
    QNN_HTP_DEVICE_ARCH_V73 = 73
    QNN_HTP_DEVICE_ARCH_V75 = 75
    QNN_HTP_DEVICE_ARCH_V79 = 79
    QNN_HTP_DEVICE_ARCH_V81 = 81
    QNN_HTP_DEVICE_ARCH_V85 = 85
    QNN_HTP_DEVICE_ARCH_UNKNOWN = 0x7FFFFFFF


class QnnHtpDevice_ConfigOption_t(IntEnum):
    QNN_HTP_DEVICE_CONFIG_OPTION_SOC = 0
    QNN_HTP_DEVICE_CONFIG_OPTION_ARCH = 1
    QNN_HTP_DEVICE_CONFIG_OPTION_SIGNEDPD = 2
    QNN_HTP_DEVICE_CONFIG_OPTION_SECUREPD = 3
    QNN_HTP_DEVICE_CONFIG_OPTION_ASYNC_EXECUTE = 4
    QNN_HTP_DEVICE_CONFIG_OPTION_HTP_EXTENSION = 0x7FFF0000
    QNN_HTP_DEVICE_CONFIG_OPTION_UNKNOWN = 0x7FFFFFFF


class QnnHtpDevice_DeviceType_t(IntEnum):
    QNN_HTP_DEVICE_TYPE_ON_CHIP = 0
    QNN_HTP_DEVICE_TYPE_UNKNOWN = 0x7FFFFFFF


class QnnHtpDevice_CoreType_t(IntEnum):
    QNN_HTP_CORE_TYPE_NSP = 0
    QNN_HTP_CORE_TYPE_HPASS = 1
    QNN_HTP_CORE_TYPE_MAX = 2
    QNN_HTP_CORE_TYPE_UNKNOWN = 0x7FFFFFFF


class QnnHtpDevice_InfrastructureType_t(IntEnum):
    QNN_HTP_DEVICE_INFRASTRUCTURE_TYPE_PERF = 0
    QNN_HTP_DEVICE_INFRASTRUCTURE_TYPE_UNKNOWN = 0x7FFFFFFF


for _enum in (QnnHtpDevice_Arch_t, QnnHtpDevice_ConfigOption_t, QnnHtpDevice_DeviceType_t, QnnHtpDevice_CoreType_t,
              QnnHtpDevice_InfrastructureType_t):
    export(_enum, globals())


@dataclass(slots=True)
class QnnHtpDevice_OnChipDeviceInfoExtension_t:
    vtcmSize: int = 0
    socModel: int = 0
    signedPdSupport: bool = False
    dlbcSupport: bool = False
    arch: int = QnnHtpDevice_Arch_t.QNN_HTP_DEVICE_ARCH_NONE


@dataclass(slots=True)
class QnnHtpDevice_DeviceInfoExtension_t:
    devType: int = QnnHtpDevice_DeviceType_t.QNN_HTP_DEVICE_TYPE_ON_CHIP
    onChipDevice: QnnHtpDevice_OnChipDeviceInfoExtension_t = field(
        default_factory=QnnHtpDevice_OnChipDeviceInfoExtension_t)


@dataclass(slots=True)
class QnnHtpDevice_PerfInfrastructure_t:
    createPowerConfigId: object = None
    destroyPowerConfigId: object = None
    setPowerConfig: object = None
    setMemoryConfig: object = None


@dataclass(slots=True)
class QnnHtpDevice_Infrastructure_t:
    infraType: int = QnnHtpDevice_InfrastructureType_t.QNN_HTP_DEVICE_INFRASTRUCTURE_TYPE_UNKNOWN
    perfInfra: QnnHtpDevice_PerfInfrastructure_t = field(default_factory=QnnHtpDevice_PerfInfrastructure_t)


def QNN_HTP_DEVICE_PERF_INFRASTRUCTURE_INIT() -> QnnHtpDevice_PerfInfrastructure_t:
    return QnnHtpDevice_PerfInfrastructure_t()


# What QnnDevice_getInfrastructure returns: the same object for every caller.
INFRASTRUCTURE = QnnHtpDevice_Infrastructure_t(
    QnnHtpDevice_InfrastructureType_t.QNN_HTP_DEVICE_INFRASTRUCTURE_TYPE_PERF,
    QnnHtpDevice_PerfInfrastructure_t(perf.createPowerConfigId, perf.destroyPowerConfigId, perf.setPowerConfig,
                                      perf.setMemoryConfig))
