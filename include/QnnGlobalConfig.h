/* qnnpy — QnnGlobalConfig.h: process-wide settings (SoC model, machine type), each made once
 * and before the first backend is created. Our own header. */
#ifndef QNN_CONFIG_H
#define QNN_CONFIG_H

#include "QnnCommon.h"
#include "QnnTypes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  QNN_GLOBAL_CONFIG_MIN_ERROR = QNN_MIN_ERROR_GLOBAL_CONFIG,
  QNN_GLOBAL_CONFIG_NO_ERROR = QNN_SUCCESS,
  QNN_GLOBAL_CONFIG_ERROR_UNSUPPORTED_FEATURE = QNN_COMMON_ERROR_NOT_SUPPORTED,
  QNN_GLOBAL_CONFIG_ERROR_INVALID_CONFIG = QNN_MIN_ERROR_GLOBAL_CONFIG,
  QNN_GLOBAL_CONFIG_MAX_ERROR = QNN_MAX_ERROR_GLOBAL_CONFIG,
  QNN_GLOBAL_CONFIG_ERROR_UNDEFINED = 0x7FFFFFFF
} QnnGlobalConfig_Error_t;

typedef enum {
  QNN_GLOBAL_CONFIG_OPTION_SOC_MODEL = 0,
  QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE = 1,
  QNN_GLOBAL_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF
} QnnGlobalConfig_ConfigOption_t;

/* Where the backend runs: an x86-64 host or an ARM device. */
typedef enum {
  QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_HOST = 0,
  QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_DEVICE = 1,
  QNN_GLOBAL_CONFIG_OPTION_MACHINE_TYPE_UNDEFINED = 0x7FFFFFFF
} QnnGlobalConfig_MachineType_t;

typedef struct {
  QnnGlobalConfig_ConfigOption_t option;
  union UNNAMED {
    Qnn_SocModel_t socModel;
    QnnGlobalConfig_MachineType_t machineType;
  };
} QnnGlobalConfig_t;

#define QNN_GLOBAL_CONFIG_INIT {QNN_GLOBAL_CONFIG_OPTION_UNDEFINED, {QNN_SOC_MODEL_UNKNOWN}}

/* config: a NULL-terminated list of options, or NULL for none; a repeated option's last
 * value counts. */
QNN_API Qnn_ErrorHandle_t QnnGlobalConfig_Set(const QnnGlobalConfig_t** config);

#ifdef __cplusplus
}
#endif

#endif
