/* qnnpy — Genie/GenieProfile.h: timings of Genie calls. Bound to a dialog config
 * (GenieDialogConfig_bindProfiler), it records an event per dialog create, adapter switch and
 * query of that config's dialogs; GenieProfile_getJsonData gives them as JSON text. Our own
 * header (docs/genie.md). */
#ifndef GENIE_PROFILE_H
#define GENIE_PROFILE_H

#include "GenieCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reserved for profile settings; must be NULL. */
typedef const struct _GenieProfileConfig_Handle_t* GenieProfileConfig_Handle_t;
typedef const struct _GenieProfile_Handle_t* GenieProfile_Handle_t;

GENIE_API Genie_Status_t GenieProfile_create(const GenieProfileConfig_Handle_t configHandle,
                                             GenieProfile_Handle_t* profileHandle);
/* The JSON, NUL-terminated, in memory the callback provides (the client frees it). */
GENIE_API Genie_Status_t GenieProfile_getJsonData(const GenieProfile_Handle_t profileHandle,
                                                  const Genie_AllocCallback_t callback, const char** jsonData);
/* GENIE_STATUS_ERROR_BOUND_HANDLE while a live config or dialog is bound to it. */
GENIE_API Genie_Status_t GenieProfile_free(const GenieProfile_Handle_t profileHandle);

#ifdef __cplusplus
}
#endif

#endif
