/* Compile-time checks that the qnnpy headers have the QNN ABI: sizes and offsets on LP64, as
 * measured on the vendor headers (values from the project's fact sheets). Built as C11 and as
 * C++17 with -Wall -Werror by tests/test_headers.py. */
#ifdef __cplusplus
#include <cstddef>
#define ABI_ASSERT(cond, what) static_assert(cond, what)
#else
#include <stdbool.h>
#include <stddef.h>
#define ABI_ASSERT(cond, what) _Static_assert(cond, what)
#endif

#include "HTP/QnnHtpCommon.h"
#include "HTP/QnnHtpContext.h"
#include "HTP/QnnHtpDevice.h"
#include "HTP/QnnHtpGraph.h"
#include "HTP/QnnHtpProfile.h"
#include "HTP/QnnHtpProperty.h"
#include "HTP/QnnHtpMem.h"
#include "HTP/QnnHtpSystemContext.h"
#include "QnnInterface.h"
#include "QnnOpPackage.h"
#include "QnnSdkBuildId.h"
#include "Saver/QnnSaver.h"
#include "System/QnnSystemDlc.h"
#include "System/QnnSystemTensor.h"
#include "System/QnnSystemInterface.h"

#define SIZE(type, n) ABI_ASSERT(sizeof(type) == (n), "sizeof " #type)
#define AT(type, field, n) ABI_ASSERT(offsetof(type, field) == (n), "offsetof " #type "." #field)

SIZE(Qnn_ErrorHandle_t, 8);
SIZE(Qnn_DataType_t, 4);
SIZE(Qnn_TensorType_t, 4);
SIZE(Qnn_ParamType_t, 4);
SIZE(Qnn_Scalar_t, 16);
SIZE(Qnn_ScaleOffset_t, 8);
SIZE(Qnn_BwScaleOffset_t, 12);
SIZE(Qnn_AxisScaleOffset_t, 16);
SIZE(Qnn_BwAxisScaleOffset_t, 32);
SIZE(Qnn_BlockEncoding_t, 16);
SIZE(Qnn_QuantizeParams_t, 40);
AT(Qnn_QuantizeParams_t, quantizationEncoding, 4);
AT(Qnn_QuantizeParams_t, scaleOffsetEncoding, 8);
SIZE(Qnn_ClientBuffer_t, 16);
SIZE(Qnn_SparseParams_t, 12);
SIZE(Qnn_TensorV1_t, 112);
AT(Qnn_TensorV1_t, name, 8);
AT(Qnn_TensorV1_t, type, 16);
AT(Qnn_TensorV1_t, dataFormat, 20);
AT(Qnn_TensorV1_t, dataType, 24);
AT(Qnn_TensorV1_t, quantizeParams, 32);
AT(Qnn_TensorV1_t, rank, 72);
AT(Qnn_TensorV1_t, dimensions, 80);
AT(Qnn_TensorV1_t, memType, 88);
AT(Qnn_TensorV1_t, clientBuf, 96);
SIZE(Qnn_TensorV2_t, 136);
AT(Qnn_TensorV2_t, isDynamicDimensions, 112);
AT(Qnn_TensorV2_t, sparseParams, 120);
AT(Qnn_TensorV2_t, isProduced, 132);
SIZE(Qnn_Tensor_t, 144);
AT(Qnn_Tensor_t, v1, 8);
SIZE(Qnn_Param_t, 160);
AT(Qnn_Param_t, name, 8);
AT(Qnn_Param_t, scalarParam, 16);
SIZE(Qnn_OpConfigV1_t, 72);
AT(Qnn_OpConfigV1_t, numOfParams, 24);
AT(Qnn_OpConfigV1_t, params, 32);
AT(Qnn_OpConfigV1_t, inputTensors, 48);
AT(Qnn_OpConfigV1_t, outputTensors, 64);
SIZE(Qnn_OpConfig_t, 80);
SIZE(Qnn_Version_t, 12);
SIZE(Qnn_ApiVersion_t, 24);
SIZE(Qnn_ErrorReportingConfig_t, 8);
SIZE(Qnn_TensorSet_t, 40);
SIZE(QnnGraph_Config_t, 16);
SIZE(QnnGraph_Property_t, 16);
SIZE(Qnn_NotifyStatus_t, 8);
SIZE(QnnGraph_ExecuteEnvironment_t, 48);

SIZE(QnnInterface_t, 640);
AT(QnnInterface_t, apiVersion, 16);
AT(QnnInterface_t, QNN_INTERFACE_VER_NAME, 40);
SIZE(QNN_INTERFACE_VER_TYPE, 600);  /* 75 entries, as the real 2.40 table */
AT(QNN_INTERFACE_VER_TYPE, graphExecute, 168);
AT(QNN_INTERFACE_VER_TYPE, tensorUpdateGraphTensors, 456);
AT(QNN_INTERFACE_VER_TYPE, contextApplyBinarySection, 488);
AT(QNN_INTERFACE_VER_TYPE, contextFinalize, 528);
AT(QNN_INTERFACE_VER_TYPE, contextFreeBinarySectionUpdate, 560);
AT(QNN_INTERFACE_VER_TYPE, contextAddToDlc, 568);
SIZE(QnnSystemInterface_t, 752);
AT(QnnSystemInterface_t, QNN_SYSTEM_INTERFACE_VER_NAME, 32);
SIZE(QNN_SYSTEM_INTERFACE_VER_TYPE, 720);

SIZE(QnnContext_Config_t, 16);
SIZE(QnnContext_AsyncExecutionQueueDepth_t, 8);
SIZE(Qnn_BinaryBuffer_t, 16);
SIZE(QnnContext_BufferV1_t, 24);
SIZE(QnnContext_Buffer_t, 32);
SIZE(QnnContext_ParamsV1_t, 48);
SIZE(QnnContext_ParamsV2_t, 56);
SIZE(QnnContext_Params_t, 56);
SIZE(QnnContext_Property_t, 16);
SIZE(QnnBackend_Config_t, 16);
SIZE(QnnBackend_Property_t, 16);
SIZE(QnnProfile_Config_t, 16);
SIZE(QnnDevice_Config_t, 16);
SIZE(QnnSignal_Config_t, 16);
SIZE(Qnn_ContextBinaryDataRequest_t, 24);
SIZE(Qnn_ContextBinaryRawDataResponse_t, 24);
SIZE(Qnn_ContextBinaryDmaDataResponse_t, 32);
SIZE(Qnn_ContextBinaryCallback_t, 40);
SIZE(QnnBackend_OperationName_t, 24);
SIZE(QnnProfile_EventData_t, 24);
SIZE(QnnProfile_ExtendedEventDataV1_t, 48);
SIZE(QnnProfile_ExtendedEventData_t, 56);
SIZE(Qnn_MemDescriptor_t, 48);
SIZE(Qnn_MemShape_t, 24);
SIZE(Qnn_MemDmaBufInfo_t, 16);
SIZE(QnnDevice_PlatformInfo_t, 24);
SIZE(QnnDevice_HardwareDeviceInfo_t, 40);
SIZE(QnnDevice_CoreInfo_t, 24);
SIZE(QnnGlobalConfig_t, 8);
SIZE(QnnSystemContext_GraphInfoV1_t, 40);
SIZE(QnnSystemContext_GraphInfoV2_t, 56);
SIZE(QnnSystemContext_GraphInfoV3_t, 80);
SIZE(QnnSystemContext_GraphInfo_t, 88);
SIZE(QnnSystemContext_BinaryInfoV1_t, 128);
AT(QnnSystemContext_BinaryInfoV1_t, backendApiVersion, 28);
AT(QnnSystemContext_BinaryInfoV1_t, contextBlobSize, 88);
AT(QnnSystemContext_BinaryInfoV1_t, graphs, 120);
SIZE(QnnSystemContext_BinaryInfoV2_t, 136);
AT(QnnSystemContext_BinaryInfoV2_t, platformInfo, 128);
SIZE(QnnSystemContext_BinaryInfoV3_t, 136);
AT(QnnSystemContext_BinaryInfoV3_t, contextBlobSize, 64);
AT(QnnSystemContext_BinaryInfoV3_t, socModel, 128);
SIZE(QnnSystemContext_BinaryInfo_t, 144);
/* the HTP records behind graphBlobInfo and contextMetadata, as the real 2.51 library fills them */
SIZE(QnnHtpSystemContext_GraphBlobInfo_t, 40);
AT(QnnHtpSystemContext_GraphBlobInfo_t, contextBinaryGraphBlobInfoV1.vtcmSize, 16);
AT(QnnHtpSystemContext_GraphBlobInfo_t, contextBinaryGraphBlobInfoV1.numHvxThreads, 32);
SIZE(QnnHtpSystemContext_GraphBlobInfoV2_t, 72);
AT(QnnHtpSystemContext_GraphBlobInfoV2_t, ioTensorSize, 32);
AT(QnnHtpSystemContext_GraphBlobInfoV2_t, sharedWeightsSize, 64);
SIZE(QnnHtpSystemContext_ContextBlobInfo_t, 8);
SIZE(QnnMemHtp_Descriptor_t, 32);
AT(QnnMemHtp_Descriptor_t, sharedBufferConfig.offset, 24);
SIZE(Qnn_MemDescriptor_t, 48);
SIZE(QnnSystemProfile_SerializationTarget_t, 24);
SIZE(QnnSystemProfile_SerializationTargetConfig_t, 32);
SIZE(QnnSystemProfile_HeaderV1_t, 48);
SIZE(QnnSystemProfile_ProfileEventV1_t, 80);
AT(QnnSystemProfile_ProfileEventV1_t, profileSubEventData, 64);
SIZE(QnnSystemProfile_ProfileData_t, 72);
SIZE(QnnHtpSystemContext_HwBlobInfo_t, 24);
SIZE(QnnHtpContext_CustomConfig_t, 24);
SIZE(QnnHtpContext_GroupRegistration_t, 16);
SIZE(QnnHtpContext_CustomProperty_t, 16);
SIZE(QnnHtpGraph_CustomConfig_t, 56);
SIZE(QnnHtpPerfInfrastructure_DcvsV3_t, 64);
SIZE(QnnHtpPerfInfrastructure_HmxV2_t, 20);
SIZE(QnnHtpPerfInfrastructure_PowerConfig_t, 68);
AT(QnnHtpPerfInfrastructure_PowerConfig_t, dcvsV3Config, 4);
SIZE(QnnHtpPerfInfrastructure_MemoryConfig_t, 8);
SIZE(QnnHtpDevice_PerfInfrastructure_t, 32);
SIZE(QnnHtpDevice_Infrastructure_t, 40);
AT(QnnHtpDevice_Infrastructure_t, perfInfra, 8);
SIZE(QnnHtpDevice_OnChipDeviceInfoExtension_t, 24);
SIZE(QnnHtpDevice_CustomConfig_t, 16); /* the real 2.51 backend reads the union at +8 */
AT(QnnHtpDevice_CustomConfig_t, arch, 8);

/* The init macros must compile. */
static const Qnn_Tensor_t tensor_init = QNN_TENSOR_INIT;
static const Qnn_Param_t param_init = QNN_PARAM_INIT;
static const Qnn_OpConfig_t op_init = QNN_OPCONFIG_INIT;
static const QnnInterface_t interface_init = QNN_INTERFACE_INIT;
static const QnnSystemInterface_t system_interface_init = QNN_SYSTEM_INTERFACE_INIT;
static const QnnContext_Config_t context_config_init = QNN_CONTEXT_CONFIG_INIT;
static const QnnHtpContext_CustomConfig_t htp_config_init = QNN_HTP_CONTEXT_CUSTOM_CONFIG_INIT;
static const QnnSystemContext_BinaryInfo_t binary_info_init = QNN_SYSTEM_CONTEXT_BINARYINFO_INIT;
static const Qnn_ApiVersion_t htp_version = QNN_HTP_API_VERSION_INIT;
static const QnnHtpPerfInfrastructure_PowerConfig_t power_init = QNN_HTP_PERF_INFRASTRUCTURE_POWER_CONFIG_INIT;
static const QnnHtpDevice_PerfInfrastructure_t perf_init = QNN_HTP_DEVICE_PERF_INFRASTRUCTURE_INIT;
static const QnnDevice_CoreInfo_t core_info_init = QNN_DEVICE_CORE_INFO_INIT;
static const QnnDevice_HardwareDeviceInfo_t device_info_init = QNN_DEVICE_HARDWARE_DEVICE_INFO_INIT;
static const QnnDevice_PlatformInfo_t platform_info_init = QNN_DEVICE_PLATFORM_INFO_INIT;
static const Qnn_MemDescriptor_t mem_descriptor_init = QNN_MEM_DESCRIPTOR_INIT;
static const Qnn_MemDmaBufInfo_t dma_buf_init = QNN_MEM_DMA_BUF_INFO_INIT;

int main(void) {
  return (int)(tensor_init.version + param_init.paramType + op_init.version + interface_init.backendId +
               system_interface_init.backendId + context_config_init.option + htp_config_init.option +
               binary_info_init.version + htp_version.backendApiVersion.major + power_init.option +
               (perf_init.setPowerConfig == NULL) + core_info_init.version + device_info_init.version +
               platform_info_init.version + mem_descriptor_init.memType + (uint32_t)dma_buf_init.fd) == 0;
}
