"""System/QnnSystemInterface.h: the system library's provider and function table."""
from qnnpy import QnnSystemContext, QnnSystemProfile, QnnSystemTensor
from qnnpy._api import qnn_api
from qnnpy.QnnInterface import QnnInterface_Error_t
from qnnpy.QnnTypes import Qnn_Version_t

QNN_SYSTEM_API_VERSION_MAJOR, QNN_SYSTEM_API_VERSION_MINOR, QNN_SYSTEM_API_VERSION_PATCH = 1, 15, 0
QNN_SYSTEM_INTERFACE_PROVIDER_NAME = "SYSTEM_QTI_AISW"
QNN_SYSTEM_INTERFACE_VER_NAME = "v1_15"

TABLE = [
    ("systemContextCreate", QnnSystemContext.QnnSystemContext_create),
    ("systemContextGetBinaryInfo", QnnSystemContext.QnnSystemContext_getBinaryInfo),
    ("systemContextGetMetaData", QnnSystemContext.QnnSystemContext_getMetadata),
    ("systemContextFree", QnnSystemContext.QnnSystemContext_free),
    ("systemTensorGetMemoryFootprint", QnnSystemTensor.QnnSystemTensor_getMemoryFootprint),
    ("systemLogCreate", None),
    ("systemLogSetLogLevel", None),
    ("systemLogFree", None),
    ("systemDlcCreateFromFile", None),
    ("systemDlcCreateFromBinary", None),
    ("systemDlcComposeGraphs", None),
    ("systemDlcGetOpMappings", None),
    ("systemDlcFree", None),
    ("systemProfileCreateSerializationTarget", QnnSystemProfile.QnnSystemProfile_createSerializationTarget),
    ("systemProfileSerializeEventData", QnnSystemProfile.QnnSystemProfile_serializeEventData),
    ("systemProfileFreeSerializationTarget", QnnSystemProfile.QnnSystemProfile_freeSerializationTarget),
]
# Members added after system API 1.7, none implemented: the DLC record, graph-info and tensor-info
# readers, then one slot whose name no public source gives (the real 1.15 table has 90 entries).
TABLE += [(name, None) for name in (
    "systemDlcGetRecordByName",
    "systemDlcGetRecordsByType",
    "systemDlcGetRecordDataSize",
    "systemDlcReadRecordDataMemoryMapped",
    "systemDlcFreeRecord",
    "systemDlcSave",
    "systemDlcCreateFromFileWithDestinationDir",
    "systemDlcCreateFromBinaryWithDestinationDir",
    "systemDlcGetBinarySize",
    "systemDlcGetBinary",
    "systemDlcCreateWithDestinationDir",
    "systemDlcGetComposableGraphInfoHandles",
    "systemDlcGetContextBinaryInfoHandles",
    "systemDlcGetComposableGraphInfo",
    "systemDlcGetContextBinaryInfo",
    "systemDlcGetComposableGraphInfoGraphName",
    "systemDlcGetComposableGraphInfoNumInputTensors",
    "systemDlcGetComposableGraphInfoNumOutputTensors",
    "systemDlcGetGraphInfoInputTensorInfo",
    "systemDlcGetGraphInfoOutputTensorInfo",
    "systemDlcGetTensorInfoName",
    "systemDlcGetTensorInfoId",
    "systemDlcGetTensorInfoType",
    "systemDlcGetTensorInfoDataFormat",
    "systemDlcGetTensorInfoDataType",
    "systemDlcGetTensorInfoRank",
    "systemDlcGetTensorInfoDimensions",
    "systemDlcGetTensorInfoQuantParams",
    "systemDlcGetQuantParamsEncodingDefinition",
    "systemDlcGetQuantParamsEncoding",
    "systemDlcGetQuantParamsScaleOffsetScale",
    "systemDlcGetQuantParamsScaleOffsetOffset",
    "systemDlcGetQuantParamsBwScaleOffsetBitwidth",
    "systemDlcGetQuantParamsBwScaleOffsetScale",
    "systemDlcGetQuantParamsBwScaleOffsetOffset",
    "systemDlcGetQuantParamsAxisScaleOffsetAxis",
    "systemDlcGetQuantParamsAxisScaleOffsetNumScaleOffsets",
    "systemDlcGetQuantParamsAxisScaleOffsetScaleAtIndex",
    "systemDlcGetQuantParamsAxisScaleOffsetOffsetAtIndex",
    "systemDlcGetQuantParamsBwAxisScaleOffsetBitwidth",
    "systemDlcGetQuantParamsBwAxisScaleOffsetAxis",
    "systemDlcGetQuantParamsBwAxisScaleOffsetNumElements",
    "systemDlcGetQuantParamsBwAxisScaleOffsetScaleAtIndex",
    "systemDlcGetQuantParamsBwAxisScaleOffsetOffsetAtIndex",
    "systemDlcGetContextBinaryInfoBackendId",
    "systemDlcGetContextBinaryInfoBuildId",
    "systemDlcGetContextBinaryInfoCoreApiVersion",
    "systemDlcGetContextBinaryInfoBackendApiVersion",
    "systemDlcGetContextBinaryInfoSocVersion",
    "systemDlcGetContextBinaryInfoHwInfoBlobVersion",
    "systemDlcGetContextBinaryInfoContextBlobVersion",
    "systemDlcGetContextBinaryInfoHwInfoBlobSize",
    "systemDlcGetContextBinaryInfoHwInfoBlob",
    "systemDlcGetContextBinaryInfoContextBlobSize",
    "systemDlcGetContextBinaryInfoNumContextTensors",
    "systemDlcGetContextBinaryInfoContextTensorInfo",
    "systemDlcGetContextBinaryInfoNumGraphs",
    "systemDlcGetContextGraphInfoHandle",
    "systemDlcGetContextBinaryInfoSocModel",
    "systemDlcGetContextBinaryInfoContextMetadataSize",
    "systemDlcGetContextBinaryInfoContextMetadata",
    "systemDlcGetContextGraphInfoGraphName",
    "systemDlcGetContextGraphInfoNumInputTensors",
    "systemDlcGetContextGraphInfoNumOutputTensors",
    "systemDlcGetContextGraphInfoNumUpdateableTensors",
    "systemDlcGetContextGraphInfoGraphBlobInfoSize",
    "systemDlcGetContextGraphInfoGraphBlobInfo",
    "systemDlcGetContextGraphInfoStartOpIndex",
    "systemDlcGetContextGraphInfoEndOpIndex",
    "systemDlcGetContextGraphInfoInputTensorInfo",
    "systemDlcGetContextGraphInfoOutputTensorInfo",
    "systemDlcGetContextGraphInfoUpdateableTensorInfo",
    "systemDlcFreeRecordRange",
    "reservedSlot89",
)]
MEMBERS = tuple(name for name, _ in TABLE)


class QnnSystemInterface_ImplementationV1_15_t:
    __slots__ = MEMBERS

    def __init__(self, functions: dict):
        for name in MEMBERS:
            setattr(self, name, functions.get(name))


class QnnSystemInterface_t:
    __slots__ = ("backendId", "providerName", "systemApiVersion", QNN_SYSTEM_INTERFACE_VER_NAME)

    def __init__(self, backendId, providerName, systemApiVersion, table):
        self.backendId, self.providerName, self.systemApiVersion = backendId, providerName, systemApiVersion
        setattr(self, QNN_SYSTEM_INTERFACE_VER_NAME, table)


SYSTEM_PROVIDER = QnnSystemInterface_t(
    0, QNN_SYSTEM_INTERFACE_PROVIDER_NAME,
    Qnn_Version_t(QNN_SYSTEM_API_VERSION_MAJOR, QNN_SYSTEM_API_VERSION_MINOR, QNN_SYSTEM_API_VERSION_PATCH),
    QnnSystemInterface_ImplementationV1_15_t(dict(TABLE)))


@qnn_api(QnnInterface_Error_t.QNN_INTERFACE_NO_ERROR, outputs=2)
def QnnSystemInterface_getProviders():
    return [SYSTEM_PROVIDER], 1
