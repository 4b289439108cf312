/* Hand-written part of libQnnSystem.so; cffi appends the generated entry points. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>

#include "HTP/QnnHtpCommon.h"
#include "System/QnnSystemInterface.h"

__attribute__((constructor)) static void qnnpy_promote_libpython(void) {
  dlopen(QNNPY_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

static void qnnpy_forward_log(QnnLog_Callback_t callback, QnnLog_Level_t level, uint64_t timestamp,
                              const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  callback(fmt, level, timestamp, args);
  va_end(args);
}

static void qnnpy_emit_log(void* callback, const char* message, QnnLog_Level_t level, uint64_t timestamp) {
  if (callback != NULL) {
    qnnpy_forward_log((QnnLog_Callback_t)callback, level, timestamp, "%s", message);
  }
}

Qnn_ErrorHandle_t qnnpy_system_log_create(void* callback, QnnLog_Level_t maxLogLevel, Qnn_LogHandle_t* logger);

QNN_SYSTEM_API Qnn_ErrorHandle_t QnnSystemLog_create(QnnLog_Callback_t callback, QnnLog_Level_t maxLogLevel,
                                                     Qnn_LogHandle_t* logger) {
  return qnnpy_system_log_create((void*)callback, maxLogLevel, logger);
}

int qnnpy_system_ready(void);

static const QnnSystemInterface_t qnnpy_system_provider = {
    .backendId = QNN_BACKEND_ID_HTP,
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
