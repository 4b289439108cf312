"""GenieCommon.h: the status codes every Genie function returns (Genie API 1.13 values:
0 success, positive warnings, negative errors), the types of values get-functions return, and
the performance policies a dialog may ask for."""
from enum import IntEnum

from qnnpy._enum import export

GENIE_API_VERSION_MAJOR, GENIE_API_VERSION_MINOR, GENIE_API_VERSION_PATCH = 1, 13, 0


class Genie_Status_t(IntEnum):
    GENIE_STATUS_SUCCESS = 0
    GENIE_STATUS_WARNING_ABORTED = 1
    GENIE_STATUS_WARNING_BOUND_HANDLE = 2
    GENIE_STATUS_WARNING_PAUSED = 3
    GENIE_STATUS_WARNING_CONTEXT_EXCEEDED = 4
    GENIE_STATUS_ERROR_GENERAL = -1
    GENIE_STATUS_ERROR_INVALID_ARGUMENT = -2
    GENIE_STATUS_ERROR_MEM_ALLOC = -3
    GENIE_STATUS_ERROR_INVALID_CONFIG = -4
    GENIE_STATUS_ERROR_INVALID_HANDLE = -5
    GENIE_STATUS_ERROR_QUERY_FAILED = -6
    GENIE_STATUS_ERROR_JSON_FORMAT = -7
    GENIE_STATUS_ERROR_JSON_SCHEMA = -8
    GENIE_STATUS_ERROR_JSON_VALUE = -9
    GENIE_STATUS_ERROR_GENERATE_FAILED = -10
    GENIE_STATUS_ERROR_GET_HANDLE_FAILED = -11
    GENIE_STATUS_ERROR_APPLY_CONFIG_FAILED = -12
    GENIE_STATUS_ERROR_SET_PARAMS_FAILED = -13
    GENIE_STATUS_ERROR_BOUND_HANDLE = -14


export(Genie_Status_t, globals())


class Genie_DataType_t(IntEnum):
    """The value types GenieDialog_getValue returns (measured on the real libGenie.so; the
    header's other types are not listed, their values unknown here)."""
    GENIE_DATATYPE_UINT_32 = 12
    GENIE_DATATYPE_STRING = 30


export(Genie_DataType_t, globals())


class Genie_PerformancePolicy_t(IntEnum):
    GENIE_PERFORMANCE_BURST = 10
    GENIE_PERFORMANCE_SUSTAINED_HIGH_PERFORMANCE = 20
    GENIE_PERFORMANCE_HIGH_PERFORMANCE = 30
    GENIE_PERFORMANCE_BALANCED = 40
    GENIE_PERFORMANCE_LOW_BALANCED = 50
    GENIE_PERFORMANCE_HIGH_POWER_SAVER = 60
    GENIE_PERFORMANCE_POWER_SAVER = 70
    GENIE_PERFORMANCE_LOW_POWER_SAVER = 80
    GENIE_PERFORMANCE_EXTREME_POWER_SAVER = 90


export(Genie_PerformancePolicy_t, globals())


def Genie_getApiMajorVersion() -> int:
    return GENIE_API_VERSION_MAJOR


def Genie_getApiMinorVersion() -> int:
    return GENIE_API_VERSION_MINOR


def Genie_getApiPatchVersion() -> int:
    return GENIE_API_VERSION_PATCH
