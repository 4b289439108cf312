/* qnnpy — Saver/QnnSaver.h: settings of the Saver backend (libQnnSaver.so), which records a
 * client's QNN calls into a C source file and a data file instead of running them. qnnpy ships
 * no Saver backend; the header is here so that clients that optionally configure one compile.
 * Our own header. */
#ifndef QNN_SAVER_H
#define QNN_SAVER_H

#include "QnnTypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef QNN_SAVER_API
#define QNN_SAVER_API
#endif

typedef enum {
  QNN_SAVER_MIN_ERROR = QNN_MIN_ERROR_BACKEND_SAVER,
  /* the call was recorded, but the value returned is made up (get-style calls) */
  QNN_SAVER_ERROR_DUMMY_RETVALUE = QNN_MIN_ERROR_BACKEND_SAVER + 0,
  /* a setting that must come first arrived after the backend was instantiated */
  QNN_SAVER_ERROR_ALREADY_INSTANTIATED = QNN_MIN_ERROR_BACKEND_SAVER + 1,
  QNN_SAVER_MAX_ERROR = QNN_MAX_ERROR_BACKEND_SAVER
} QnnSaver_Error_t;

/* Names for the recorded model source and data file (no slashes). */
typedef struct {
  const char* modelFileName;
  const char* dataFileName;
} QnnSaver_FileConfig_t;

typedef enum {
  QNN_SAVER_CONFIG_OPTION_OUTPUT_DIRECTORY = 0,
  QNN_SAVER_CONFIG_OPTION_APPEND_TIMESTAMP = 1,
  QNN_SAVER_CONFIG_OPTION_BACKEND_ID = 2,
  QNN_SAVER_CONFIG_OPTION_FILE_CONFIG = 3,
  QNN_SAVER_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF
} QnnSaver_ConfigOption_t;

typedef struct {
  QnnSaver_ConfigOption_t option;
  union UNNAMED {
    const char* outputDirectory;
    uint8_t appendTimestamp;
    uint32_t backendId;
    QnnSaver_FileConfig_t fileConfig;
  };
} QnnSaver_Config_t;

#define QNN_SAVER_CONFIG_INIT {QNN_SAVER_CONFIG_OPTION_UNDEFINED, {NULL}}

/* config: a NULL-terminated list; the last value of a repeated option counts. */
QNN_SAVER_API Qnn_ErrorHandle_t QnnSaver_initialize(const QnnSaver_Config_t** config);

#ifdef __cplusplus
}
#endif

#endif
