"""QnnTensor.h: registering graph and context tensors.

``tensor`` is in/out as in C: on success the backend's id is written into ``tensor.v1.id``.
"""
from enum import IntEnum

from qnnpy import _lookup, _marshal
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnGraph import QnnGraph_Error_t


class QnnTensor_Error_t(IntEnum):
    QNN_TENSOR_NO_ERROR = 0
    QNN_TENSOR_ERROR_INVALID_HANDLE = 7001
    QNN_TENSOR_ERROR_DOES_NOT_EXIST = 7002
    QNN_TENSOR_ERROR_ALREADY_EXISTS = 7003
    QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM = 7004
    QNN_TENSOR_ERROR_UNSUPPORTED_TENSOR_PARAM = 7005
    QNN_TENSOR_ERROR_NAME_HASH_COLLISION = 7006
    QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE = 7007
    QNN_TENSOR_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_TENSOR_MIN_ERROR = 7000
    QNN_TENSOR_MAX_ERROR = 7999
    QNN_TENSOR_ERROR_UNDEFINED = 0x7FFFFFFF


export(QnnTensor_Error_t, globals())
E = QnnTensor_Error_t
_OK = E.QNN_TENSOR_NO_ERROR


def _register(context, graph, tensor) -> None:
    if tensor is None:
        fail(E.QNN_TENSOR_ERROR_INVALID_HANDLE, "tensor is NULL")  # the real backend's code
    backend = context.backend
    spec = _marshal.tensor_spec(tensor, E.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, backend.storage_dtype)
    tensor.v1.id = backend.add_tensor(context, graph, spec)


@qnn_api(_OK)
def QnnTensor_createContextTensor(context, tensor):
    _register(_lookup.context(context, E.QNN_TENSOR_ERROR_INVALID_HANDLE), None, tensor)


@qnn_api(_OK)
def QnnTensor_createGraphTensor(graph, tensor):
    obj = _lookup.graph(graph, QnnGraph_Error_t.QNN_GRAPH_ERROR_INVALID_HANDLE)  # a graph code, as the real backend answers
    _register(obj.context, obj, tensor)


def _update(context, graph, tensors, numTensors):
    if tensors is None or not isinstance(tensors, (list, tuple)) or numTensors != len(tensors) \
            or not tensors:
        fail(E.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"tensors must be a non-empty list whose length is numTensors ({numTensors!r})")
    backend = context.backend
    requested = []
    for t in tensors:
        spec = _marshal.tensor_spec(t, E.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, backend.storage_dtype)
        requested.append((t.v1.id, spec))
    backend.update_tensors(context, graph, requested)


@qnn_api(_OK)
def QnnTensor_updateGraphTensors(graph, tensor, numTensors):
    """Queue new data / quantize params for UPDATEABLE tensors; they apply at the next finalize."""
    obj = _lookup.graph(graph, E.QNN_TENSOR_ERROR_INVALID_HANDLE)
    _update(obj.context, obj, tensor, numTensors)


@qnn_api(_OK)
def QnnTensor_updateContextTensors(context, tensor, numTensors):
    """As updateGraphTensors, for context tensors; applies when a graph using them is finalized."""
    _update(_lookup.context(context, E.QNN_TENSOR_ERROR_INVALID_HANDLE), None, tensor, numTensors)
