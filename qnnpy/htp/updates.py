"""Updatable tensors: what may change, checking a change, and making it take effect.

QnnTensor_update*Tensors only queues a change (it takes effect at the next finalize);
applying a binary section makes its changes at once. Both end in ``commit``.
"""
from dataclasses import dataclass

import numpy as np

from qnnpy.backend_api import Encoding, TensorSpec
from qnnpy.htp import dtypes
from qnnpy.htp.errors import TensorError, fail
from qnnpy.htp.ir import Context, Tensor, check_encoding, kind_name
from qnnpy.QnnTypes import Qnn_TensorType_t as TT

UPDATEABLE_STATIC = TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC
UPDATABLE_KINDS = {TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC, TT.QNN_TENSOR_TYPE_UPDATEABLE_NATIVE,
                   TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READ,
                   TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE}


@dataclass
class Change:
    """New data and/or encoding for one tensor; None leaves that part as it is."""
    tensor: Tensor
    data: np.ndarray | None = None
    encoding: Encoding | None = None


def check_change(tensor: Tensor | None, tid, spec: TensorSpec, what: str = "update") -> Change:
    """Validate a client's update of one tensor against its registration."""
    if tensor is None:
        fail(TensorError.QNN_TENSOR_ERROR_DOES_NOT_EXIST, f"{what}: no tensor with id {tid} is registered")
    where = f"{what} of '{tensor.name}'"
    if tensor.kind not in UPDATABLE_KINDS:
        fail(TensorError.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE,
             f"{where}: it is {kind_name(tensor.kind)}; only UPDATEABLE_* tensors can change "
             "(convert with the LoRA weights in --lora_weight_list)")
    if spec.dtype != tensor.dtype:
        fail(TensorError.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE,
             f"{where}: data type {dtypes.name(spec.dtype)} differs from the registered "
             f"{dtypes.name(tensor.dtype)}")
    if spec.dims and tuple(spec.dims) != tuple(tensor.dims):
        fail(TensorError.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE,
             f"{where}: dims {list(spec.dims)} differ from the registered {list(tensor.dims)}")
    data = spec.data
    if data is not None:
        if tensor.kind != UPDATEABLE_STATIC:
            fail(TensorError.QNN_TENSOR_ERROR_INCOMPATIBLE_TENSOR_UPDATE,
                 f"{where}: {kind_name(tensor.kind)} tensors take new quantization params only, not data")
        if data.nbytes != tensor.nbytes:
            fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
                 f"{where}: {data.nbytes} bytes of data, expected {tensor.nbytes}")
        data = data.reshape(tensor.dims)
    encoding = spec.encoding
    if encoding is not None:
        if not dtypes.is_fixed(tensor.dtype):
            encoding = None  # as at registration, encodings of float tensors are ignored
        else:
            check_encoding(TensorSpec(tensor.name, tensor.kind, tensor.dtype, tensor.dims, encoding))
    if data is None and encoding is None:
        fail(TensorError.QNN_TENSOR_ERROR_INVALID_TENSOR_PARAM,
             f"{where}: carries neither data nor a quantization encoding")
    return Change(tensor, data, encoding)


def commit(context: Context, changes: list[Change], copy_data: bool = False) -> None:
    """Make checked changes take effect, and let every graph's plan see them.

    With ``copy_data`` the new bytes are copied into a buffer the tensor owns (allocated on
    first use, then reused, so switching adapters writes into warm memory); otherwise the
    tensor takes the given array as it is (a view of a persistent or immutable buffer)."""
    for change in changes:
        t = change.tensor
        if change.data is not None and copy_data:
            if t.owned is None:
                t.owned = np.empty(t.dims, dtypes.storage(t.dtype))
            np.copyto(t.owned, change.data)
            t.data = t.owned
        elif change.data is not None:
            t.data = change.data
        if change.encoding is not None:
            t.encoding = change.encoding
        t._values = None
    for graph in context.graphs.values():
        if graph.plan is not None:
            for change in changes:
                graph.plan.refresh(change.tensor)
