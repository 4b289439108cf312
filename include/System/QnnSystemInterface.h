/* qnnpy — System/QnnSystemInterface.h: the system library's provider record and function
 * table (system API 1.15, 90 entries; the order is the ABI). Our own header. */
#ifndef QNN_SYSTEM_INTERFACE_H
#define QNN_SYSTEM_INTERFACE_H

#include "QnnInterface.h"
#include "QnnLog.h"
#include "QnnTypes.h"
#include "System/QnnSystemCommon.h"
#include "System/QnnSystemContext.h"
#include "System/QnnSystemLog.h"
#include "System/QnnSystemProfile.h"
#include "System/QnnSystemTensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef QNN_SYSTEM_INTERFACE
#define QNN_SYSTEM_INTERFACE
#endif

#define QNN_SYSTEM_INTERFACE_VER_TYPE_EVAL(major, minor) \
  QNN_INTERFACE_NAME_EVAL(QnnSystemInterface_ImplementationV, QNN_INTERFACE_VER_EVAL(major, minor), _t)
#define QNN_SYSTEM_INTERFACE_VER_NAME_EVAL(major, minor) \
  QNN_INTERFACE_NAME_EVAL(v, QNN_INTERFACE_VER_EVAL(major, minor), )
#define QNN_SYSTEM_INTERFACE_VER_TYPE \
  QNN_SYSTEM_INTERFACE_VER_TYPE_EVAL(QNN_SYSTEM_API_VERSION_MAJOR, QNN_SYSTEM_API_VERSION_MINOR)
#define QNN_SYSTEM_INTERFACE_VER_NAME \
  QNN_SYSTEM_INTERFACE_VER_NAME_EVAL(QNN_SYSTEM_API_VERSION_MAJOR, QNN_SYSTEM_API_VERSION_MINOR)

typedef enum {
  QNN_SYSTEM_INTERFACE_MIN_ERROR = QNN_MIN_ERROR_SYSTEM,
  QNN_SYSTEM_INTERFACE_NO_ERROR = QNN_SUCCESS,
  QNN_SYSTEM_INTERFACE_ERROR_NOT_SUPPORTED = QNN_COMMON_ERROR_NOT_SUPPORTED,
  QNN_SYSTEM_INTERFACE_ERROR_INVALID_PARAMETER = QNN_COMMON_ERROR_INVALID_ARGUMENT,
  QNN_SYSTEM_INTERFACE_MAX_ERROR = QNN_MAX_ERROR_SYSTEM
} QnnSystemInterface_Error_t;

/* DLC types: qnnpy does not implement the DLC readers, so they stay opaque here. */
typedef struct QnnSystemDlc_GraphConfigInfo QnnSystemDlc_GraphConfigInfo_t;

typedef Qnn_ErrorHandle_t (*QnnSystemContext_CreateFn_t)(QnnSystemContext_Handle_t* sysCtxHandle);
typedef Qnn_ErrorHandle_t (*QnnSystemContext_GetBinaryInfoFn_t)(QnnSystemContext_Handle_t sysCtxHandle,
                                                                void* binaryBuffer,
                                                                uint64_t binaryBufferSize,
                                                                const QnnSystemContext_BinaryInfo_t** binaryInfo,
                                                                Qnn_ContextBinarySize_t* binaryInfoSize);
typedef Qnn_ErrorHandle_t (*QnnSystemContext_GetMetaDataFn_t)(QnnSystemContext_Handle_t sysCtxHandle,
                                                              const void* binaryBuffer,
                                                              uint64_t binaryBufferSize,
                                                              const QnnSystemContext_BinaryInfo_t** binaryInfo);
typedef Qnn_ErrorHandle_t (*QnnSystemContext_FreeFn_t)(QnnSystemContext_Handle_t sysCtxHandle);
typedef Qnn_ErrorHandle_t (*QnnSystemTensor_getMemoryFootprintFn_t)(Qnn_Tensor_t tensor, uint64_t* footprint);
typedef Qnn_ErrorHandle_t (*QnnSystemLog_createFn_t)(QnnLog_Callback_t callback,
                                                     QnnLog_Level_t maxLogLevel,
                                                     Qnn_LogHandle_t* logger);
typedef Qnn_ErrorHandle_t (*QnnSystemLog_setLogLevelFn_t)(Qnn_LogHandle_t logger, QnnLog_Level_t maxLogLevel);
typedef Qnn_ErrorHandle_t (*QnnSystemLog_freeFn_t)(Qnn_LogHandle_t logger);
typedef Qnn_ErrorHandle_t (*QnnSystemDlc_createFromFileFn_t)(Qnn_LogHandle_t logger,
                                                             const char* dlcPath,
                                                             QnnSystemDlc_Handle_t* dlcHandle);
typedef Qnn_ErrorHandle_t (*QnnSystemDlc_createFromBinaryFn_t)(Qnn_LogHandle_t logger,
                                                               const uint8_t* buffer,
                                                               const Qnn_ContextBinarySize_t bufferSize,
                                                               QnnSystemDlc_Handle_t* dlcHandle);
typedef Qnn_ErrorHandle_t (*QnnSystemDlc_composeGraphsFn_t)(QnnSystemDlc_Handle_t dlcHandle,
                                                            const QnnSystemDlc_GraphConfigInfo_t** graphConfigs,
                                                            const uint32_t numGraphConfigs,
                                                            Qnn_BackendHandle_t backend,
                                                            Qnn_ContextHandle_t context,
                                                            QnnInterface_t interface,
                                                            QnnSystemContext_GraphInfoVersion_t graphVersion,
                                                            QnnSystemContext_GraphInfo_t** graphs,
                                                            uint32_t* numGraphs);
typedef Qnn_ErrorHandle_t (*QnnSystemDlc_getOpMappingsFn_t)(QnnSystemDlc_Handle_t dlcHandle,
                                                            const Qnn_OpMapping_t** opMappings,
                                                            uint32_t* numOpMappings);
typedef Qnn_ErrorHandle_t (*QnnSystemDlc_freeFn_t)(QnnSystemDlc_Handle_t dlcHandle);
typedef Qnn_ErrorHandle_t (*QnnSystemProfile_createSerializationTargetFn_t)(
    QnnSystemProfile_SerializationTarget_t info,
    QnnSystemProfile_SerializationTargetConfig_t* configs,
    uint32_t numConfigs,
    QnnSystemProfile_SerializationTargetHandle_t* target);
typedef Qnn_ErrorHandle_t (*QnnSystemProfile_serializeEventDataFn_t)(
    QnnSystemProfile_SerializationTargetHandle_t target,
    const QnnSystemProfile_ProfileData_t** eventData,
    uint32_t numEvents);
typedef Qnn_ErrorHandle_t (*QnnSystemProfile_freeSerializationTargetFn_t)(
    QnnSystemProfile_SerializationTargetHandle_t target);

/* The DLC readers added after system API 1.7: qnnpy implements none of them (each answers
 * NOT_SUPPORTED), so their members share one parameterless type here. */
typedef Qnn_ErrorHandle_t (*QnnSystemInterface_UnimplementedFn_t)(void);
typedef struct {
  QnnSystemContext_CreateFn_t systemContextCreate;
  QnnSystemContext_GetBinaryInfoFn_t systemContextGetBinaryInfo;
  QnnSystemContext_GetMetaDataFn_t systemContextGetMetaData;
  QnnSystemContext_FreeFn_t systemContextFree;
  QnnSystemTensor_getMemoryFootprintFn_t systemTensorGetMemoryFootprint;
  QnnSystemLog_createFn_t systemLogCreate;
  QnnSystemLog_setLogLevelFn_t systemLogSetLogLevel;
  QnnSystemLog_freeFn_t systemLogFree;
  QnnSystemDlc_createFromFileFn_t systemDlcCreateFromFile;
  QnnSystemDlc_createFromBinaryFn_t systemDlcCreateFromBinary;
  QnnSystemDlc_composeGraphsFn_t systemDlcComposeGraphs;
  QnnSystemDlc_getOpMappingsFn_t systemDlcGetOpMappings;
  QnnSystemDlc_freeFn_t systemDlcFree;
  QnnSystemProfile_createSerializationTargetFn_t systemProfileCreateSerializationTarget;
  QnnSystemProfile_serializeEventDataFn_t systemProfileSerializeEventData;
  QnnSystemProfile_freeSerializationTargetFn_t systemProfileFreeSerializationTarget;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetRecordByName;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetRecordsByType;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetRecordDataSize;
  QnnSystemInterface_UnimplementedFn_t systemDlcReadRecordDataMemoryMapped;
  QnnSystemInterface_UnimplementedFn_t systemDlcFreeRecord;
  QnnSystemInterface_UnimplementedFn_t systemDlcSave;
  QnnSystemInterface_UnimplementedFn_t systemDlcCreateFromFileWithDestinationDir;
  QnnSystemInterface_UnimplementedFn_t systemDlcCreateFromBinaryWithDestinationDir;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetBinarySize;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetBinary;
  QnnSystemInterface_UnimplementedFn_t systemDlcCreateWithDestinationDir;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetComposableGraphInfoHandles;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoHandles;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetComposableGraphInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetComposableGraphInfoGraphName;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetComposableGraphInfoNumInputTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetComposableGraphInfoNumOutputTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetGraphInfoInputTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetGraphInfoOutputTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoName;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoId;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoType;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoDataFormat;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoDataType;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoRank;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoDimensions;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetTensorInfoQuantParams;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsEncodingDefinition;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsEncoding;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsScaleOffsetScale;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsScaleOffsetOffset;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwScaleOffsetBitwidth;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwScaleOffsetScale;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwScaleOffsetOffset;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsAxisScaleOffsetAxis;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsAxisScaleOffsetNumScaleOffsets;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsAxisScaleOffsetScaleAtIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsAxisScaleOffsetOffsetAtIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwAxisScaleOffsetBitwidth;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwAxisScaleOffsetAxis;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwAxisScaleOffsetNumElements;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwAxisScaleOffsetScaleAtIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetQuantParamsBwAxisScaleOffsetOffsetAtIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoBackendId;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoBuildId;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoCoreApiVersion;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoBackendApiVersion;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoSocVersion;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoHwInfoBlobVersion;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoContextBlobVersion;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoHwInfoBlobSize;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoHwInfoBlob;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoContextBlobSize;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoNumContextTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoContextTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoNumGraphs;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoHandle;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoSocModel;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoContextMetadataSize;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextBinaryInfoContextMetadata;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoGraphName;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoNumInputTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoNumOutputTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoNumUpdateableTensors;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoGraphBlobInfoSize;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoGraphBlobInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoStartOpIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoEndOpIndex;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoInputTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoOutputTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcGetContextGraphInfoUpdateableTensorInfo;
  QnnSystemInterface_UnimplementedFn_t systemDlcFreeRecordRange;
  QnnSystemInterface_UnimplementedFn_t reservedSlot89;
} QNN_SYSTEM_INTERFACE_VER_TYPE;
#define QNN_SYSTEM_INTERFACE_VER_TYPE_INIT \
  {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/* Note: a single Qnn_Version_t, not a Qnn_ApiVersion_t as in QnnInterface_t. */
typedef struct {
  uint32_t backendId;
  const char* providerName;
  Qnn_Version_t systemApiVersion;
  union UNNAMED {
    QNN_SYSTEM_INTERFACE_VER_TYPE QNN_SYSTEM_INTERFACE_VER_NAME;
  };
} QnnSystemInterface_t;
#define QNN_SYSTEM_INTERFACE_INIT \
  {QNN_BACKEND_ID_NULL, NULL, QNN_VERSION_INIT, {QNN_SYSTEM_INTERFACE_VER_TYPE_INIT}}

QNN_SYSTEM_INTERFACE Qnn_ErrorHandle_t QnnSystemInterface_getProviders(const QnnSystemInterface_t*** providerList,
                                                                       uint32_t* numProviders);

#ifdef __cplusplus
}
#endif

#endif
