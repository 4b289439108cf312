"""QnnSystemTensor_getMemoryFootprint from Python: the C face is held against the real system
library in tests/shim/test_system_tensor.py; here, what only Python callers can pass."""
import pytest

from qnnpy.QnnSystemTensor import QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR, QnnSystemTensor_getMemoryFootprint
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_16, QNN_DATATYPE_SFIXED_POINT_32, QNN_TENSOR_VERSION_2,
                            Qnn_Tensor_t, Qnn_TensorV2_t)


def tensor(dims, dtype=QNN_DATATYPE_FLOAT_16, rank=None):
    return Qnn_Tensor_t(QNN_TENSOR_VERSION_2, v2=Qnn_TensorV2_t(name="t", dataType=dtype,
                                                                rank=len(dims) if rank is None else rank,
                                                                dimensions=dims))


def test_bytes_of_a_dense_tensor():
    assert QnnSystemTensor_getMemoryFootprint(tensor([3, 4])) == (0, 24)
    assert QnnSystemTensor_getMemoryFootprint(tensor([3, 4], QNN_DATATYPE_SFIXED_POINT_32)) == (0, 48)
    assert QnnSystemTensor_getMemoryFootprint(tensor([3, 4, 9], rank=2)) == (0, 24)  # dims past the rank unread


@pytest.mark.parametrize("bad", [None, "tensor", tensor([3, -4]), tensor([3, 4.0]), tensor([3, True]),
                                 tensor([3, 4], dtype=0x1234), tensor([3, 4], rank=5), tensor([3, 4], rank=-1),
                                 tensor([3, 2 ** 32])])
def test_what_cannot_be_sized_is_an_invalid_tensor(bad):
    assert QnnSystemTensor_getMemoryFootprint(bad) == (QNN_SYSTEM_TENSOR_ERROR_INVALID_TENSOR, None)
