"""System/QnnSystemTensor.h: how many bytes a tensor's data needs, without any backend.

The answers follow the real system library (QAIRT 2.51, measured from C): a dense tensor of an
8-, 16-, 32- or 64-bit type needs the product of its dimensions times the element size (a
rank-0 scalar, one element); tensors it cannot size — a rank without dimensions, 4-bit or
string data, a non-dense format, an unknown type or version — are INVALID_TENSOR; a missing out-pointer (C only) is
INVALID_ARGUMENT.
"""
import math
from enum import IntEnum

from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.QnnTypes import (QNN_TENSOR_DATA_FORMAT_DENSE, Qnn_DataType_t, Qnn_Tensor_t, Qnn_TensorVersion_t)


class QnnSystemTensor_Error_t(IntEnum):
    QNN_SYSTEM_TENSOR_MIN_ERROR = 30000
    QNN_SYSTEM_TENSOR_NO_ERROR = 0
    QNN_SYSTEM_TENSOR_ERROR_UNSUPPORTED_FEATURE = 1000
    QNN_SYSTEM_TENSOR_ERROR_INVALID_ARGUMENT = 30001
    QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR = 30002
    QNN_SYSTEM_TENSOR_MAX_ERROR = 49999


export(QnnSystemTensor_Error_t, globals())
E = QnnSystemTensor_Error_t


def element_bytes(data_type) -> int | None:
    """A QNN data type's low byte is its width in bits written as hex digits (0x08, 0x16,
    0x32, 0x64); None for the widths that are not whole bytes and for STRING/UNDEFINED."""
    if data_type not in Qnn_DataType_t._value2member_map_ or data_type == Qnn_DataType_t.QNN_DATATYPE_STRING:
        return None
    bits = {0x08: 8, 0x16: 16, 0x32: 32, 0x64: 64}.get(int(data_type) & 0xFF)
    return bits // 8 if bits else None


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@qnn_api(E.QNN_SYSTEM_TENSOR_NO_ERROR, outputs=1)
def QnnSystemTensor_getMemoryFootprint(tensor):
    if not isinstance(tensor, Qnn_Tensor_t) or tensor.version not in (Qnn_TensorVersion_t.QNN_TENSOR_VERSION_1,
                                                                      Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2):
        fail(E.QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR, f"{tensor!r} is not a version 1 or 2 Qnn_Tensor_t")
    body = tensor.v1
    name = body.name if isinstance(body.name, str) else "?"
    size = element_bytes(body.dataType)
    if size is None:
        fail(E.QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR,
             f"tensor '{name}': data type {body.dataType!r} has no whole-byte element size")
    if body.dataFormat != QNN_TENSOR_DATA_FORMAT_DENSE:
        fail(E.QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR,
             f"tensor '{name}': data format {body.dataFormat!r} is not DENSE; only dense tensors are sized")
    dims = body.dimensions
    if _int(body.rank) and body.rank == 0:
        return size
    if not _int(body.rank) or body.rank < 0 or dims is None or len(dims) < body.rank \
            or not all(_int(d) and 0 <= d < 2 ** 32 for d in list(dims)[:body.rank]):
        fail(E.QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR,
             f"tensor '{name}': rank {body.rank!r} with dimensions {dims!r} describe no shape to size")
    return math.prod(list(dims)[:body.rank]) * size
