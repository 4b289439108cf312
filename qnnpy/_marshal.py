"""Qnn_* structs <-> the backend plugin's plain descriptions (backend_api).

Every reader takes the error code to use when the struct itself is ill-formed, because the
same Qnn_Tensor_t is a TENSOR error in QnnTensor_create*Tensor and a GRAPH error in execute.
"""
import math

import numpy as np

from qnnpy._api import fail
from qnnpy.backend_api import Encoding, IoBinding, NodeSpec, ParamSpec, TensorSpec
from qnnpy.QnnTypes import (QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8,
                            QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16, QNN_TENSOR_DATA_FORMAT_DENSE,
                            Qnn_BlockwiseExpansion_t, Qnn_ClientBuffer_t, Qnn_DataType_t, Qnn_Definition_t,
                            Qnn_OpConfig_t, Qnn_Param_t, Qnn_ParamType_t, Qnn_QuantizationEncoding_t as QE,
                            Qnn_QuantizeParams_t, Qnn_ScaleOffset_t, Qnn_Tensor_t, Qnn_TensorMemType_t,
                            Qnn_TensorV2_t, Qnn_TensorVersion_t)



def tensor_body(tensor, err, what="tensor"):
    if not isinstance(tensor, Qnn_Tensor_t):
        fail(err, f"{what} is {type(tensor).__name__}, not a Qnn_Tensor_t")
    if tensor.version not in (Qnn_TensorVersion_t.QNN_TENSOR_VERSION_1,
                              Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2):
        fail(err, f"{what} has version {tensor.version}; only QNN_TENSOR_VERSION_1/2 exist")
    return tensor.v1


def _dims(body, err, name) -> tuple[int, ...]:
    rank = body.rank
    if not isinstance(rank, int) or rank < 0:
        fail(err, f"tensor '{name}': rank {rank!r} is not a non-negative integer")
    if rank == 0:
        return ()
    dims = body.dimensions
    if dims is None or len(dims) < rank:
        fail(err, f"tensor '{name}': rank is {rank} but dimensions has "
                  f"{0 if dims is None else len(dims)} entries")
    try:
        return tuple(int(d) for d in list(dims)[:rank])
    except (TypeError, ValueError):
        fail(err, f"tensor '{name}': dimensions are not integers")


def encoding(qp: Qnn_QuantizeParams_t, err, name) -> Encoding | None:
    if not isinstance(qp, Qnn_QuantizeParams_t):
        fail(err, f"tensor '{name}': quantizeParams is not a Qnn_QuantizeParams_t")
    if (qp.encodingDefinition == Qnn_Definition_t.QNN_DEFINITION_UNDEFINED
            or qp.quantizationEncoding == QE.QNN_QUANTIZATION_ENCODING_UNDEFINED):
        return None
    kind = qp.quantizationEncoding
    try:
        if kind == QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
            so = qp.scaleOffsetEncoding
            return Encoding(np.array([so.scale], np.float32), np.array([so.offset], np.int32))
        if kind == QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET:
            so = qp.bwScaleOffsetEncoding
            return Encoding(np.array([so.scale], np.float32), np.array([so.offset], np.int32),
                            None, int(so.bitwidth))
        if kind == QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET:
            ax = qp.axisScaleOffsetEncoding
            pairs = list(ax.scaleOffset or [])
            if ax.numScaleOffsets != len(pairs):
                fail(err, f"tensor '{name}': numScaleOffsets is {ax.numScaleOffsets} but "
                          f"scaleOffset has {len(pairs)} entries")
            return Encoding(np.array([p.scale for p in pairs], np.float32),
                            np.array([p.offset for p in pairs], np.int32), int(ax.axis))
        if kind == QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET:
            bw = qp.bwAxisScaleOffsetEncoding
            scales = np.asarray(bw.scales if bw.scales is not None else [], np.float32).reshape(-1)
            offsets = (np.zeros(scales.shape, np.int32) if bw.offsets is None
                       else np.asarray(bw.offsets, np.int32).reshape(-1))
            if bw.numElements != scales.size:
                fail(err, f"tensor '{name}': numElements is {bw.numElements} but {scales.size} "
                          "scales are given")
            return Encoding(scales, offsets, int(bw.axis), int(bw.bitwidth))
        if kind == QE.QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION:
            return _blockwise_expansion(qp.blockwiseExpansion, err, name)
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        fail(err, f"tensor '{name}': quantizeParams are malformed ({exc})")
    fail(err, f"tensor '{name}': quantization encoding {kind} is not supported by qnnpy "
              "(SCALE_OFFSET, AXIS_SCALE_OFFSET, their BW_ forms and BLOCKWISE_EXPANSION are)")


def _blockwise_expansion(bwe, err, name) -> Encoding:
    """LPBQ: a scale per channel and the block integers in the storage the struct names."""
    if not isinstance(bwe, Qnn_BlockwiseExpansion_t):
        fail(err, f"tensor '{name}': a BLOCKWISE_EXPANSION encoding needs blockwiseExpansion set to a "
                  "Qnn_BlockwiseExpansion_t")
    pairs = list(bwe.scaleOffsets or [])
    storage = {QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8: (bwe.blocksScale8, np.uint8),
               QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16: (bwe.blocksScale16, np.uint16)}
    if bwe.blockScaleStorageType not in storage:
        fail(err, f"tensor '{name}': blockScaleStorageType {bwe.blockScaleStorageType} is neither STORAGE_8 "
                  "nor STORAGE_16")
    values, dtype = storage[bwe.blockScaleStorageType]
    blocks = np.asarray(values if values is not None else [], dtype).astype(np.uint16).reshape(-1)
    per_axis = int(bwe.numBlocksPerAxis)
    if per_axis < 1 or blocks.size != len(pairs) * per_axis:
        fail(err, f"tensor '{name}': {blocks.size} block scales for {len(pairs)} channels x numBlocksPerAxis "
                  f"{per_axis}")
    return Encoding(np.array([p.scale for p in pairs], np.float32), np.array([p.offset for p in pairs], np.int32),
                    int(bwe.axis), None, blocks.reshape(len(pairs), per_axis), int(bwe.blockScaleBitwidth))


def client_bytes(buf: Qnn_ClientBuffer_t, err, name) -> memoryview | None:
    if not isinstance(buf, Qnn_ClientBuffer_t):
        fail(err, f"tensor '{name}': clientBuf is not a Qnn_ClientBuffer_t")
    if buf.data is None:
        return None
    try:
        view = memoryview(buf.data).cast("B")
    except TypeError:
        fail(err, f"tensor '{name}': clientBuf.data is {type(buf.data).__name__}, not a "
                  "contiguous buffer object")
    if not isinstance(buf.dataSize, int) or not 0 <= buf.dataSize <= view.nbytes:
        fail(err, f"tensor '{name}': clientBuf.dataSize {buf.dataSize} does not fit the "
                  f"{view.nbytes}-byte buffer")
    return view[:buf.dataSize]


def tensor_spec(tensor, err, storage_dtype) -> TensorSpec:
    """A tensor to register; static bytes are copied (the client may free them afterwards)."""
    body = tensor_body(tensor, err)
    name = body.name
    dims = _dims(body, err, name)
    if body.dataFormat != QNN_TENSOR_DATA_FORMAT_DENSE:
        fail(err, f"tensor '{name}': only the DENSE data format is supported")
    if tensor.version == Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2 and body.isDynamicDimensions \
            and any(body.isDynamicDimensions[:len(dims)]):
        fail(err, f"tensor '{name}': dynamic dimensions are not supported by qnnpy")
    data = None
    if body.memType == Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_RAW:
        raw = client_bytes(body.clientBuf, err, name)
        if raw is not None:
            dtype = storage_dtype(body.dataType)
            if dtype is None or raw.nbytes % dtype.itemsize:
                fail(err, f"tensor '{name}': {raw.nbytes} data bytes are not whole elements of "
                          f"data type {body.dataType}")
            data = np.frombuffer(raw, dtype=dtype).copy()
            if data.size == math.prod(dims):
                data = data.reshape(dims)
    elif body.memType != Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_UNDEFINED:
        fail(err, f"tensor '{name}': memType {body.memType} is not supported; use RAW client buffers")
    return TensorSpec(name, body.type, body.dataType, dims, encoding(body.quantizeParams, err, name), data)


def param_spec(param, err, storage_dtype) -> ParamSpec:
    if not isinstance(param, Qnn_Param_t):
        fail(err, f"a parameter is {type(param).__name__}, not a Qnn_Param_t")
    if param.paramType == Qnn_ParamType_t.QNN_PARAMTYPE_SCALAR:
        scalar = param.scalarParam
        return ParamSpec(param.name, scalar_dtype=scalar.dataType, scalar=scalar.floatValue)
    if param.paramType == Qnn_ParamType_t.QNN_PARAMTYPE_TENSOR:
        body = tensor_body(param.tensorParam, err, f"parameter '{param.name}'")
        if body.clientBuf is not None and body.clientBuf.data is not None:
            return ParamSpec(param.name, tensor=tensor_spec(param.tensorParam, err, storage_dtype))
        return ParamSpec(param.name, tensor_id=body.id)
    fail(err, f"parameter '{param.name}' has paramType {param.paramType}; use SCALAR or TENSOR")


def _list(values, count, err, what):
    values = list(values or [])
    if count != len(values):
        fail(err, f"{what}: the count says {count} but {len(values)} are given")
    return values


def node_spec(op_config, err, storage_dtype) -> NodeSpec:
    if not isinstance(op_config, Qnn_OpConfig_t) or op_config.version != 1:
        fail(err, "opConfig must be a Qnn_OpConfig_t of version QNN_OPCONFIG_VERSION_1")
    v1 = op_config.v1
    params = [param_spec(p, err, storage_dtype) for p in _list(v1.params, v1.numOfParams, err, "params")]
    ins = [tensor_body(t, err, "input").id for t in _list(v1.inputTensors, v1.numOfInputs, err, "inputs")]
    outs = [tensor_body(t, err, "output").id
            for t in _list(v1.outputTensors, v1.numOfOutputs, err, "outputs")]
    return NodeSpec(v1.name, v1.packageName, v1.typeName, params, ins, outs)


def node_tensor_specs(op_config, err, storage_dtype) -> tuple[list, list]:
    """The tensors an op config describes inline, for validation without registration."""
    v1 = op_config.v1
    return ([tensor_spec(t, err, storage_dtype) for t in v1.inputTensors or []],
            [tensor_spec(t, err, storage_dtype) for t in v1.outputTensors or []])


def io_binding(tensor, err, memory=None) -> IoBinding:
    """A client tensor for execute. RAW tensors bring their buffer; MEMHANDLE tensors name
    registered memory, which ``memory(handle)`` resolves (QnnMem) and which must hold exactly
    the tensor's data type and shape."""
    body = tensor_body(tensor, err)
    dims = _dims(body, err, body.name) if body.dimensions is not None else None
    if body.memType == Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_MEMHANDLE and memory is not None:
        region = memory(body.memHandle)
        if region.dtype != body.dataType or (dims is not None and tuple(dims) != region.dims):
            fail(err, f"tensor '{body.name}': its memory was registered as {list(region.dims)} x "
                      f"{Qnn_DataType_t(region.dtype).name}, the tensor says {dims} x {body.dataType!r}")
        return IoBinding(body.id, body.name, body.dataType, dims, region.view, region.view.nbytes,
                         encoding(body.quantizeParams, err, body.name))
    if body.memType != Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_RAW:
        fail(err, f"tensor '{body.name}': execute needs memType RAW with a client buffer, or MEMHANDLE")
    if not isinstance(body.clientBuf, Qnn_ClientBuffer_t) or body.clientBuf.data is None:
        fail(err, f"tensor '{body.name}': clientBuf.data is NULL")
    return IoBinding(body.id, body.name, body.dataType, dims, body.clientBuf.data, body.clientBuf.dataSize,
                     encoding(body.quantizeParams, err, body.name))


def lpbq_params(scales, blocks, axis: int, block_bitwidth: int = 4, offsets=None):
    """BLOCKWISE_EXPANSION (LPBQ) params: a float scale per channel on ``axis`` and ``blocks``
    [channel, block] of integers (stored 8-bit when they fit, else 16-bit)."""
    blocks = np.asarray(blocks)
    offsets = [0] * len(scales) if offsets is None else offsets
    wide = blocks.size and int(blocks.max()) > 0xFF
    bwe = Qnn_BlockwiseExpansion_t(axis, [Qnn_ScaleOffset_t(float(s), int(o)) for s, o in zip(scales, offsets)],
                                   int(blocks.shape[1]), block_bitwidth,
                                   QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16 if wide
                                   else QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8)
    if wide:
        bwe.blocksScale16 = blocks.astype(np.uint16).ravel()
    else:
        bwe.blocksScale8 = blocks.astype(np.uint8).ravel()
    return Qnn_QuantizeParams_t(encodingDefinition=Qnn_Definition_t.QNN_DEFINITION_DEFINED,
                                quantizationEncoding=QE.QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION,
                                blockwiseExpansion=bwe)


def tensor_struct(tid: int, spec: TensorSpec) -> Qnn_Tensor_t:
    """A registered tensor described back to the client (binary info), without data. Version 1,
    as the real system library describes them: nothing qnnpy stores needs V2's extra fields."""
    body = Qnn_TensorV2_t(id=tid, name=spec.name, type=spec.kind, dataType=Qnn_DataType_t(spec.dtype),
                          rank=len(spec.dims), dimensions=list(spec.dims),
                          memType=Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_RAW)
    enc = spec.encoding
    if enc is not None:
        qp = body.quantizeParams
        qp.encodingDefinition = Qnn_Definition_t.QNN_DEFINITION_DEFINED
        if enc.axis is None:
            qp.quantizationEncoding = QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET
            qp.scaleOffsetEncoding = Qnn_ScaleOffset_t(float(enc.scales[0]), int(enc.offsets[0]))
        elif enc.blocks is not None:
            body.quantizeParams = lpbq_params(enc.scales, enc.blocks, enc.axis, enc.block_bitwidth, enc.offsets)
        else:
            qp.quantizationEncoding = QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET
            qp.axisScaleOffsetEncoding.axis = enc.axis
            qp.axisScaleOffsetEncoding.numScaleOffsets = int(enc.scales.size)
            qp.axisScaleOffsetEncoding.scaleOffset = [
                Qnn_ScaleOffset_t(float(s), int(o)) for s, o in zip(enc.scales, enc.offsets)]
    return Qnn_Tensor_t(Qnn_TensorVersion_t.QNN_TENSOR_VERSION_1, v1=body)
