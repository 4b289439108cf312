/* qnnpy — HTP/QnnHtpProperty.h: the HTP backend's own capability keys (CUSTOM group). Our own
 * header. */
#ifndef QNN_HTP_PROPERTY_H
#define QNN_HTP_PROPERTY_H

#include "QnnProperty.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether the backend can run in an unsigned protection domain on the DSP. The real x86
 * backend and qnnpy answer NOT_SUPPORTED (there is no DSP). */
#define QNN_PROPERTY_CUSTOM_HTP_UNSIGNED_PD_SUPPORT (QNN_PROPERTY_GROUP_CUSTOM + 1)

#ifdef __cplusplus
}
#endif

#endif
