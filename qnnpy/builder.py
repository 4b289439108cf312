"""A thin convenience layer for composing graphs from Python, made only of public calls.

    b = GraphBuilder(graph_handle)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (1, 4))
    w = b.static("w", weights)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, QNN_DATATYPE_FLOAT_32, (1, 8))
    b.node("MatMul", [x, w], [y], transpose_in1=True)

Failures raise BuilderError carrying the QNN error code, because a builder is a script
helper, not part of the C-shaped API.
"""
import numpy as np

from qnnpy import QnnGraph, QnnTensor, _marshal
from qnnpy.QnnTypes import (QNN_DATATYPE_BOOL_8, QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_INT_32,
                            QNN_DATATYPE_UINT_32, QNN_DEFINITION_DEFINED,
                            QNN_PARAMTYPE_SCALAR, QNN_PARAMTYPE_TENSOR,
                            QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET,
                            QNN_QUANTIZATION_ENCODING_SCALE_OFFSET, QNN_TENSOR_TYPE_STATIC,
                            QNN_TENSOR_VERSION_2, QNN_TENSORMEMTYPE_RAW, Qnn_ClientBuffer_t,
                            Qnn_OpConfig_t, Qnn_OpConfigV1_t, Qnn_Param_t, Qnn_Scalar_t,
                            Qnn_ScaleOffset_t, Qnn_Tensor_t, Qnn_TensorV2_t)

NUMPY_TO_QNN = {np.dtype(np.float32): QNN_DATATYPE_FLOAT_32, np.dtype(np.int32): QNN_DATATYPE_INT_32,
                np.dtype(np.uint32): QNN_DATATYPE_UINT_32}


class BuilderError(RuntimeError):
    def __init__(self, what: str, code):
        super().__init__(f"{what} failed with {code!r} (see the qnnpy log line)")
        self.code = code


def quantize_params(scale, offset, axis=None):
    """SCALE_OFFSET for scalars, AXIS_SCALE_OFFSET when ``axis`` is given with sequences."""
    from qnnpy.QnnTypes import Qnn_QuantizeParams_t
    qp = Qnn_QuantizeParams_t(encodingDefinition=QNN_DEFINITION_DEFINED)
    if axis is None:
        qp.quantizationEncoding = QNN_QUANTIZATION_ENCODING_SCALE_OFFSET
        qp.scaleOffsetEncoding = Qnn_ScaleOffset_t(float(scale), int(offset))
    else:
        qp.quantizationEncoding = QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET
        pairs = [Qnn_ScaleOffset_t(float(s), int(o)) for s, o in zip(scale, offset)]
        qp.axisScaleOffsetEncoding.axis = axis
        qp.axisScaleOffsetEncoding.numScaleOffsets = len(pairs)
        qp.axisScaleOffsetEncoding.scaleOffset = pairs
    return qp


lpbq_params = _marshal.lpbq_params  # LPBQ weights' quantize params, built as the API reads them


def make_tensor(name, kind, dtype, dims, data=None, quant=None) -> Qnn_Tensor_t:
    body = Qnn_TensorV2_t(name=name, type=kind, dataType=dtype, rank=len(dims),
                          dimensions=[int(d) for d in dims], memType=QNN_TENSORMEMTYPE_RAW)
    if quant is not None:
        body.quantizeParams = quant
    if data is not None:
        data = np.ascontiguousarray(data)
        body.clientBuf = Qnn_ClientBuffer_t(data, data.nbytes)
    return Qnn_Tensor_t(QNN_TENSOR_VERSION_2, v2=body)


def io_tensor(registered: Qnn_Tensor_t, array: np.ndarray) -> Qnn_Tensor_t:
    """A copy of a registered tensor's struct pointing at ``array``, for QnnGraph_execute."""
    b = registered.v2
    return make_tensor(b.name, b.type, b.dataType, b.dimensions, None, b.quantizeParams) \
        if array is None else _with_buffer(registered, array)


def _with_buffer(registered, array):
    b = registered.v2
    t = make_tensor(b.name, b.type, b.dataType, b.dimensions, None, b.quantizeParams)
    t.v2.id = b.id
    t.v2.clientBuf = Qnn_ClientBuffer_t(array, array.nbytes)
    return t


def _param(name, value) -> Qnn_Param_t:
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple)):
        arr = np.asarray(value)
        arr = arr.astype(np.int32 if (arr < 0).any() else np.uint32)
        t = make_tensor(name, QNN_TENSOR_TYPE_STATIC, NUMPY_TO_QNN[arr.dtype], arr.shape, arr)
        return Qnn_Param_t(QNN_PARAMTYPE_TENSOR, name, tensorParam=t)
    if isinstance(value, (bool, np.bool_)):
        scalar = Qnn_Scalar_t(QNN_DATATYPE_BOOL_8, bool8Value=int(value))
    elif isinstance(value, (int, np.integer)):
        scalar = Qnn_Scalar_t(QNN_DATATYPE_INT_32 if value < 0 else QNN_DATATYPE_UINT_32,
                              int32Value=int(value))
    else:
        scalar = Qnn_Scalar_t(QNN_DATATYPE_FLOAT_32, floatValue=float(value))
    return Qnn_Param_t(QNN_PARAMTYPE_SCALAR, name, scalarParam=scalar)


class _QnnpyApi:
    QnnTensor_createGraphTensor = staticmethod(QnnTensor.QnnTensor_createGraphTensor)
    QnnGraph_addNode = staticmethod(QnnGraph.QnnGraph_addNode)


_QNNPY = _QnnpyApi()


class GraphBuilder:
    """``api`` is what the calls go to: qnnpy's own modules by default, or any object with
    the same functions (qnnpy.native.NativeBackend, to build the same graph on a real backend)."""

    def __init__(self, graph_handle: int, api=None):
        self.graph = graph_handle
        self.count = 0
        self.api = api or _QNNPY

    def tensor(self, name, kind, dtype, dims, data=None, quant=None) -> Qnn_Tensor_t:
        t = make_tensor(name, kind, dtype, dims, data, quant)
        err = self.api.QnnTensor_createGraphTensor(self.graph, t)
        if err:
            raise BuilderError(f"QnnTensor_createGraphTensor('{name}')", err)
        return t

    def static(self, name, array, dtype=None, quant=None) -> Qnn_Tensor_t:
        array = np.ascontiguousarray(array)
        return self.tensor(name, QNN_TENSOR_TYPE_STATIC, dtype or NUMPY_TO_QNN[array.dtype],
                           array.shape, array, quant)

    def node(self, op_type, inputs, outputs, name=None, **params) -> None:
        self.count += 1
        params_list = [_param(k, v) for k, v in params.items()]
        op = Qnn_OpConfig_t(v1=Qnn_OpConfigV1_t(
            name or f"{op_type}_{self.count}", "qti.aisw", op_type, len(params_list), params_list,
            len(inputs), list(inputs), len(outputs), list(outputs)))
        err = self.api.QnnGraph_addNode(self.graph, op)
        if err:
            raise BuilderError(f"QnnGraph_addNode({op_type})", err)
