/* Loading a QNN backend and system library the way QNN sample applications do: dlopen, then
 * the first provider whose core/system API major matches and whose minor is at least ours. */
#ifndef QNNPY_TEST_LOADER_H
#define QNNPY_TEST_LOADER_H

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "QnnInterface.h"
#include "System/QnnSystemInterface.h"

#define CHECK(call)                                                                      \
  do {                                                                                   \
    Qnn_ErrorHandle_t check_err_ = (call);                                               \
    if (check_err_ != QNN_SUCCESS) {                                                     \
      fprintf(stderr, "%s:%d: %s failed: %lu\n", __FILE__, __LINE__, #call,              \
              (unsigned long)QNN_GET_ERROR_CODE(check_err_));                            \
      exit(1);                                                                           \
    }                                                                                    \
  } while (0)

static inline QNN_INTERFACE_VER_TYPE load_backend(const char* path) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    exit(1);
  }
  typedef Qnn_ErrorHandle_t (*GetProviders)(const QnnInterface_t***, uint32_t*);
  GetProviders get = (GetProviders)dlsym(lib, "QnnInterface_getProviders");
  const QnnInterface_t** providers = NULL;
  uint32_t count = 0;
  if (get == NULL || get(&providers, &count) != QNN_SUCCESS) {
    fprintf(stderr, "QnnInterface_getProviders failed\n");
    exit(1);
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (providers[i]->apiVersion.coreApiVersion.major == QNN_API_VERSION_MAJOR &&
        providers[i]->apiVersion.coreApiVersion.minor >= QNN_API_VERSION_MINOR) {
      return providers[i]->QNN_INTERFACE_VER_NAME;
    }
  }
  fprintf(stderr, "no provider with core API %d.%d\n", QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR);
  exit(1);
}

static inline QNN_SYSTEM_INTERFACE_VER_TYPE load_system(const char* path) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
    exit(1);
  }
  typedef Qnn_ErrorHandle_t (*GetProviders)(const QnnSystemInterface_t***, uint32_t*);
  GetProviders get = (GetProviders)dlsym(lib, "QnnSystemInterface_getProviders");
  const QnnSystemInterface_t** providers = NULL;
  uint32_t count = 0;
  if (get == NULL || get(&providers, &count) != QNN_SUCCESS || count == 0 ||
      providers[0]->systemApiVersion.major != QNN_SYSTEM_API_VERSION_MAJOR) {
    fprintf(stderr, "QnnSystemInterface_getProviders failed\n");
    exit(1);
  }
  return providers[0]->QNN_SYSTEM_INTERFACE_VER_NAME;
}

/* The graph list of a binary info of any version, read the way sample applications do. */
static inline const QnnSystemContext_GraphInfo_t* binary_info_graphs(const QnnSystemContext_BinaryInfo_t* info,
                                                                     uint32_t* count) {
  switch (info->version) {
    case QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_1:
      *count = info->contextBinaryInfoV1.numGraphs;
      return info->contextBinaryInfoV1.graphs;
    case QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_2:
      *count = info->contextBinaryInfoV2.numGraphs;
      return info->contextBinaryInfoV2.graphs;
    case QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3:
      *count = info->contextBinaryInfoV3.numGraphs;
      return info->contextBinaryInfoV3.graphs;
    default:
      fprintf(stderr, "unknown binary info version %d\n", (int)info->version);
      exit(1);
  }
}

/* A graph's body with its updateable tensors: V2 is a prefix of V3, so both read as V2. */
static inline const QnnSystemContext_GraphInfoV2_t* graph_info_v2(const QnnSystemContext_GraphInfo_t* g) {
  if (g->version != QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_2 && g->version != QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_3) {
    fprintf(stderr, "graph info version %d has no updateable tensors\n", (int)g->version);
    exit(1);
  }
  return &g->graphInfoV2;
}

/* The first graph of a binary as the system library describes it (the description lives in
 * *sysctx until the client frees that). */
static inline const QnnSystemContext_GraphInfoV2_t* first_graph_info(QNN_SYSTEM_INTERFACE_VER_TYPE sys, void* binary,
                                                                    size_t size, QnnSystemContext_Handle_t* sysctx) {
  const QnnSystemContext_BinaryInfo_t* info = NULL;
  Qnn_ContextBinarySize_t info_size = 0;
  uint32_t num_graphs = 0;
  CHECK(sys.systemContextCreate(sysctx));
  CHECK(sys.systemContextGetBinaryInfo(*sysctx, binary, size, &info, &info_size));
  return graph_info_v2(&binary_info_graphs(info, &num_graphs)[0]);
}

/* A float32 client tensor of the given shape with no data yet (RAW memory). */
static inline Qnn_Tensor_t float_tensor(const char* name, Qnn_TensorType_t type, uint32_t rank, uint32_t* dims) {
  Qnn_Tensor_t t = QNN_TENSOR_INIT;
  t.v1.name = name;
  t.v1.type = type;
  t.v1.dataType = QNN_DATATYPE_FLOAT_32;
  t.v1.rank = rank;
  t.v1.dimensions = dims;
  t.v1.memType = QNN_TENSORMEMTYPE_RAW;
  return t;
}

static inline void log_to_stderr(const char* fmt, QnnLog_Level_t level, uint64_t timestamp, va_list args) {
  (void)timestamp;
  fprintf(stderr, "[qnn %d] ", (int)level);
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
}

static inline void* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void* data = malloc(*size ? *size : 1);
  if (fread(data, 1, *size, f) != *size) {
    fprintf(stderr, "short read %s\n", path);
    exit(1);
  }
  fclose(f);
  return data;
}

static inline void write_file(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, size, f) != size) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fclose(f);
}

#endif
