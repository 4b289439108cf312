/* qnnpy — HTP/QnnHtpMem.h: the HTP's custom memory descriptor, passed through
 * Qnn_MemDescriptor_t.customInfo with memType QNN_MEM_TYPE_CUSTOM. A SHARED_BUFFER descriptor
 * names a region of one large shared allocation (fd, offset), so many tensors can live in one
 * buffer; qnnpy maps the fd on the host. Our own header. */
#ifndef QNN_HTP_MEM_H
#define QNN_HTP_MEM_H

#include "QnnCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  void* baseAddr; /* an address in the DSP's own address space (not emulated) */
} QnnHtpMem_QurtAddress_t;

typedef struct {
  int32_t fd;      /* the shared allocation, or QNN_MEM_INVALID_FD */
  uint64_t offset; /* where this tensor starts in it, in bytes */
} QnnHtpMem_SharedBufferConfig_t;

typedef enum {
  QNN_HTP_MEM_QURT = 0,
  QNN_HTP_MEM_SHARED_BUFFER = 1,
  QNN_HTP_MEM_UNDEFINED = 0x7FFFFFFF
} QnnHtpMem_Type_t;

typedef struct {
  QnnHtpMem_Type_t type;
  uint64_t size; /* QURT: the tensor's size; SHARED_BUFFER: the whole allocation's */
  union UNNAMED {
    QnnHtpMem_QurtAddress_t qurtAddress;
    QnnHtpMem_SharedBufferConfig_t sharedBufferConfig;
  };
} QnnMemHtp_Descriptor_t;

#ifdef __cplusplus
}
#endif

#endif
