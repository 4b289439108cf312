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

/* QNNPY_GENIE_WRAPPERS */
