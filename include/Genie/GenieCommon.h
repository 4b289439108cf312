/* qnnpy — Genie/GenieCommon.h: what every Genie header shares: the status a function returns
 * (0 success, positive warnings, negative errors; Genie API 1.13 values) and the API
 * version. Our own header. */
#ifndef GENIE_COMMON_H
#define GENIE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef GENIE_API
#define GENIE_API __attribute__((visibility("default")))
#endif

#define GENIE_API_VERSION_MAJOR 1
#define GENIE_API_VERSION_MINOR 13
#define GENIE_API_VERSION_PATCH 0

typedef int32_t Genie_Status_t;

#define GENIE_STATUS_SUCCESS 0
#define GENIE_STATUS_WARNING_ABORTED 1
#define GENIE_STATUS_WARNING_BOUND_HANDLE 2
#define GENIE_STATUS_WARNING_PAUSED 3
#define GENIE_STATUS_WARNING_CONTEXT_EXCEEDED 4
#define GENIE_STATUS_ERROR_GENERAL -1
#define GENIE_STATUS_ERROR_INVALID_ARGUMENT -2
#define GENIE_STATUS_ERROR_MEM_ALLOC -3
#define GENIE_STATUS_ERROR_INVALID_CONFIG -4
#define GENIE_STATUS_ERROR_INVALID_HANDLE -5
#define GENIE_STATUS_ERROR_QUERY_FAILED -6
#define GENIE_STATUS_ERROR_JSON_FORMAT -7
#define GENIE_STATUS_ERROR_JSON_SCHEMA -8
#define GENIE_STATUS_ERROR_JSON_VALUE -9
#define GENIE_STATUS_ERROR_GENERATE_FAILED -10
#define GENIE_STATUS_ERROR_GET_HANDLE_FAILED -11
#define GENIE_STATUS_ERROR_APPLY_CONFIG_FAILED -12
#define GENIE_STATUS_ERROR_SET_PARAMS_FAILED -13
#define GENIE_STATUS_ERROR_BOUND_HANDLE -14

/* Lets the library hand the client a string in memory the client owns: the library asks for
 * `size` bytes and the client stores where they are in *allocatedData. */
typedef void (*Genie_AllocCallback_t)(const size_t size, const char** allocatedData);

/* The type of a value a get-function returns. Only the two values measured on the real
 * libGenie.so (GenieDialog_getValue's occupancy and adapter name) are listed. */
typedef enum {
  GENIE_DATATYPE_UINT_32 = 12,
  GENIE_DATATYPE_STRING = 30
} Genie_DataType_t;

typedef union {
  int32_t int32Value;
  uint32_t uint32Value;
  uint64_t uint64Value;
  float floatValue;
  const char* stringValue; /* in memory from the client's Genie_AllocCallback_t */
} Genie_Value_t;

/* Performance policies a dialog may ask of the accelerator (GenieDialog_setPerformancePolicy);
 * HIGH_PERFORMANCE until one is set. The emulator records the choice; it runs as fast either way. */
typedef enum {
  GENIE_PERFORMANCE_BURST = 10,
  GENIE_PERFORMANCE_SUSTAINED_HIGH_PERFORMANCE = 20,
  GENIE_PERFORMANCE_HIGH_PERFORMANCE = 30,
  GENIE_PERFORMANCE_BALANCED = 40,
  GENIE_PERFORMANCE_LOW_BALANCED = 50,
  GENIE_PERFORMANCE_HIGH_POWER_SAVER = 60,
  GENIE_PERFORMANCE_POWER_SAVER = 70,
  GENIE_PERFORMANCE_LOW_POWER_SAVER = 80,
  GENIE_PERFORMANCE_EXTREME_POWER_SAVER = 90
} Genie_PerformancePolicy_t;

GENIE_API uint32_t Genie_getApiMajorVersion(void);
GENIE_API uint32_t Genie_getApiMinorVersion(void);
GENIE_API uint32_t Genie_getApiPatchVersion(void);

#ifdef __cplusplus
}
#endif

#endif
