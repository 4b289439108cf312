/* Hand-written part of libQnnHtp.so; cffi appends the generated entry points. */
#include <stdbool.h>

#include "HTP/QnnHtpCommon.h"
#include "HTP/QnnHtpContext.h"
#include "HTP/QnnHtpDevice.h"
#include "HTP/QnnHtpGraph.h"
#include "HTP/QnnHtpMem.h"
#include "QnnInterface.h"
#include "shim_common.h"

Qnn_ErrorHandle_t qnnpy_htp_log_create(void* callback, QnnLog_Level_t maxLogLevel, Qnn_LogHandle_t* logger);

QNN_API Qnn_ErrorHandle_t QnnLog_create(QnnLog_Callback_t callback, QnnLog_Level_t maxLogLevel,
                                        Qnn_LogHandle_t* logger) {
  return qnnpy_htp_log_create((void*)callback, maxLogLevel, logger);
}

int qnnpy_htp_ready(void);

/* The perf infrastructure QnnDevice_getInfrastructure hands out: its functions are Python. */
Qnn_ErrorHandle_t qnnpy_htp_perf_create(uint32_t deviceId, uint32_t coreId, uint32_t* powerConfigId);
Qnn_ErrorHandle_t qnnpy_htp_perf_destroy(uint32_t powerConfigId);
Qnn_ErrorHandle_t qnnpy_htp_perf_set_power(uint32_t powerConfigId, const QnnHtpPerfInfrastructure_PowerConfig_t** config);
Qnn_ErrorHandle_t qnnpy_htp_perf_set_memory(uint32_t deviceId, uint32_t coreId,
                                            const QnnHtpPerfInfrastructure_MemoryConfig_t** config);
static QnnHtpDevice_Infrastructure_t qnnpy_htp_infrastructure_record = {
    .infraType = QNN_HTP_DEVICE_INFRASTRUCTURE_TYPE_PERF,
    .perfInfra = {qnnpy_htp_perf_create, qnnpy_htp_perf_destroy, qnnpy_htp_perf_set_power, qnnpy_htp_perf_set_memory},
};

static QnnDevice_Infrastructure_t qnnpy_htp_infrastructure(void) { return &qnnpy_htp_infrastructure_record; }

/* The provider record; every member is set (see qnnpy/shim/build.py). */
/* Table members with no declared function: each logs and answers NOT_SUPPORTED. */
Qnn_ErrorHandle_t qnnpy_htp_unsupported(const char* member);
/* QNNPY_TABLE_STUBS */

static const QnnInterface_t qnnpy_htp_provider = {
    .backendId = QNN_BACKEND_ID_HTP,
    .providerName = QNN_HTP_INTERFACE_PROVIDER_NAME,
    .apiVersion = QNN_HTP_API_VERSION_INIT,
    .QNN_INTERFACE_VER_NAME = {QNNPY_INTERFACE_TABLE},
};
static const QnnInterface_t* qnnpy_htp_providers[] = {&qnnpy_htp_provider};

QNN_INTERFACE Qnn_ErrorHandle_t QnnInterface_getProviders(const QnnInterface_t*** providerList,
                                                          uint32_t* numProviders) {
  if (qnnpy_htp_ready() != 1) {  /* the embedded Python could not start (its error went to stderr) */
    return QNN_COMMON_ERROR_LOADING_BINARIES;
  }
  if (providerList == NULL || numProviders == NULL) {
    return QNN_INTERFACE_ERROR_INVALID_PARAMETER;
  }
  *providerList = qnnpy_htp_providers;
  *numProviders = 1;
  return QNN_SUCCESS;
}
