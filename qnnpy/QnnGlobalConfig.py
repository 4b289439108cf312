"""QnnGlobalConfig.h: process-wide settings made before anything else — the SoC model and the
machine type. As on the real backend (QAIRT 2.51, measured through its table), each may be set
once and only before the first backend is created (OPERATION_NOT_PERMITTED after that); a
machine type other than HOST or DEVICE, or an unknown option, is INVALID_CONFIG. Any SoC number
is taken, but one without an HTP makes QnnBackend_create fail (CANNOT_INITIALIZE), as on the
real backend; qnnpy warns already when it is set. Neither setting changes how the emulated HTP
computes."""
from dataclasses import dataclass
from enum import IntEnum

from qnnpy import _log
from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy.htp import identity
from qnnpy.QnnCommon import QNN_COMMON_ERROR_NOT_SUPPORTED, QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED

QNN_BACKEND_ERROR_CANNOT_INITIALIZE = 4000  # QnnBackend.h (which imports this module)
from qnnpy.QnnTypes import Qnn_SocModel_t


class QnnGlobalConfig_Error_t(IntEnum):
    QNN_GLOBAL_CONFIG_MIN_ERROR = 15000
    QNN_GLOBAL_CONFIG_NO_ERROR = 0
    QNN_GLOBAL_CONFIG_ERROR_UNSUPPORTED_FEATURE = QNN_COMMON_ERROR_NOT_SUPPORTED
    QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG = 15000
    QNN_GLOBAL_CONFIG_MAX_ERROR = 15999
    QNN_GLOBAL_CONFIG_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnGlobalConfig_ConfigOption_t(IntEnum):
    QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL = 0
    QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE = 1
    QNN_GLOBAL_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


class QnnGlobalConfig_MachineType_t(IntEnum):
    QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_HOST = 0
    QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_DEVICE = 1
    QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnGlobalConfig_Error_t, QnnGlobalConfig_ConfigOption_t, QnnGlobalConfig_MachineType_t):
    export(_enum, globals())
E = QnnGlobalConfig_Error_t
OPTION = QnnGlobalConfig_ConfigOption_t


@dataclass
class QnnGlobalConfig_t:
    """The C struct's union read by option: socModel for SOC_MODEL, machineType for MACHINE_TYPE."""
    option: int = OPTION.QNN_GLOBAL_CONFIG_OPTION_UNDEFINED
    socModel: int = Qnn_SocModel_t.QNN_SOC_MODEL_UNKNOWN
    machineType: int = QnnGlobalConfig_MachineType_t.QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_HOST


SETTINGS: dict = {}
"""The options set so far (option -> value); each may be set once."""
_LOCKED = {"why": ""}


def lock(why: str) -> None:
    """Called by the first call that commits the process to its settings (QnnBackend_create)."""
    _LOCKED["why"] = _LOCKED["why"] or why


def soc_name(number: int) -> str:
    member = Qnn_SocModel_t._value2member_map_.get(number)
    return f"{number} ({member.name.removeprefix('QNN_SOC_MODEL_')})" if member else f"{number} (not a QAIRT number)"


def check_soc_for_backend() -> None:
    """QnnBackend_create's check: a SoC set globally must be one with an HTP."""
    soc = SETTINGS.get(OPTION.QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL)
    if soc is not None and soc not in identity.SOC_MODELS:
        fail(QNN_BACKEND_ERROR_CANNOT_INITIALIZE,
             f"SoC model {soc_name(soc)}, set through QnnGlobalConfig_Set, has no HTP the backend supports")


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked(item) -> tuple[int, int]:
    if not isinstance(item, QnnGlobalConfig_t) or not _int(item.option) or item.option not in (0, 1):
        fail(E.QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG,
             f"{item!r} is not a QnnGlobalConfig_t with option SOC_MODEL (0) or MACHINE_TYPE (1)")
    if item.option == OPTION.QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE:
        if not _int(item.machineType) or item.machineType not in (0, 1):
            fail(E.QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG,
                 f"machine type {item.machineType!r} is not HOST (0) or DEVICE (1)")
        return int(item.option), int(item.machineType)
    if not _int(item.socModel) or not 0 <= item.socModel <= 0x7FFFFFFF:
        fail(E.QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG, f"SoC model {item.socModel!r} is not a Qnn_SocModel_t")
    return int(item.option), int(item.socModel)


@qnn_api(E.QNN_GLOBAL_CONFIG_NO_ERROR)
def QnnGlobalConfig_Set(config):
    """All items are checked before any is applied; a later item of the same option wins."""
    wanted = dict(_checked(item) for item in config_list(config, E.QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG,
                                                        "config"))
    for option in wanted:
        name = OPTION(option).name.removeprefix("QNN_GLOBAL_CONFIG_OPTION_")
        if option in SETTINGS or _LOCKED["why"]:
            fail(QNN_COMMON_ERROR_OPERATION_NOT_PERMITTED,
                 f"global config {name} may be set once, before any backend is created"
                 + (f" ({_LOCKED['why']} came first)" if _LOCKED["why"] else " (it is already set)"))
    soc = wanted.get(OPTION.QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL)
    if soc is not None and soc not in identity.SOC_MODELS:
        _log.emit(_log.WARN, f"SoC model {soc_name(soc)} has no HTP the backend supports: QnnBackend_create "
                             "will fail with CANNOT_INITIALIZE, as on the real backend")
    SETTINGS.update(wanted)
    for option in wanted:
        _log.emit(_log.INFO, f"global config {OPTION(option).name} recorded; the emulated HTP computes the same "
                             "on every SoC and machine type")
