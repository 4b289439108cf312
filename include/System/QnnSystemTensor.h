/* qnnpy — System/QnnSystemTensor.h: backend-independent services on Qnn_Tensor_t; today the
 * number of bytes a dense tensor's data needs. Our own header. */
#ifndef QNN_SYSTEM_TENSOR_H
#define QNN_SYSTEM_TENSOR_H

#include "QnnTypes.h"
#include "System/QnnSystemCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  QNN_SYSTEM_TENSOR_MIN_ERROR = QNN_MIN_ERROR_SYSTEM,
  QNN_SYSTEM_TENSOR_NO_ERROR = QNN_SUCCESS,
  QNN_SYSTEM_TENSOR_ERROR_UNSUPPORTED_FEATURE = QNN_COMMON_ERROR_NOT_SUPPORTED,
  /* footprint is NULL */
  QNN_SYSTEM_TENSOR_ERROR_INVALID_ARGUMENT = QNN_SYSTEM_TENSOR_MIN_ERROR + 1,
  /* the tensor cannot be sized: no dimensions, a sub-byte or string data type, a sparse
   * format, an unknown version */
  QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR = QNN_SYSTEM_TENSOR_MIN_ERROR + 2,
  QNN_SYSTEM_TENSOR_MAX_ERROR = QNN_MAX_ERROR_SYSTEM
} QnnSystemTensor_Error_t;

/* The bytes a dense tensor's data occupies: the product of its dimensions times its
 * element size. */
QNN_SYSTEM_API Qnn_ErrorHandle_t QnnSystemTensor_getMemoryFootprint(Qnn_Tensor_t tensor, uint64_t* footprint);

#ifdef __cplusplus
}
#endif

#endif
