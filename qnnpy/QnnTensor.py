"""QnnTensor.h: registering graph and context tensors.

``tensor`` is in/out as in C: on success the backend's id is written into ``tensor.v1.id``.
"""
from enum import IntEnum

from qnnpy import _lookup, _marshal
from qnnpy._api import qnn_api
from qnnpy._enum import export


class QnnTensor_Error_t(IntEnum):
    QNN_TENSOR_MIN_ERROR = 7000
    QNN_TENSOR_NO_ERROR = 0
    QNN_TENSOR_ERROR_INVALID_HANDLE = 7001
    QNN_TENSOR_ERROR_DOES_NOT_EXIST = 7002
    QNN_TENSOR_ERROR_ALREADY_EXISTS = 7003
    QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM = 7004
    QNN_TENSOR_ERROR_UNSUPPORTED_TENSOR_PARAM = 7005
    QNN_TENSOR_ERROR_NAME_HASH_COLLISION = 7006
    QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE = 7007
    QNN_TENSOR_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_TENSOR_MAX_ERROR = 7999
    QNN_TENSOR_ERROR_UNDEFINED = 0x7FFFFFFF


export(QnnTensor_Error_t, globals())
E = QnnTensor_Error_t
_OK = E.QNN_TENSOR_NO_ERROR


def _register(context, graph, tensor) -> None:
    backend = context.backend
    spec = _marshal.tensor_spec(tensor, E.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM, backend.storage_dtype)
    tensor.v1.id = backend.add_tensor(context, graph, spec)


@qnn_api(_OK)
def QnnTensor_createContextTensor(context, tensor):
    _register(_lookup.context(context, E.QNN_TENSOR_ERROR_INVALID_HANDLE), None, tensor)


@qnn_api(_OK)
def QnnTensor_createGraphTensor(graph, tensor):
    obj = _lookup.graph(graph, E.QNN_TENSOR_ERROR_INVALID_HANDLE)
    _register(obj.context, obj, tensor)
