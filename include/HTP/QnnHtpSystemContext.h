/* qnnpy — HTP/QnnHtpSystemContext.h: the HTP's own records behind the opaque blobs of
 * QnnSystemContext's binary info. A client casts graphBlobInfo (GraphInfo V3) and
 * contextMetadata (BinaryInfo V3) to these. Our own header; layouts as the x86-64 HTP
 * system library of QAIRT 2.51 fills them. */
#ifndef QNN_HTP_SYSTEM_CONTEXT_H
#define QNN_HTP_SYSTEM_CONTEXT_H

#include "QnnCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hwInfoBlob of BinaryInfo V1/V2 (V3 dropped that blob). */
typedef enum {
  QNN_SYSTEM_CONTEXT_HTP_HW_INFO_BLOB_VERSION_V1 = 0x01,
  QNN_SYSTEM_CONTEXT_HTP_HW_INFO_BLOB_UNDEFINED = 0x7FFFFFFF
} QnnHtpSystemContext_HwInfoBlobVersion_t;

typedef struct QnnHtpSystemContext_HwBlobInfoV1 {
  uint32_t graphListIndex;      /* which entry of the binary info's graph list */
  uint64_t spillFillBufferSize; /* bytes of spill-fill buffer that graph needs */
} QnnHtpSystemContext_HwBlobInfoV1_t;

typedef struct {
  QnnHtpSystemContext_HwInfoBlobVersion_t version;
  union UNNAMED {
    QnnHtpSystemContext_HwBlobInfoV1_t contextBinaryHwInfoBlobV1_t;
  };
} QnnHtpSystemContext_HwBlobInfo_t;

/* graphBlobInfo of GraphInfo V3: a V1 record (QnnHtpSystemContext_GraphBlobInfo_t, 40 bytes)
 * followed by a V2 record (QnnHtpSystemContext_GraphBlobInfoV2_t, 72 bytes), each opening
 * with its version. */
typedef enum {
  QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V1 = 0x01,
  QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_VERSION_V2 = 0x02,
  QNN_SYSTEM_CONTEXT_HTP_GRAPH_INFO_BLOB_UNDEFINED = 0x7FFFFFFF
} QnnHtpSystemContext_GraphInfoBlobVersion_t;

typedef struct {
  uint64_t spillFillBufferSize;
  uint32_t vtcmSize; /* bytes of VTCM the graph was prepared for */
  uint32_t optimizationLevel;
  uint8_t htpDlbc;
  uint64_t numHvxThreads;
} QnnHtpSystemContext_GraphBlobInfoV1_t;

/* Memory a graph needs, by kind, in bytes. */
typedef struct {
  QnnHtpSystemContext_GraphInfoBlobVersion_t version;
  uint64_t nativeKChannelSize;
  uint64_t nativeVChannelSize;
  uint32_t isSafeShareIO; /* 1: inputs and outputs may share one buffer */
  uint64_t ioTensorSize;
  uint64_t opDataSize;
  uint64_t constSize;
  uint64_t ddrTensorSize;
  uint64_t sharedWeightsSize;
} QnnHtpSystemContext_GraphBlobInfoV2_t;

typedef struct {
  QnnHtpSystemContext_GraphInfoBlobVersion_t version;
  union UNNAMED {
    QnnHtpSystemContext_GraphBlobInfoV1_t contextBinaryGraphBlobInfoV1;
  };
} QnnHtpSystemContext_GraphBlobInfo_t;

/* contextMetadata of BinaryInfo V3. */
typedef enum {
  QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_VERSION_V1 = 0x01,
  QNN_SYSTEM_CONTEXT_HTP_CONTEXT_INFO_BLOB_UNDEFINED = 0x7FFFFFFF
} QnnHtpSystemContext_ContextInfoBlobVersion_t;

typedef struct {
  uint32_t dspArch; /* the HTP architecture number the context was prepared for (68, 73, ...) */
} QnnHtpSystemContext_ContextBlobInfoV1_t;

typedef struct {
  QnnHtpSystemContext_ContextInfoBlobVersion_t version;
  union UNNAMED {
    QnnHtpSystemContext_ContextBlobInfoV1_t contextBinaryContextBlobInfoV1;
  };
} QnnHtpSystemContext_ContextBlobInfo_t;

#ifdef __cplusplus
}
#endif

#endif
