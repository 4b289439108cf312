/* Hand-written part of libGenie.so; cffi appends the generated entry points. Each exported
 * Genie function is a C wrapper (QNNPY_GENIE_WRAPPERS, generated) that answers without Python
 * when the embedded interpreter could not start or has shut down, and otherwise calls the
 * Python body qnnpy_genie_<name>. */
#include "Genie/GenieDialog.h"
#include "shim_common.h"

int qnnpy_genie_ready(void);

GENIE_API uint32_t Genie_getApiMajorVersion(void) { return GENIE_API_VERSION_MAJOR; }
GENIE_API uint32_t Genie_getApiMinorVersion(void) { return GENIE_API_VERSION_MINOR; }
GENIE_API uint32_t Genie_getApiPatchVersion(void) { return GENIE_API_VERSION_PATCH; }

/* A GenieLog callback gets its message through a va_list; Python calls this with the text. */
static void qnnpy_forward_genie_log(GenieLog_Callback_t callback, GenieLog_Handle_t handle, GenieLog_Level_t level,
                                    uint64_t timestamp, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  callback(handle, fmt, level, timestamp, args);
  va_end(args);
}

static void qnnpy_emit_genie_log(void* callback, void* handle, const char* message, int level, uint64_t timestamp) {
  if (callback != NULL) {
    qnnpy_forward_genie_log((GenieLog_Callback_t)callback, (GenieLog_Handle_t)handle, (GenieLog_Level_t)level,
                            timestamp, "%s", message);
  }
}

/* The real library's functions qnnpy does not implement: GENERAL and one log line (in Python). */
int qnnpy_genie_unsupported(const char* name);
static Genie_Status_t qnnpy_genie_refuse(const char* name) {
  if (qnnpy_python_gone || qnnpy_genie_ready() != 1) return GENIE_STATUS_ERROR_GENERAL;
  return (Genie_Status_t)qnnpy_genie_unsupported(name);
}

/* QNNPY_GENIE_UNSUPPORTED */

/* QNNPY_GENIE_WRAPPERS */
