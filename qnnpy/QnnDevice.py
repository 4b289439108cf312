"""QnnDevice.h: the emulated HTP has one device, the host; a device handle is accepted
anywhere a real one is and configures nothing."""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import _handles, _log, _lookup
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export

QNN_DEVICE_DEFAULT_DEVICE_ID = 0xFFFFFFFF
QNN_DEVICE_DEFAULT_CORE_ID = 0xFFFFFFFF


class QnnDevice_Error_t(IntEnum):
    QNN_DEVICE_NO_ERROR = 0
    QNN_DEVICE_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_DEVICE_ERROR_MEM_ALLOC = 1002
    QNN_DEVICE_ERROR_INVALID_ARGUMENT = 1004
    QNN_DEVICE_ERROR_INVALID_HANDLE = 14000
    QNN_DEVICE_ERROR_INVALID_CONFIG = 14001
    QNN_DEVICE_ERROR_HARDWARE_UNAVAILABLE = 14002
    QNN_DEVICE_ERROR_ASSOCIATED_TO_CONTEXT = 14003
    QNN_DEVICE_MIN_ERROR = 14000
    QNN_DEVICE_MAX_ERROR = 14999
    QNN_DEVICE_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnDevice_ConfigOption_t(IntEnum):
    QNN_DEVICE_CONFIG_OPTION_CUSTOM = 0
    QNN_DEVICE_CONFIG_OPTION_PLATFORM_INFO = 1
    QNN_DEVICE_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


export(QnnDevice_Error_t, globals())
export(QnnDevice_ConfigOption_t, globals())
E = QnnDevice_Error_t
_OK = E.QNN_DEVICE_NO_ERROR


@dataclass(slots=True)
class QnnDevice_CoreInfoV1_t:
    coreId: int = 0
    coreType: int = 0
    coreInfoExtension: object = None


@dataclass(slots=True)
class QnnDevice_CoreInfo_t:
    version: int = 1
    v1: QnnDevice_CoreInfoV1_t = field(default_factory=QnnDevice_CoreInfoV1_t)


@dataclass(slots=True)
class QnnDevice_HardwareDeviceInfoV1_t:
    deviceId: int = 0
    deviceType: int = 0
    numCores: int = 0
    cores: list | None = None
    deviceInfoExtension: object = None


@dataclass(slots=True)
class QnnDevice_HardwareDeviceInfo_t:
    version: int = 1
    v1: QnnDevice_HardwareDeviceInfoV1_t = field(default_factory=QnnDevice_HardwareDeviceInfoV1_t)


@dataclass(slots=True)
class QnnDevice_PlatformInfoV1_t:
    numHwDevices: int = 0
    hwDevices: list | None = None


@dataclass(slots=True)
class QnnDevice_PlatformInfo_t:
    version: int = 1
    v1: QnnDevice_PlatformInfoV1_t = field(default_factory=QnnDevice_PlatformInfoV1_t)


@dataclass(slots=True)
class QnnDevice_Config_t:
    option: int = QnnDevice_ConfigOption_t.QNN_DEVICE_CONFIG_OPTION_UNDEFINED
    customConfig: object = None
    hardwareInfo: QnnDevice_PlatformInfo_t | None = None


class Device:
    contexts = 0


def _platform_info() -> QnnDevice_PlatformInfo_t:
    core = QnnDevice_CoreInfo_t(1, QnnDevice_CoreInfoV1_t(0, 0, None))
    hw = QnnDevice_HardwareDeviceInfo_t(1, QnnDevice_HardwareDeviceInfoV1_t(0, 0, 1, [core], None))
    return QnnDevice_PlatformInfo_t(1, QnnDevice_PlatformInfoV1_t(1, [hw]))


def _device(handle) -> Device:
    obj = _handles.get(handle, _lookup.DEVICE)
    if obj is None:
        fail(E.QNN_DEVICE_ERROR_INVALID_HANDLE, _lookup._why(handle, "device", "QnnDevice_create"))
    return obj


def _check_configs(config):
    """All configs are checked before any is reported; valid ones configure nothing on the
    host, and the log says so once per option rather than letting a client believe it."""
    options = []
    for item in config_list(config, E.QNN_DEVICE_ERROR_INVALID_CONFIG, "config"):
        if not isinstance(item, QnnDevice_Config_t) or item.option not in (0, 1):
            fail(E.QNN_DEVICE_ERROR_INVALID_CONFIG, f"{item!r} is not a QnnDevice_Config_t with a known option")
        options.append(QnnDevice_ConfigOption_t(item.option))
    for option in dict.fromkeys(options):
        _log.emit(_log.INFO, f"device config {option.name} accepted; it has no effect on the emulated HTP "
                             "(no cores, devices or SoC to select)")


@qnn_api(_OK, outputs=1)
def QnnDevice_getPlatformInfo(logger):
    _check_logger(logger)
    return _platform_info()


@qnn_api(_OK)
def QnnDevice_freePlatformInfo(logger, platformInfo):
    _check_logger(logger)
    if not isinstance(platformInfo, QnnDevice_PlatformInfo_t):
        fail(E.QNN_DEVICE_ERROR_INVALID_ARGUMENT, "platformInfo is not a QnnDevice_PlatformInfo_t")


@qnn_api(_OK, outputs=1)
def QnnDevice_getInfrastructure():
    """The HTP's perf infrastructure (qnnpy.QnnHtpDevice): votes are checked and logged."""
    from qnnpy.QnnHtpDevice import INFRASTRUCTURE
    return INFRASTRUCTURE


def _check_logger(logger) -> None:
    """NULL or a live log handle."""
    if not _handles.is_null(logger) and _handles.get(logger, _lookup.LOG) is None:
        fail(E.QNN_DEVICE_ERROR_INVALID_HANDLE, _lookup._why(logger, "log", "QnnLog_create"))


@qnn_api(_OK, outputs=1)
def QnnDevice_create(logger, config):
    _check_logger(logger)
    _check_configs(config)
    return _handles.new(_lookup.DEVICE, Device())


@qnn_api(_OK)
def QnnDevice_setConfig(device, config):
    _device(device)
    _check_configs(config)


@qnn_api(_OK, outputs=1)
def QnnDevice_getInfo(device):
    _device(device)
    return _platform_info()


@qnn_api(_OK)
def QnnDevice_free(device):
    obj = _device(device)
    if obj.contexts:
        fail(E.QNN_DEVICE_ERROR_ASSOCIATED_TO_CONTEXT,
             f"{obj.contexts} context(s) still use this device; free them first")
    _handles.free(device)
