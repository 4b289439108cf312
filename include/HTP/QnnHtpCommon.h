/* qnnpy — HTP/QnnHtpCommon.h: the HTP backend's id, provider name and versions. Our own header. */
#ifndef QNN_HTP_COMMON_H
#define QNN_HTP_COMMON_H

#include "QnnCommon.h"

#define QNN_BACKEND_ID_HTP 6
#define QNN_HTP_INTERFACE_PROVIDER_NAME "HTP_QTI_AISW"

#define QNN_HTP_API_VERSION_MAJOR 5
#define QNN_HTP_API_VERSION_MINOR 51
#define QNN_HTP_API_VERSION_PATCH 0

#define QNN_HTP_API_VERSION_INIT                                                        \
  {{QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH},                \
   {QNN_HTP_API_VERSION_MAJOR, QNN_HTP_API_VERSION_MINOR, QNN_HTP_API_VERSION_PATCH}}

#define QNN_HTP_CONTEXT_BLOB_VERSION_MAJOR 3
#define QNN_HTP_CONTEXT_BLOB_VERSION_MINOR 3
#define QNN_HTP_CONTEXT_BLOB_VERSION_PATCH 4

#endif
