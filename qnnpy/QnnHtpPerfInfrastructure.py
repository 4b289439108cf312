"""HTP/QnnHtpPerfInfrastructure.h: the power and performance votes clients make on the HTP.

The emulated HTP has nothing to clock, but a client's perf code must run unchanged and be
checked as the device would check it: unknown config ids, options, voltage corners or power
modes and a polling time above the maximum are errors with a log line; a valid vote is
accepted and logged (INFO) so a user can see what their app asked for.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy._api import config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy._log import emit

QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_MAX_RPC_POLLING_TIME = 9999


class QnnHtpPerfInfrastructure_Error_t(IntEnum):
    QNN_HTP_PERF_INFRASTRUCTURE_NO_ERROR = 0
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_HANDLE_PTR = 13000
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT = 13001
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED_CONFIG = 13002
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_TRANSPORT = 13003
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED = 13004
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_MEM_ALLOC = 13005
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_FAILED = 13006
    QNN_HTP_PERF_INFRASTRUCTURE_MIN_ERROR = 13000
    QNN_HTP_PERF_INFRASTRUCTURE_MAX_ERROR = 13999
    QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_ClkPerfMode_t(IntEnum):
    QNN_HTP_PERF_INFRASTRUCTURE_CLK_PERF_HIGH = 0
    QNN_HTP_PERF_INFRASTRUCTURE_CLK_PERF_LOW = 1
    QNN_HTP_PERF_INFRASTRUCTURE_CLK_PERF_UNKNOWN = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_VoltageCorner_t(IntEnum):
    DCVS_VOLTAGE_CORNER_DISABLE = 0x10
    DCVS_VOLTAGE_VCORNER_MIN_VOLTAGE_CORNER = 0x20
    DCVS_VOLTAGE_VCORNER_SVS2 = 0x30
    DCVS_VOLTAGE_VCORNER_SVS = 0x40
    DCVS_VOLTAGE_VCORNER_SVS_PLUS = 0x50
    DCVS_VOLTAGE_VCORNER_NOM = 0x60
    DCVS_VOLTAGE_VCORNER_NOM_PLUS = 0x70
    DCVS_VOLTAGE_VCORNER_TURBO = 0x80
    DCVS_VOLTAGE_VCORNER_TURBO_PLUS = 0x90
    DCVS_VOLTAGE_VCORNER_TURBO_L2 = 0x92
    DCVS_VOLTAGE_VCORNER_TURBO_L3 = 0x93
    DCVS_VOLTAGE_VCORNER_TURBO_L4 = 0x94
    DCVS_VOLTAGE_VCORNER_TURBO_L5 = 0x95
    DCVS_VOLTAGE_VCORNER_MAX_VOLTAGE_CORNER = 0xA0
    DCVS_VOLTAGE_VCORNER_UNKNOWN = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_ExpVoltageCorner_t(IntEnum):
    DCVS_EXP_VCORNER_DISABLE = 0
    DCVS_EXP_VCORNER_MIN = 0x100
    DCVS_EXP_VCORNER_LOW_SVS_D2 = 0x134
    DCVS_EXP_VCORNER_LOW_SVS_D1 = 0x138
    DCVS_EXP_VCORNER_LOW_SVS = 0x140
    DCVS_EXP_VCORNER_LOW_SVS_L0 = 0x14C
    DCVS_EXP_VCORNER_SVS = 0x180
    DCVS_EXP_VCORNER_SVS_L0 = 0x190
    DCVS_EXP_VCORNER_SVS_L1 = 0x1C0
    DCVS_EXP_VCORNER_SVS_L2 = 0x1E0
    DCVS_EXP_VCORNER_NOM = 0x200
    DCVS_EXP_VCORNER_NOM_L1 = 0x240
    DCVS_EXP_VCORNER_NOM_L2 = 0x250
    DCVS_EXP_VCORNER_TUR = 0x280
    DCVS_EXP_VCORNER_TUR_L1 = 0x2A0
    DCVS_EXP_VCORNER_TUR_L2 = 0x2B0
    DCVS_EXP_VCORNER_TUR_L3 = 0x2C0
    DCVS_EXP_VCORNER_MAX = 0xFFFF
    DCVS_EXP_VCORNER_UNKNOWN = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_PowerMode_t(IntEnum):
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_ADJUST_UP_DOWN = 0x1
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_ADJUST_ONLY_UP = 0x2
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_POWER_SAVER_MODE = 0x4
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_POWER_SAVER_AGGRESSIVE_MODE = 0x8
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_PERFORMANCE_MODE = 0x10
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_DUTY_CYCLE_MODE = 0x20
    QNN_HTP_PERF_INFRASTRUCTURE_POWERMODE_UNKNOWN = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_PowerConfigOption_t(IntEnum):
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DCVS_V3 = 1
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_CONTROL_LATENCY = 2
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_POLLING_TIME = 3
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_HMX_TIMEOUT_INTERVAL_US = 4
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_HMX_V2 = 5
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_ADAPTIVE_POLLING_TIME = 6
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DDR_PERF_MODE = 7
    QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_UNKNOWN = 0x7FFFFFFF


class QnnHtpPerfInfrastructure_MemoryConfigOption_t(IntEnum):
    QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIGOPTION_GROW_SIZE = 1
    QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIGOPTION_UNKNOWN = 0x7FFFFFFF


for _enum in (QnnHtpPerfInfrastructure_Error_t, QnnHtpPerfInfrastructure_ClkPerfMode_t,
              QnnHtpPerfInfrastructure_VoltageCorner_t, QnnHtpPerfInfrastructure_ExpVoltageCorner_t,
              QnnHtpPerfInfrastructure_PowerMode_t, QnnHtpPerfInfrastructure_PowerConfigOption_t,
              QnnHtpPerfInfrastructure_MemoryConfigOption_t):
    export(_enum, globals())
E = QnnHtpPerfInfrastructure_Error_t
P = QnnHtpPerfInfrastructure_PowerConfigOption_t
_OK = E.QNN_HTP_PERF_INFRASTRUCTURE_NO_ERROR


@dataclass(slots=True)
class QnnHtpPerfInfrastructure_DcvsV3_t:
    contextId: int = 0
    setDcvsEnable: int = 0
    dcvsEnable: int = 0
    powerMode: int = 0
    setSleepLatency: int = 0
    sleepLatency: int = 0
    setSleepDisable: int = 0
    sleepDisable: int = 0
    setBusParams: int = 0
    busVoltageCornerMin: int = 0
    busVoltageCornerTarget: int = 0
    busVoltageCornerMax: int = 0
    setCoreParams: int = 0
    coreVoltageCornerMin: int = 0
    coreVoltageCornerTarget: int = 0
    coreVoltageCornerMax: int = 0


@dataclass(slots=True)
class QnnHtpPerfInfrastructure_HmxV2_t:
    hmxPickDefault: int = 0
    hmxVoltageCornerMin: int = 0
    hmxVoltageCornerTarget: int = 0
    hmxVoltageCornerMax: int = 0
    hmxPerfMode: int = 0


@dataclass(slots=True)
class QnnHtpPerfInfrastructure_PowerConfig_t:
    """One vote; the union member named after ``option`` is the one read."""
    option: int = P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_UNKNOWN
    dcvsV3Config: QnnHtpPerfInfrastructure_DcvsV3_t = field(default_factory=QnnHtpPerfInfrastructure_DcvsV3_t)
    rpcControlLatencyConfig: int = 0
    rpcPollingTimeConfig: int = 0
    hmxTimeoutIntervalUsConfig: int = 0
    hmxV2Config: QnnHtpPerfInfrastructure_HmxV2_t = field(default_factory=QnnHtpPerfInfrastructure_HmxV2_t)
    adaptivePollingTimeConfig: int = 0
    ddrPerfModeConfig: int = 0


@dataclass(slots=True)
class QnnHtpPerfInfrastructure_MemoryConfig_t:
    option: int = QnnHtpPerfInfrastructure_MemoryConfigOption_t.QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIGOPTION_UNKNOWN
    memGrowSizeConfig: int = 0


def QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_INIT() -> QnnHtpPerfInfrastructure_PowerConfig_t:
    return QnnHtpPerfInfrastructure_PowerConfig_t()


def QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIG_INIT() -> QnnHtpPerfInfrastructure_MemoryConfig_t:
    return QnnHtpPerfInfrastructure_MemoryConfig_t()


# ---- the votes --------------------------------------------------------------------------------

_power_ids: set[int] = set()
_next_id = [1]
DEVICE_ID, CORE_ID = 0, 0   # the host: one device with one core, as QnnDevice_getPlatformInfo says


def _check_core(deviceId, coreId):
    if (deviceId, coreId) != (DEVICE_ID, CORE_ID):
        fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT,
             f"device {deviceId} core {coreId} does not exist; the emulated HTP has device 0 with core 0")


def _check_id(powerConfigId):
    if powerConfigId not in _power_ids:
        fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT,
             f"power config id {powerConfigId} was not created (or was destroyed); use createPowerConfigId")


def _member(enum, value, what):
    try:
        return enum(value).name
    except ValueError:
        fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT, f"{what} {value:#x} is not a {enum.__name__} value")


def _describe(item: QnnHtpPerfInfrastructure_PowerConfig_t) -> str:
    corner = QnnHtpPerfInfrastructure_VoltageCorner_t
    if item.option == P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DCVS_V3:
        d = item.dcvsV3Config
        parts = [f"DCVS v3 {'on' if d.dcvsEnable else 'off'}" if d.setDcvsEnable else "DCVS v3"]
        parts.append(_member(QnnHtpPerfInfrastructure_PowerMode_t, d.powerMode, "power mode")
                     .split("POWERMODE_")[-1].lower() if d.powerMode else "no power mode")
        if d.setSleepLatency:
            parts.append(f"sleep latency {d.sleepLatency} us")
        for flag, prefix in ((d.setBusParams, "bus"), (d.setCoreParams, "core")):
            if flag:
                corners = [_member(corner, getattr(d, f"{prefix}VoltageCorner{k}"), f"{prefix} corner")
                           for k in ("Min", "Target", "Max")]
                short = (c.replace("DCVS_VOLTAGE_", "").replace("VCORNER_", "") for c in corners)
                parts.append(f"{prefix} corners {'/'.join(short)}")
        return ", ".join(parts)
    if item.option == P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_POLLING_TIME:
        if item.rpcPollingTimeConfig > QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_MAX_RPC_POLLING_TIME:
            fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_INVALID_INPUT,
                 f"RPC polling time {item.rpcPollingTimeConfig} us is above the maximum "
                 f"{QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_MAX_RPC_POLLING_TIME} us")
        return f"RPC polling time {item.rpcPollingTimeConfig} us"
    if item.option == P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_HMX_V2:
        h = item.hmxV2Config
        if h.hmxPickDefault:
            return "HMX v2 following DCVS"
        corners = [_member(QnnHtpPerfInfrastructure_ExpVoltageCorner_t, getattr(h, f"hmxVoltageCorner{k}"), "HMX corner")
                   for k in ("Min", "Target", "Max")]
        return f"HMX v2 corners {'/'.join(c.split('VCORNER_')[-1] for c in corners)}"
    scalars = {P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_RPC_CONTROL_LATENCY: ("RPC control latency", "us",
                                                                                       "rpcControlLatencyConfig"),
               P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_HMX_TIMEOUT_INTERVAL_US: ("HMX timeout", "us",
                                                                                          "hmxTimeoutIntervalUsConfig"),
               P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_ADAPTIVE_POLLING_TIME: ("adaptive polling time", "us",
                                                                                        "adaptivePollingTimeConfig"),
               P.QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIGOPTION_DDR_PERF_MODE: ("DDR performance mode", "",
                                                                                "ddrPerfModeConfig")}
    if item.option in scalars:
        label, unit, member = scalars[item.option]
        return f"{label} {getattr(item, member)}{' ' + unit if unit else ''}"
    fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED_CONFIG, f"power config option {item.option!r} is not known")


@qnn_api(_OK, outputs=1)
def createPowerConfigId(deviceId, coreId):
    _check_core(deviceId, coreId)
    new = _next_id[0]
    _next_id[0] += 1
    _power_ids.add(new)
    return new


@qnn_api(_OK)
def destroyPowerConfigId(powerConfigId):
    _check_id(powerConfigId)
    _power_ids.discard(powerConfigId)


@qnn_api(_OK)
def setPowerConfig(powerConfigId, config):
    _check_id(powerConfigId)
    votes = [_describe(item) for item in config_list(config, E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED_CONFIG,
                                                     "config")]   # all checked before anything is logged
    emit(3, f"power config {powerConfigId}: {'; '.join(votes) or 'no options'} (accepted; the emulated HTP runs "
            "at host speed)")


@qnn_api(_OK)
def setMemoryConfig(deviceId, coreId, config):
    _check_core(deviceId, coreId)
    items = config_list(config, E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED_CONFIG, "config")
    grow = QnnHtpPerfInfrastructure_MemoryConfigOption_t.QNN_HTP_PERF_INFRASTRUCTURE_MEMORY_CONFIGOPTION_GROW_SIZE
    for item in items:  # all checked before anything is logged
        if getattr(item, "option", None) != grow:
            fail(E.QNN_HTP_PERF_INFRASTRUCTURE_ERROR_UNSUPPORTED_CONFIG,
                 f"memory config option {getattr(item, 'option', item)!r} is not known")
    for item in items:
        emit(3, f"memory grow size {item.memGrowSizeConfig} bytes (accepted)")
