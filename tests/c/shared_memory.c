/* Harness: zero-copy I/O through registered shared memory, as ExecuTorch, ORT's HTP allocator and
 * the sample apps do it. Usage: shared_memory libQnnHtp.so
 * Composes y = relu(x) ([2, 4] float32), puts x and y in one memfd-backed shared buffer (the
 * HTP's SHARED_BUFFER descriptors: fd + offset), a second output copy through DMA-BUF with the
 * client's mapped address, executes with MEMHANDLE tensors and prints what the client's own
 * mapping then holds; then the misuse codes of deRegister. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "HTP/QnnHtpMem.h"
#include "QnnMem.h"
#include "relu_graph.h"


static Qnn_MemDescriptor_t shared(QnnMemHtp_Descriptor_t* htp, int fd, uint64_t offset) {
  htp->type = QNN_HTP_MEM_SHARED_BUFFER;
  htp->size = 8192;
  htp->sharedBufferConfig.fd = fd;
  htp->sharedBufferConfig.offset = offset;
  Qnn_MemDescriptor_t d = QNN_MEM_DESCRIPTOR_INIT;
  d.memShape.numDim = 2;
  d.memShape.dimSize = relu_dims;
  d.dataType = QNN_DATATYPE_FLOAT_32;
  d.memType = QNN_MEM_TYPE_CUSTOM;
  d.customInfo = htp;
  return d;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  ReluGraph r = compose_relu(qnn);
  Qnn_BackendHandle_t backend = r.backend;
  Qnn_ContextHandle_t context = r.context;
  Qnn_GraphHandle_t graph = r.graph;
  Qnn_Tensor_t x = r.x, y = r.y;

  int fd = memfd_create("qnn-shared", 0);
  if (fd < 0 || ftruncate(fd, 8192) != 0) return 1;
  float* base = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  float* dma = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 8; ++i) base[i] = (float)(i - 4);
  QnnMemHtp_Descriptor_t htp_x, htp_y;
  Qnn_MemDescriptor_t descriptors[3] = {shared(&htp_x, fd, 0), shared(&htp_y, fd, 4096), QNN_MEM_DESCRIPTOR_INIT};
  descriptors[2].memShape = descriptors[0].memShape;
  descriptors[2].dataType = QNN_DATATYPE_FLOAT_32;
  descriptors[2].memType = QNN_MEM_TYPE_DMA_BUF;
  descriptors[2].dmaBufInfo.fd = -1;
  descriptors[2].dmaBufInfo.data = dma;
  Qnn_MemHandle_t handles[3] = {NULL, NULL, NULL};
  CHECK(qnn.memRegister(context, descriptors, 3, handles));

  Qnn_Tensor_t in = x, out = y;
  in.v1.memType = out.v1.memType = QNN_TENSORMEMTYPE_MEMHANDLE;
  in.v1.memHandle = handles[0];
  out.v1.memHandle = handles[1];
  CHECK(qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL));
  printf("shared");
  for (int i = 0; i < 8; ++i) printf(" %g", base[1024 + i]);
  printf("\n");
  out.v1.memHandle = handles[2];
  CHECK(qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL));
  printf("dma");
  for (int i = 0; i < 8; ++i) printf(" %g", dma[i]);
  printf("\n");

  printf("register_again %lu\n", (unsigned long)QNN_GET_ERROR_CODE(qnn.memRegister(context, descriptors, 1, handles)));
  CHECK(qnn.memDeRegister(handles, 3));
  printf("deregister_twice %lu\n", (unsigned long)QNN_GET_ERROR_CODE(qnn.memDeRegister(handles, 1)));
  printf("execute_stale_handle %lu\n",
         (unsigned long)QNN_GET_ERROR_CODE(qnn.graphExecute(graph, &in, 1, &out, 1, NULL, NULL)));
  CHECK(qnn.contextFree(context, NULL));
  CHECK(qnn.backendFree(backend));
  return 0;
}
