"""QnnError.h: the message behind an error code, so that a client can print what went wrong.

The real backend answers a code's name and a fixed description; qnnpy answers the code's name
followed by the last line it logged for a failure with that code (the line that says what was
wrong), which is what a developer needs. A code no API returns gets INVALID_ERROR_HANDLE, as on
the real backend.
"""
import functools
from enum import IntEnum

from qnnpy import _log
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnCommon import QNN_GET_ERROR_CODE, QnnCommon_Error_t


class QnnError_Error_t(IntEnum):
    QNN_ERROR_NO_ERROR = 0
    QNN_ERROR_INVALID_ARGUMENT = 10000
    QNN_ERROR_INVALID_ERROR_HANDLE = 10001
    QNN_ERROR_MIN_ERROR = 10000
    QNN_ERROR_MAX_ERROR = 10999
    QNN_ERROR_UNDEFINED = 0x7FFFFFFF


export(QnnError_Error_t, globals())
E = QnnError_Error_t


@functools.cache
def _code_names() -> dict[int, str]:
    """code -> the name of the enum member of the component whose range holds it."""
    from qnnpy import (QnnBackend, QnnContext, QnnDevice, QnnGraph, QnnHtpPerfInfrastructure, QnnInterface, QnnLog,
                       QnnProfile, QnnProperty, QnnSystemContext, QnnTensor)
    enums = [QnnCommon_Error_t, QnnProperty.QnnProperty_Error_t, QnnBackend.QnnBackend_Error_t,
             QnnContext.QnnContext_Error_t, QnnGraph.QnnGraph_Error_t, QnnTensor.QnnTensor_Error_t, QnnError_Error_t,
             QnnLog.QnnLog_Error_t, QnnProfile.QnnProfile_Error_t, QnnHtpPerfInfrastructure.QnnHtpPerfInfrastructure_Error_t,
             QnnDevice.QnnDevice_Error_t, QnnSystemContext.QnnSystemContext_Error_t, QnnInterface.QnnInterface_Error_t]
    names = {0: "QNN_SUCCESS"}
    for enum in enums:
        for member in enum:
            if "_ERROR_" in member.name and not member.name.endswith("UNDEFINED"):
                names.setdefault(int(member), member.name)  # the first enum naming a code is its own range's
    return names


def message(errorHandle) -> str:
    if isinstance(errorHandle, bool) or not isinstance(errorHandle, int) or errorHandle < 0:
        fail(E.QNN_ERROR_INVALID_ARGUMENT, f"errorHandle must be a Qnn_ErrorHandle_t, got {errorHandle!r}")
    code = QNN_GET_ERROR_CODE(errorHandle)
    names = _code_names()
    if code not in names:
        fail(E.QNN_ERROR_INVALID_ERROR_HANDLE, f"error handle {errorHandle} holds no QNN error code")
    detail = _log.last_failure(code)
    return names[code] + (f": {detail}" if detail else "")


@qnn_api(E.QNN_ERROR_NO_ERROR, outputs=1)
def QnnError_getMessage(errorHandle):
    """The code's name and the last line qnnpy logged for a failure with that code."""
    return message(errorHandle)


@qnn_api(E.QNN_ERROR_NO_ERROR, outputs=1)
def QnnError_getVerboseMessage(errorHandle):
    """The same text; in C the caller owns it until QnnError_freeVerboseMessage."""
    return message(errorHandle)


@qnn_api(E.QNN_ERROR_NO_ERROR)
def QnnError_freeVerboseMessage(errorMessage):
    if not isinstance(errorMessage, str):
        fail(E.QNN_ERROR_INVALID_ARGUMENT, "errorMessage must be a message QnnError_getVerboseMessage gave")
