/* qnnpy — Genie/GenieLog.h: a logger for Genie calls. Bound to a dialog config
 * (GenieDialogConfig_bindLogger), it receives the lines written while that config's dialogs
 * work, up to the level it was created with. Our own header (docs/genie.md). */
#ifndef GENIE_LOG_H
#define GENIE_LOG_H

#include <stdarg.h>

#include "GenieCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reserved for logger settings; must be NULL. */
typedef const struct _GenieLogConfig_Handle_t* GenieLogConfig_Handle_t;
typedef const struct _GenieLog_Handle_t* GenieLog_Handle_t;

typedef enum {
  GENIE_LOG_LEVEL_ERROR = 1,
  GENIE_LOG_LEVEL_WARN = 2,
  GENIE_LOG_LEVEL_INFO = 3,
  GENIE_LOG_LEVEL_VERBOSE = 4
} GenieLog_Level_t;

/* fmt and args as for vprintf; timestamp only increases (microseconds). May be called from
 * any thread that runs a Genie call. */
typedef void (*GenieLog_Callback_t)(const GenieLog_Handle_t handle, const char* fmt, GenieLog_Level_t level,
                                    uint64_t timestamp, va_list args);

/* callback NULL: the lines go to stderr. */
GENIE_API Genie_Status_t GenieLog_create(const GenieLogConfig_Handle_t configHandle, const GenieLog_Callback_t callback,
                                         const GenieLog_Level_t logLevel, GenieLog_Handle_t* logHandle);
GENIE_API Genie_Status_t GenieLog_free(const GenieLog_Handle_t logHandle);

#ifdef __cplusplus
}
#endif

#endif
