/* y = relu(x) on float32 [2, 4], composed and finalized: the small graph the harnesses that
 * test how a call is made (shared memory, async execute) run. */
#ifndef QNNPY_TEST_RELU_GRAPH_H
#define QNNPY_TEST_RELU_GRAPH_H

#include "qnn_loader.h"

typedef struct {
  Qnn_BackendHandle_t backend;
  Qnn_ContextHandle_t context;
  Qnn_GraphHandle_t graph;
  Qnn_Tensor_t x, y; /* registered: their ids are set */
} ReluGraph;

static uint32_t relu_dims[] = {2, 4};

static inline ReluGraph compose_relu(QNN_INTERFACE_VER_TYPE qnn) {
  ReluGraph r = {NULL, NULL, NULL, float_tensor("x", QNN_TENSOR_TYPE_APP_WRITE, 2, relu_dims),
                 float_tensor("y", QNN_TENSOR_TYPE_APP_READ, 2, relu_dims)};
  CHECK(qnn.backendCreate(NULL, NULL, &r.backend));
  CHECK(qnn.contextCreate(r.backend, NULL, NULL, &r.context));
  CHECK(qnn.graphCreate(r.context, "relu", NULL, &r.graph));
  CHECK(qnn.tensorCreateGraphTensor(r.graph, &r.x));
  CHECK(qnn.tensorCreateGraphTensor(r.graph, &r.y));
  Qnn_OpConfig_t relu = QNN_OPCONFIG_INIT;
  relu.v1 = (Qnn_OpConfigV1_t){"relu", QNN_OP_PACKAGE_NAME_QTI_AISW, QNN_OP_RELU, 0, NULL, 1, &r.x, 1, &r.y};
  CHECK(qnn.graphAddNode(r.graph, relu));
  CHECK(qnn.graphFinalize(r.graph, NULL, NULL));
  return r;
}

#endif
