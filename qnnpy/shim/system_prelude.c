/* Hand-written part of libQnnSystem.so; cffi appends the generated entry points. */
#include <stdbool.h>

#include "HTP/QnnHtpCommon.h"
#include "System/QnnSystemInterface.h"
#include "shim_common.h"

Qnn_ErrorHandle_t qnnpy_system_log_create(void* callback, QnnLog_Level_t maxLogLevel, Qnn_LogHandle_t* logger);

QNN_SYSTEM_API Qnn_ErrorHandle_t QnnSystemLog_create(QnnLog_Callback_t callback, QnnLog_Level_t maxLogLevel,
                                                     Qnn_LogHandle_t* logger) {
  return qnnpy_system_log_create((void*)callback, maxLogLevel, logger);
}

int qnnpy_system_ready(void);

/* Table members with no declared function: each logs and answers NOT_SUPPORTED. */
Qnn_ErrorHandle_t qnnpy_system_unsupported(const char* member);
/* QNNPY_TABLE_STUBS */

static const QnnSystemInterface_t qnnpy_system_provider = {
    .backendId = QNN_BACKEND_ID_NULL,
    .providerName = QNN_SYSTEM_INTERFACE_PROVIDER_NAME,
    .systemApiVersion = {QNN_SYSTEM_API_VERSION_MAJOR, QNN_SYSTEM_API_VERSION_MINOR, QNN_SYSTEM_API_VERSION_PATCH},
    .QNN_SYSTEM_INTERFACE_VER_NAME = {QNNPY_INTERFACE_TABLE},
};
static const QnnSystemInterface_t* qnnpy_system_providers[] = {&qnnpy_system_provider};

QNN_SYSTEM_INTERFACE Qnn_ErrorHandle_t QnnSystemInterface_getProviders(const QnnSystemInterface_t*** providerList,
                                                                       uint32_t* numProviders) {
  if (qnnpy_system_ready() != 1) {  /* the embedded Python could not start (its error went to stderr) */
    return QNN_COMMON_ERROR_LOADING_BINARIES;
  }
  if (providerList == NULL || numProviders == NULL) {
    return QNN_SYSTEM_INTERFACE_ERROR_INVALID_PARAMETER;
  }
  *providerList = qnnpy_system_providers;
  *numProviders = 1;
  return QNN_SUCCESS;
}
