/* Harness: what a system library says about a context binary, as JSON on stdout.
 *
 * Usage: binary_info libQnnSystem.so file.bin
 * Reads the binary info the way a sample-app client does (any BinaryInfo version; GraphInfo
 * V1 prefix for names and I/O, V3 for the HTP blob) and prints the fields a client relies on,
 * so the same program can be pointed at the real library and at qnnpy's. */
#include <string.h>

#include "HTP/QnnHtpSystemContext.h"
#include "qnn_loader.h"

static void print_tensors(const char* key, uint32_t n, const Qnn_Tensor_t* t) {
  printf("\"%s\": [", key);
  for (uint32_t i = 0; i < n; ++i) {
    const Qnn_TensorV1_t* v = &t[i].v1; /* V2 is a prefix-extension of V1 */
    printf("%s{\"version\": %d, \"id\": %u, \"name\": \"%s\", \"type\": %d, \"dataType\": %d, \"dims\": [", i ? ", " : "",
           (int)t[i].version, v->id, v->name, (int)v->type, (int)v->dataType);
    for (uint32_t d = 0; d < v->rank; ++d) printf("%s%u", d ? ", " : "", v->dimensions[d]);
    printf("]}");
  }
  printf("]");
}

static void print_bytes(const char* key, const void* data, uint32_t size) {
  printf("\"%s\": \"", key);
  for (uint32_t i = 0; i < size; ++i) printf("%02x", ((const unsigned char*)data)[i]);
  printf("\"");
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s libQnnSystem.so file.bin\n", argv[0]);
    return 2;
  }
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[1]);
  size_t size;
  void* data = read_file(argv[2], &size);
  QnnSystemContext_Handle_t sysctx = NULL;
  const QnnSystemContext_BinaryInfo_t* info = NULL;
  Qnn_ContextBinarySize_t info_size = 0;
  CHECK(sys.systemContextCreate(&sysctx));
  CHECK(sys.systemContextGetBinaryInfo(sysctx, data, size, &info, &info_size));
  printf("{\"version\": %d", (int)info->version);
  if (info->version == QNN_SYSTEM_CONTEXT_BINARY_INFO_VERSION_3) {
    const QnnSystemContext_BinaryInfoV3_t* b = &info->contextBinaryInfoV3;
    printf(", \"backendId\": %u, \"coreApiVersion\": [%u, %u, %u], \"backendApiVersion\": [%u, %u, %u]", b->backendId,
           b->coreApiVersion.major, b->coreApiVersion.minor, b->coreApiVersion.patch, b->backendApiVersion.major,
           b->backendApiVersion.minor, b->backendApiVersion.patch);
    printf(", \"contextBlobSize\": %llu, \"socModel\": %u, \"platformInfoVersion\": %d, ",
           (unsigned long long)b->contextBlobSize, b->socModel, b->platformInfo ? (int)b->platformInfo->version : -1);
    print_bytes("contextMetadata", b->contextMetadata, b->contextMetadataSize);
  }
  uint32_t count = 0;
  const QnnSystemContext_GraphInfo_t* graphs = binary_info_graphs(info, &count);
  printf(", \"graphs\": [");
  for (uint32_t i = 0; i < count; ++i) {
    const QnnSystemContext_GraphInfoV1_t* g = &graphs[i].graphInfoV1;
    printf("%s{\"version\": %d, \"name\": \"%s\", ", i ? ", " : "", (int)graphs[i].version, g->graphName);
    print_tensors("inputs", g->numGraphInputs, g->graphInputs);
    printf(", ");
    print_tensors("outputs", g->numGraphOutputs, g->graphOutputs);
    if (graphs[i].version == QNN_SYSTEM_CONTEXT_GRAPH_INFO_VERSION_3) {
      const QnnSystemContext_GraphInfoV3_t* v3 = &graphs[i].graphInfoV3;
      printf(", \"numUpdateableTensors\": %u, ", v3->numUpdateableTensors);
      print_bytes("graphBlobInfo", v3->graphBlobInfo, v3->graphBlobInfoSize);
    }
    printf("}");
  }
  printf("]}\n");
  CHECK(sys.systemContextFree(sysctx));
  return 0;
}
