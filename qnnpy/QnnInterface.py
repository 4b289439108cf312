"""QnnInterface.h: the provider list and the function table, in the C table's order.

The table's attribute names are the C member names (``graphExecute``, ``contextCreate`` …);
members qnnpy does not implement are None, the way a real backend leaves them NULL.
"""
from enum import IntEnum

from qnnpy import (QnnBackend, QnnContext, QnnDevice, QnnError, QnnGraph, QnnLog, QnnMem, QnnProfile, QnnProperty,
                   QnnSignal, QnnTensor)
from qnnpy._api import qnn_api
from qnnpy._enum import export
from qnnpy.htp import identity as htp
from qnnpy.QnnTypes import Qnn_ApiVersion_t, Qnn_Version_t
from qnnpy.QnnCommon import QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH


class QnnInterface_Error_t(IntEnum):
    QNN_INTERFACE_NO_ERROR = 0
    QNN_INTERFACE_ERROR_NOT_SUPPORTED = 1000
    QNN_INTERFACE_ERROR_INVALID_PARAMETER = 1004
    QNN_INTERFACE_MIN_ERROR = 60000
    QNN_INTERFACE_MAX_ERROR = 60999


export(QnnInterface_Error_t, globals())
QNN_HTP_INTERFACE_PROVIDER_NAME = htp.PROVIDER_NAME
QNN_INTERFACE_VER_NAME = f"v{QNN_API_VERSION_MAJOR}_{QNN_API_VERSION_MINOR}"

# (member, function or None) in ABI order; the order is the C table's.
TABLE = [
    ("propertyHasCapability", QnnProperty.QnnProperty_hasCapability),
    ("backendCreate", QnnBackend.QnnBackend_create),
    ("backendSetConfig", QnnBackend.QnnBackend_setConfig),
    ("backendGetApiVersion", QnnBackend.QnnBackend_getApiVersion),
    ("backendGetBuildId", QnnBackend.QnnBackend_getBuildId),
    ("backendRegisterOpPackage", QnnBackend.QnnBackend_registerOpPackage),
    ("backendGetSupportedOperations", QnnBackend.QnnBackend_getSupportedOperations),
    ("backendValidateOpConfig", QnnBackend.QnnBackend_validateOpConfig),
    ("backendFree", QnnBackend.QnnBackend_free),
    ("contextCreate", QnnContext.QnnContext_create),
    ("contextSetConfig", QnnContext.QnnContext_setConfig),
    ("contextGetBinarySize", QnnContext.QnnContext_getBinarySize),
    ("contextGetBinary", QnnContext.QnnContext_getBinary),
    ("contextCreateFromBinary", QnnContext.QnnContext_createFromBinary),
    ("contextFree", QnnContext.QnnContext_free),
    ("graphCreate", QnnGraph.QnnGraph_create),
    ("graphCreateSubgraph", QnnGraph.QnnGraph_createSubgraph),
    ("graphSetConfig", QnnGraph.QnnGraph_setConfig),
    ("graphAddNode", QnnGraph.QnnGraph_addNode),
    ("graphFinalize", QnnGraph.QnnGraph_finalize),
    ("graphRetrieve", QnnGraph.QnnGraph_retrieve),
    ("graphExecute", QnnGraph.QnnGraph_execute),
    ("graphExecuteAsync", QnnGraph.QnnGraph_executeAsync),
    ("tensorCreateContextTensor", QnnTensor.QnnTensor_createContextTensor),
    ("tensorCreateGraphTensor", QnnTensor.QnnTensor_createGraphTensor),
    ("logCreate", QnnLog.QnnLog_create),
    ("logSetLogLevel", QnnLog.QnnLog_setLogLevel),
    ("logFree", QnnLog.QnnLog_free),
    ("profileCreate", QnnProfile.QnnProfile_create),
    ("profileSetConfig", QnnProfile.QnnProfile_setConfig),
    ("profileGetEvents", QnnProfile.QnnProfile_getEvents),
    ("profileGetSubEvents", QnnProfile.QnnProfile_getSubEvents),
    ("profileGetEventData", QnnProfile.QnnProfile_getEventData),
    ("profileGetExtendedEventData", None),
    ("profileFree", QnnProfile.QnnProfile_free),
    ("memRegister", QnnMem.QnnMem_register),
    ("memDeRegister", QnnMem.QnnMem_deRegister),
    ("deviceGetPlatformInfo", QnnDevice.QnnDevice_getPlatformInfo),
    ("deviceFreePlatformInfo", QnnDevice.QnnDevice_freePlatformInfo),
    ("deviceGetInfrastructure", QnnDevice.QnnDevice_getInfrastructure),
    ("deviceCreate", QnnDevice.QnnDevice_create),
    ("deviceSetConfig", QnnDevice.QnnDevice_setConfig),
    ("deviceGetInfo", QnnDevice.QnnDevice_getInfo),
    ("deviceFree", QnnDevice.QnnDevice_free),
    ("signalCreate", QnnSignal.QnnSignal_create),
    ("signalSetConfig", QnnSignal.QnnSignal_setConfig),
    ("signalTrigger", QnnSignal.QnnSignal_trigger),
    ("signalFree", QnnSignal.QnnSignal_free),
    ("errorGetMessage", QnnError.QnnError_getMessage),
    ("errorGetVerboseMessage", QnnError.QnnError_getVerboseMessage),
    ("errorFreeVerboseMessage", QnnError.QnnError_freeVerboseMessage),
    ("graphPrepareExecutionEnvironment", QnnGraph.QnnGraph_prepareExecutionEnvironment),
    ("graphReleaseExecutionEnvironment", QnnGraph.QnnGraph_releaseExecutionEnvironment),
    ("graphGetProperty", QnnGraph.QnnGraph_getProperty),
    ("contextValidateBinary", QnnContext.QnnContext_validateBinary),
    ("contextCreateFromBinaryWithSignal", QnnContext.QnnContext_createFromBinaryWithSignal),
    ("contextCreateFromBinaryListAsync", QnnContext.QnnContext_createFromBinaryListAsync),
    ("tensorUpdateGraphTensors", QnnTensor.QnnTensor_updateGraphTensors),
    ("tensorUpdateContextTensors", QnnTensor.QnnTensor_updateContextTensors),
    ("contextGetBinarySectionSize", QnnContext.QnnContext_getBinarySectionSize),
    ("contextGetBinarySection", QnnContext.QnnContext_getBinarySection),
    ("contextApplyBinarySection", QnnContext.QnnContext_applyBinarySection),
    ("backendGetProperty", QnnBackend.QnnBackend_getProperty),
    ("contextGetProperty", QnnContext.QnnContext_getProperty),
    ("contextGetIncrementalBinary", None),
    ("contextReleaseIncrementalBinary", None),
    ("contextFinalize", QnnContext.QnnContext_finalize),
    ("globalConfigSet", None),
    ("contextCreateFromBinaryWithCallback", QnnContext.QnnContext_createFromBinaryWithCallback),
    ("contextGetBinarySectionUpdate", None),
    ("contextFreeBinarySectionUpdate", None),
    # Members added after API 2.32: the real 2.40 table has 75 entries (docs/qnn-facts.md).
    ("contextAddToDlc", QnnContext.QnnContext_addToDlc),
    ("reservedSlot72", None),
    ("reservedSlot73", None),
    ("reservedSlot74", None),
]
MEMBERS = tuple(name for name, _ in TABLE)


class QnnInterface_ImplementationV2_40_t:
    """The function table: one attribute per C member, in C order (``MEMBERS``)."""

    __slots__ = MEMBERS

    def __init__(self, functions: dict):
        for name in MEMBERS:
            setattr(self, name, functions.get(name))


class QnnInterface_t:
    __slots__ = ("backendId", "providerName", "apiVersion", QNN_INTERFACE_VER_NAME)

    def __init__(self, backendId=0, providerName=None, apiVersion=None, table=None):
        self.backendId, self.providerName = backendId, providerName
        self.apiVersion = apiVersion or Qnn_ApiVersion_t()
        setattr(self, QNN_INTERFACE_VER_NAME, table or QnnInterface_ImplementationV2_40_t({}))


HTP_PROVIDER = QnnInterface_t(
    htp.BACKEND_ID, htp.PROVIDER_NAME,
    Qnn_ApiVersion_t(Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH),
                     Qnn_Version_t(*htp.API_VERSION)),
    QnnInterface_ImplementationV2_40_t(dict(TABLE)))


@qnn_api(QnnInterface_Error_t.QNN_INTERFACE_NO_ERROR, outputs=2)
def QnnInterface_getProviders():
    return [HTP_PROVIDER], 1
