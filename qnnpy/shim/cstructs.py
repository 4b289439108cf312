"""C structs (cffi cdata) to the Python API's objects and back, for the shim's bridge.

Reading follows the C API's rules: a union member is read only when the tag (version, option,
encoding, dataType) selects it; NULL pointers become None; client data pointers become
writable buffer views (``ffi.buffer``) over the client's own memory, so the backend reads
inputs and writes outputs in place, and decides itself when to copy (persistent binaries are
kept as views, exactly as the API permits). Writing builds C structs whose memory the caller
keeps alive (the ``keep`` list) for as long as the API says the client may read them.
"""
import math

import numpy as np

from qnnpy.htp import dtypes
from qnnpy.QnnContext import (QNN_CONTEXTMEMTYPE_RAW, QnnContext_Buffer_t, QnnContext_BufferV1_t, QnnContext_Config_t,
                              QnnContext_ConfigOption_t as CO, Qnn_BinaryBuffer_t)
from qnnpy.QnnGraph import QnnGraph_Config_t, QnnGraph_ConfigOption_t as GO
from qnnpy.QnnBackend import QnnBackend_Config_t, QnnBackend_ConfigOption_t as BO
from qnnpy.QnnDevice import QnnDevice_Config_t
from qnnpy.QnnGlobalConfig import QnnGlobalConfig_t
from qnnpy.QnnHtpContext import QnnHtpContext_ConfigOption_t as HO
from qnnpy.QnnHtpContext import QnnHtpContext_CustomConfig_t, QnnHtpContext_GroupRegistration_t
from qnnpy.QnnHtpGraph import QnnHtpGraph_ConfigOption_t as HGO
from qnnpy.QnnHtpMem import QnnHtpMem_QurtAddress_t, QnnHtpMem_SharedBufferConfig_t, QnnMemHtp_Descriptor_t
from qnnpy.QnnMem import Qnn_MemDescriptor_t, Qnn_MemDmaBufInfo_t, Qnn_MemIonInfo_t, Qnn_MemShape_t, Qnn_MemType_t
from qnnpy.QnnHtpGraph import QnnHtpGraph_CustomConfig_t, QnnHtpGraph_OptimizationOption_t
from qnnpy.QnnHtpPerfInfrastructure import (QnnHtpPerfInfrastructure_DcvsV3_t, QnnHtpPerfInfrastructure_HmxV2_t,
                                            QnnHtpPerfInfrastructure_MemoryConfig_t,
                                            QnnHtpPerfInfrastructure_PowerConfig_t)
from qnnpy.QnnProfile import QnnProfile_Config_t
from qnnpy.QnnSignal import QnnSignal_Config_t, QnnSignal_ConfigOption_t as SO
from qnnpy.QnnTypes import (QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8,
                            QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16, Qnn_BlockwiseExpansion_t,
                            Qnn_AxisScaleOffset_t, Qnn_BwAxisScaleOffset_t, Qnn_BwScaleOffset_t, Qnn_ClientBuffer_t,
                            Qnn_DataType_t as DT, Qnn_ErrorReportingConfig_t, Qnn_OpConfig_t, Qnn_OpConfigV1_t,
                            Qnn_Param_t, Qnn_ParamType_t, Qnn_QuantizationEncoding_t as QE, Qnn_QuantizeParams_t,
                            Qnn_ScaleOffset_t, Qnn_Scalar_t, Qnn_SparseLayoutHybridCoo_t, Qnn_SparseParams_t,
                            Qnn_Tensor_t, Qnn_TensorMemType_t, Qnn_TensorV2_t, Qnn_TensorVersion_t)

DCVS_FIELDS = [f for f in QnnHtpPerfInfrastructure_DcvsV3_t.__dataclass_fields__]
HMX_FIELDS = [f for f in QnnHtpPerfInfrastructure_HmxV2_t.__dataclass_fields__]
POWER_SCALARS = ("rpcControlLatencyConfig", "rpcPollingTimeConfig", "hmxTimeoutIntervalUsConfig",
                 "adaptivePollingTimeConfig", "ddrPerfModeConfig")
MAX_LIST = 1 << 16  # a NULL-terminated list longer than this is garbage, not configs
SCALAR_MEMBERS = {DT.QNN_DATATYPE_FLOAT_32: "floatValue", DT.QNN_DATATYPE_FLOAT_64: "doubleValue",
                  DT.QNN_DATATYPE_UINT_64: "uint64Value", DT.QNN_DATATYPE_INT_64: "int64Value",
                  DT.QNN_DATATYPE_UINT_32: "uint32Value", DT.QNN_DATATYPE_INT_32: "int32Value",
                  DT.QNN_DATATYPE_UINT_16: "uint16Value", DT.QNN_DATATYPE_INT_16: "int16Value",
                  DT.QNN_DATATYPE_UINT_8: "uint8Value", DT.QNN_DATATYPE_INT_8: "int8Value",
                  DT.QNN_DATATYPE_BOOL_8: "bool8Value", DT.QNN_DATATYPE_BFLOAT_16: "bfloat16Value"}
HTP_CONTEXT_MEMBERS = {HO.QNN_HTP_CONTEXT_CONFIG_OPTION_WEIGHT_SHARING_ENABLED: "weightSharingEnabled",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_FILE_READ_MEMORY_BUDGET: "fileReadMemoryBudgetInMb",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_DSP_MEMORY_PROFILING_ENABLED: "dspMemoryProfilingEnabled",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_SHARE_RESOURCES: "shareResources",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_IO_MEM_ESTIMATION: "ioMemEstimation",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_PREPARE_ONLY: "isPrepareOnly",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_INIT_ACCELERATION: "initAcceleration",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_SKIP_VALIDATION_ON_BINARY_SECTION:
                           "skipValidationOnBinarySection",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_SHARE_RESOURCES_OPTIMIZATION_TYPE: "shareResOptType",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_USE_EXTENDED_UDMA: "useExtendedUdma",
                       HO.QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED: "loraWeightSharingEnabled"}
HTP_GROUP_MEMBERS = {HO.QNN_HTP_CONTEXT_CONFIG_OPTION_REGISTER_MULTI_CONTEXTS: "groupRegistration",
                     HO.QNN_HTP_CONTEXT_CONFIG_OPTION_REGISTER_CONCURRENT_RESOURCE_SHARING:
                         "concurrentGroupRegistration"}
# QnnHtpGraph_CustomConfig_t: option -> the union member it fills (options whose member the
# emulator has no use for, such as finalize or parallel-execution configs, are read as the bare option)
HTP_GRAPH_MEMBERS = {
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_OPTIMIZATION: "optimizationOption",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION: "precision",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_MB: "vtcmSizeInMB",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_FOLD_RELU_ACTIVATION_INTO_CONV_OFF: "foldReluActivationIntoConvOff",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_SHORT_DEPTH_CONV_ON_HMX_OFF: "shortDepthConvOnHmxOff",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_NUM_HVX_THREADS: "numHvxThreads",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_NUM_CORES: "numCores",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_BYTES: "vtcmSizeInBytes",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_WEIGHTS_PACKING: "weightsPacking",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_ASSUME_SAME_QUANT: "assumeSameQuant",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_SHARE_IO_BUFFER: "shareIOBuffer",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_ADVANCED_ACTIVATION_FUSION: "advancedActivationFusion",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_HIGH_PRECISION_SIGMOID: "highPrecisionSigmoid",
    HGO.QNN_HTP_GRAPH_CONFIG_OPTION_MONOLITHIC_LSTM: "monolithicLstm",
}


# tags the tensor reader compares, as plain ints (an enum member lookup per tensor is measurable)
_SCALE_OFFSET = int(QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET)
_POINTED_ENCODINGS = frozenset(int(e) for e in (  # their parameters live behind pointers
    QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET, QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET,
    QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET, QE.QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION))
_RAW, _MEMHANDLE = int(Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_RAW), int(Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_MEMHANDLE)
_V2 = int(Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2)


class CStructs:
    def __init__(self, ffi):
        self.ffi, self.NULL = ffi, ffi.NULL
        self._layout = None  # numpy view of Qnn_Tensor_t, made on first use
        self._char_p, self._u32_p, self._u8_p = (ffi.typeof(t) for t in ("char*", "uint32_t*", "uint8_t*"))

    # ---- scalars, strings, handles ---------------------------------------------------------

    def handle(self, pointer):
        return None if pointer == self.NULL else int(self.ffi.cast("uintptr_t", pointer))

    def c_handle(self, handle):
        return self.ffi.cast("void*", handle or 0)

    def string(self, pointer):
        return None if pointer == self.NULL else self.ffi.string(pointer).decode("utf-8", "replace")

    def c_string(self, text, keep: list):
        if text is None:
            return self.NULL
        s = self.ffi.new("char[]", text.encode())
        keep.append(s)
        return s

    def buffer(self, pointer, size: int):
        """A writable view of client memory (None for NULL)."""
        return None if pointer == self.NULL else self.ffi.buffer(pointer, size)

    def null_terminated(self, array) -> list | None:
        """The pointers of a NULL-terminated pointer array; None for a NULL array."""
        if array == self.NULL:
            return None
        items = []
        while array[len(items)] != self.NULL:
            items.append(array[len(items)])
            if len(items) > MAX_LIST:
                raise ValueError("a NULL-terminated list does not end")
        return items

    # ---- tensors ---------------------------------------------------------------------------

    def quantize(self, q, dims: list | None = None) -> Qnn_QuantizeParams_t:
        """``dims``: the tensor's, which size an LPBQ encoding's arrays (C gives no count)."""
        py = Qnn_QuantizeParams_t(q.encodingDefinition, q.quantizationEncoding)
        kind = q.quantizationEncoding
        if kind == QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
            py.scaleOffsetEncoding = Qnn_ScaleOffset_t(q.scaleOffsetEncoding.scale, q.scaleOffsetEncoding.offset)
        elif kind == QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET:
            a = q.axisScaleOffsetEncoding
            pairs = [] if a.scaleOffset == self.NULL else [
                Qnn_ScaleOffset_t(a.scaleOffset[i].scale, a.scaleOffset[i].offset) for i in range(a.numScaleOffsets)]
            py.axisScaleOffsetEncoding = Qnn_AxisScaleOffset_t(a.axis, a.numScaleOffsets, pairs)
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET:
            b = q.bwScaleOffsetEncoding
            py.bwScaleOffsetEncoding = Qnn_BwScaleOffset_t(b.bitwidth, b.scale, b.offset)
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET:
            b = q.bwAxisScaleOffsetEncoding
            scales = None if b.scales == self.NULL else [b.scales[i] for i in range(b.numElements)]
            offsets = None if b.offsets == self.NULL else [b.offsets[i] for i in range(b.numElements)]
            py.bwAxisScaleOffsetEncoding = Qnn_BwAxisScaleOffset_t(b.bitwidth, b.axis, b.numElements, scales, offsets)
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION and q.blockwiseExpansion != self.NULL:
            py.blockwiseExpansion = self.blockwise_expansion(q.blockwiseExpansion, dims or [])
        return py

    def blockwise_expansion(self, b, dims: list) -> Qnn_BlockwiseExpansion_t:
        """Reads as many scales as the channel axis holds and channels x numBlocksPerAxis block
        integers — never more than the tensor has elements, so a garbage count reads nothing."""
        channels = dims[b.axis] if 0 <= b.axis < len(dims) else 0
        pairs = [] if b.scaleOffsets == self.NULL else [
            Qnn_ScaleOffset_t(b.scaleOffsets[i].scale, b.scaleOffsets[i].offset) for i in range(channels)]
        py = Qnn_BlockwiseExpansion_t(b.axis, pairs, b.numBlocksPerAxis, b.blockScaleBitwidth,
                                      b.blockScaleStorageType)
        count = channels * b.numBlocksPerAxis
        if b.blocksScale8 == self.NULL or count > math.prod(dims or [0]):
            return py
        if b.blockScaleStorageType == QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8:
            py.blocksScale8 = np.frombuffer(self.ffi.buffer(b.blocksScale8, count), np.uint8).copy()
        elif b.blockScaleStorageType == QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16:
            py.blocksScale16 = np.frombuffer(self.ffi.buffer(b.blocksScale16, 2 * count), np.uint16).copy()
        return py

    def tensor(self, t) -> Qnn_Tensor_t:
        """``t`` is a Qnn_Tensor_t struct or a pointer to one."""
        if self.ffi.typeof(t).kind == "struct":
            t = self.ffi.addressof(t)
        return self._read_tensors(t, 1)[0]

    def tensors(self, array, count: int) -> list | None:
        return None if array == self.NULL else self._read_tensors(array, count)

    def _tensor_layout(self) -> np.dtype:
        """The fixed fields of Qnn_Tensor_t as a numpy record (V1 fields are a prefix of V2's),
        so an array of tensors is read in one pass over its bytes, not field by field."""
        if self._layout is None:
            at = lambda *path: self.ffi.offsetof("Qnn_Tensor_t", "v2", *path)  # noqa: E731
            fields = [("version", "<u4", self.ffi.offsetof("Qnn_Tensor_t", "version")), ("id", "<u4", at("id")),
                      ("name", "<u8", at("name")), ("type", "<u4", at("type")), ("format", "<u4", at("dataFormat")),
                      ("dtype", "<u4", at("dataType")),
                      ("definition", "<u4", at("quantizeParams", "encodingDefinition")),
                      ("encoding", "<u4", at("quantizeParams", "quantizationEncoding")),
                      ("scale", "<f4", at("quantizeParams", "scaleOffsetEncoding", "scale")),
                      ("offset", "<i4", at("quantizeParams", "scaleOffsetEncoding", "offset")),
                      ("rank", "<u4", at("rank")), ("dims", "<u8", at("dimensions")), ("mem", "<u4", at("memType")),
                      ("data", "<u8", at("clientBuf", "data")), ("size", "<u4", at("clientBuf", "dataSize")),
                      ("dynamic", "<u8", at("isDynamicDimensions")), ("sparse", "<u4", at("sparseParams", "type")),
                      ("specified", "<u4", at("sparseParams", "hybridCoo", "numSpecifiedElements")),
                      ("sparse_dims", "<u4", at("sparseParams", "hybridCoo", "numSparseDimensions")),
                      ("produced", "u1", at("isProduced"))]
            self._layout = np.dtype({"names": [f[0] for f in fields], "formats": [f[1] for f in fields],
                                     "offsets": [f[2] for f in fields], "itemsize": self.ffi.sizeof("Qnn_Tensor_t")})
        return self._layout

    def _read_tensors(self, array, count: int) -> list:
        """``count`` tensors from a Qnn_Tensor_t pointer: the fixed fields from one copy of
        their bytes, then what their pointers point at (name, dimensions, client memory)."""
        ffi, layout, cast = self.ffi, self._tensor_layout(), self.ffi.cast
        rows = np.frombuffer(ffi.buffer(array, count * layout.itemsize), layout).tolist()
        out = []
        for i, (version, tid, name, ttype, fmt, dtype, definition, encoding, scale, offset, rank, dims_at, mem,
                data, size, dynamic, sparse, specified, sparse_dims, produced) in enumerate(rows):
            v2 = version == _V2
            dims = None if not dims_at else ffi.unpack(cast(self._u32_p, dims_at), rank)
            quant = Qnn_QuantizeParams_t(definition, encoding)
            if encoding == _SCALE_OFFSET:
                quant.scaleOffsetEncoding = Qnn_ScaleOffset_t(scale, offset)
            elif encoding in _POINTED_ENCODINGS:  # arrays behind pointers: read field by field
                quant = self.quantize((array[i].v2 if v2 else array[i].v1).quantizeParams, dims)
            py = Qnn_TensorV2_t(tid, None if not name else ffi.string(cast(self._char_p, name)).decode("utf-8", "replace"),
                                ttype, fmt, dtype, quant, rank, dims, mem)
            if mem == _RAW:
                py.clientBuf = Qnn_ClientBuffer_t(None if not data else ffi.buffer(cast(self._char_p, data), size), size)
            elif mem == _MEMHANDLE:
                py.memHandle = data or None  # the union's pointer member
            if v2:
                if dynamic:
                    py.isDynamicDimensions = list(ffi.unpack(cast(self._u8_p, dynamic), rank))
                py.sparseParams = Qnn_SparseParams_t(sparse, Qnn_SparseLayoutHybridCoo_t(specified, sparse_dims))
                py.isProduced = produced
            out.append(Qnn_Tensor_t(version, v2=py))
        return out

    def tensor_pointers(self, array, count: int) -> list | None:
        """An array of pointers to tensors (QnnTensor_update*Tensors)."""
        if array == self.NULL:
            return None
        return [None if array[i] == self.NULL else self.tensor(array[i]) for i in range(count)]

    def write_back(self, t, py: Qnn_Tensor_t) -> None:
        """What the backend may change in a client's tensor: the id it assigns, output dims
        and the produced flag."""
        body = t.v2 if t.version == Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2 else t.v1
        body.id = py.v1.id
        dims = py.v1.dimensions
        if dims is not None and body.dimensions != self.NULL and len(dims) == body.rank:
            for i, d in enumerate(dims):
                body.dimensions[i] = d
        if t.version == Qnn_TensorVersion_t.QNN_TENSOR_VERSION_2:
            body.isProduced = py.v2.isProduced

    def fill_tensor(self, t, py: Qnn_Tensor_t, keep: list) -> None:
        """A backend-owned description (binary info): no client buffer."""
        b = py.v2
        t.version = py.version
        body = t.v2
        body.id, body.name, body.type = b.id, self.c_string(b.name, keep), b.type
        body.dataFormat, body.dataType, body.rank = b.dataFormat, b.dataType, len(b.dimensions or [])
        if b.dimensions:
            dims = self.ffi.new("uint32_t[]", list(b.dimensions))
            keep.append(dims)
            body.dimensions = dims
        body.memType = Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_RAW
        self.fill_quantize(body.quantizeParams, b.quantizeParams, keep)

    def fill_quantize(self, q, py: Qnn_QuantizeParams_t, keep: list) -> None:
        q.encodingDefinition, q.quantizationEncoding = py.encodingDefinition, py.quantizationEncoding
        kind = py.quantizationEncoding
        if kind == QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
            q.scaleOffsetEncoding.scale = py.scaleOffsetEncoding.scale
            q.scaleOffsetEncoding.offset = py.scaleOffsetEncoding.offset
        elif kind == QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET:
            a = py.axisScaleOffsetEncoding
            pairs = self.ffi.new("Qnn_ScaleOffset_t[]", [(p.scale, p.offset) for p in a.scaleOffset or []])
            keep.append(pairs)
            q.axisScaleOffsetEncoding.axis, q.axisScaleOffsetEncoding.numScaleOffsets = a.axis, len(a.scaleOffset or [])
            q.axisScaleOffsetEncoding.scaleOffset = pairs
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET:
            b = py.bwScaleOffsetEncoding
            q.bwScaleOffsetEncoding.bitwidth, q.bwScaleOffsetEncoding.scale = b.bitwidth, b.scale
            q.bwScaleOffsetEncoding.offset = b.offset
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET:
            b, c = py.bwAxisScaleOffsetEncoding, q.bwAxisScaleOffsetEncoding
            c.bitwidth, c.axis, c.numElements = b.bitwidth, b.axis, len(b.scales or [])
            scales = self.ffi.new("float[]", list(b.scales or []))
            keep.append(scales)
            c.scales = scales
            if b.offsets is not None:
                offsets = self.ffi.new("int32_t[]", list(b.offsets))
                keep.append(offsets)
                c.offsets = offsets
        elif kind == QE.QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION and py.blockwiseExpansion is not None:
            b = py.blockwiseExpansion
            c = self.ffi.new("Qnn_BlockwiseExpansion_t*")
            pairs = self.ffi.new("Qnn_ScaleOffset_t[]", [(p.scale, p.offset) for p in b.scaleOffsets or []])
            wide = b.blockScaleStorageType == QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16
            blocks = self.ffi.new("uint16_t[]" if wide else "uint8_t[]",
                                  [int(v) for v in (b.blocksScale16 if wide else b.blocksScale8)])
            keep += [c, pairs, blocks]
            c.axis, c.scaleOffsets, c.numBlocksPerAxis = b.axis, pairs, b.numBlocksPerAxis
            c.blockScaleBitwidth, c.blockScaleStorageType = b.blockScaleBitwidth, b.blockScaleStorageType
            if wide:
                c.blocksScale16 = blocks
            else:
                c.blocksScale8 = blocks
            q.blockwiseExpansion = c

    def c_tensors(self, tensors: list, keep: list):
        array = self.ffi.new("Qnn_Tensor_t[]", max(1, len(tensors)))
        keep.append(array)
        for i, py in enumerate(tensors):
            self.fill_tensor(array[i], py, keep)
        return array if tensors else self.NULL

    # ---- op configs --------------------------------------------------------------------------

    def scalar(self, s) -> Qnn_Scalar_t:
        if s.dataType == DT.QNN_DATATYPE_STRING:
            return Qnn_Scalar_t(s.dataType, stringValue=self.string(s.stringValue))
        member = SCALAR_MEMBERS.get(s.dataType)
        return Qnn_Scalar_t(s.dataType) if member is None else Qnn_Scalar_t(s.dataType, **{member: getattr(s, member)})

    def param(self, p) -> Qnn_Param_t:
        py = Qnn_Param_t(p.paramType, self.string(p.name))
        if p.paramType == Qnn_ParamType_t.QNN_PARAMTYPE_SCALAR:
            py.scalarParam = self.scalar(p.scalarParam)
        elif p.paramType == Qnn_ParamType_t.QNN_PARAMTYPE_TENSOR:
            py.tensorParam = self.tensor(p.tensorParam)
        return py

    def op_config(self, op) -> Qnn_OpConfig_t:
        v = op.v1
        params = None if v.params == self.NULL else [self.param(v.params[i]) for i in range(v.numOfParams)]
        return Qnn_OpConfig_t(op.version, Qnn_OpConfigV1_t(
            self.string(v.name), self.string(v.packageName), self.string(v.typeName), v.numOfParams, params,
            v.numOfInputs, self.tensors(v.inputTensors, v.numOfInputs), v.numOfOutputs,
            self.tensors(v.outputTensors, v.numOfOutputs)))

    # ---- configs -----------------------------------------------------------------------------

    def names(self, array) -> list | None:
        items = self.null_terminated(self.ffi.cast("char**", array))
        return None if items is None else [self.string(p) for p in items]

    def htp_context_config(self, pointer) -> QnnHtpContext_CustomConfig_t | None:
        if pointer == self.NULL:
            return None
        c = self.ffi.cast("QnnHtpContext_CustomConfig_t*", pointer)
        py = QnnHtpContext_CustomConfig_t(c.option)
        if c.option in HTP_CONTEXT_MEMBERS:
            member = HTP_CONTEXT_MEMBERS[c.option]
            setattr(py, member, getattr(c, member))
        elif c.option in HTP_GROUP_MEMBERS:
            member = HTP_GROUP_MEMBERS[c.option]
            g = getattr(c, member)
            setattr(py, member, QnnHtpContext_GroupRegistration_t(self.handle(g.firstGroupHandle), g.maxSpillFillBuffer))
        return py

    def _configs(self, array, make, readers: dict) -> list | None:
        """A NULL-terminated config list: each config's option, and the union member its
        option selects (read by ``readers[option]`` into {field: value})."""
        items = self.null_terminated(array)
        if items is None:
            return None
        configs = []
        for c in items:
            py = make(c.option)
            for field, value in readers.get(c.option, lambda _c: {})(c).items():
                setattr(py, field, value)
            configs.append(py)
        return configs

    def _error_config(self, c) -> Qnn_ErrorReportingConfig_t:
        return Qnn_ErrorReportingConfig_t(c.errorConfig.reportingLevel, c.errorConfig.storageLimit)

    def signal_configs(self, array) -> list | None:
        return self._configs(array, QnnSignal_Config_t, {
            SO.QNN_SIGNAL_CONFIG_OPTION_TIMEOUT: lambda c: {"timeoutDurationUs": c.timeoutDurationUs},
            SO.QNN_SIGNAL_CONFIG_OPTION_CUSTOM: lambda c: {"customConfig": self.handle(c.customConfig)},
        })

    def context_configs(self, array) -> list | None:
        return self._configs(array, QnnContext_Config_t, {
            CO.QNN_CONTEXT_CONFIG_OPTION_CUSTOM: lambda c: {"customConfig": self.htp_context_config(c.customConfig)},
            CO.QNN_CONTEXT_CONFIG_OPTION_PRIORITY: lambda c: {"priority": c.priority},
            CO.QNN_CONTEXT_CONFIG_OPTION_ERROR_REPORTING: lambda c: {"errorConfig": self._error_config(c)},
            CO.QNN_CONTEXT_CONFIG_OPTION_OEM_STRING: lambda c: {"oemString": self.string(c.oemString)},
            CO.QNN_CONTEXT_CONFIG_ASYNC_EXECUTION_QUEUE_DEPTH: lambda c: {"asyncExeQueueDepth": c.asyncExeQueueDepth.depth},
            CO.QNN_CONTEXT_CONFIG_ENABLE_GRAPHS: lambda c: {"enableGraphs": self.names(c.enableGraphs)},
            CO.QNN_CONTEXT_CONFIG_GRAPH_RETENTION_ORDER: lambda c: {"graphRetentionOrder": self.names(c.graphRetentionOrder)},
            CO.QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT: lambda c: {"memoryLimitHint": c.memoryLimitHint},
            CO.QNN_CONTEXT_CONFIG_PERSISTENT_BINARY: lambda c: {"isPersistentBinary": c.isPersistentBinary},
            CO.QNN_CONTEXT_CONFIG_BINARY_COMPATIBILITY: lambda c: {"binaryCompatibilityType": c.binaryCompatibilityType},
            CO.QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT: lambda c: {"isGraphInitDeferred": c.isGraphInitDeferred},
        })

    def mem_descriptors(self, array, count: int) -> list | None:
        """Qnn_MemDescriptor_t[count] as Python; an HTP customInfo is read as QnnMemHtp_Descriptor_t,
        a DMA-BUF's mapped address as a view of the bytes its shape and data type need."""
        if array == self.NULL:
            return None
        out = []
        for i in range(count):
            d = array[i]
            shape = d.memShape
            dims = None if shape.dimSize == self.NULL else [shape.dimSize[k] for k in range(min(shape.numDim, 64))]
            py = Qnn_MemDescriptor_t(Qnn_MemShape_t(shape.numDim, dims, self.string(shape.shapeConfig)), d.dataType,
                                     d.memType)
            if d.memType == Qnn_MemType_t.QNN_MEM_TYPE_ION:
                py.ionInfo = Qnn_MemIonInfo_t(d.ionInfo.fd)
            elif d.memType == Qnn_MemType_t.QNN_MEM_TYPE_CUSTOM and d.customInfo != self.NULL:
                htp = self.ffi.cast("QnnMemHtp_Descriptor_t*", d.customInfo)[0]
                py.customInfo = QnnMemHtp_Descriptor_t(htp.type, htp.size, QnnHtpMem_QurtAddress_t(
                    self.handle(htp.qurtAddress.baseAddr) or 0), QnnHtpMem_SharedBufferConfig_t(
                    htp.sharedBufferConfig.fd, htp.sharedBufferConfig.offset))
            elif d.memType == Qnn_MemType_t.QNN_MEM_TYPE_DMA_BUF:
                nbytes = (math.prod(dims) * dtypes.storage(d.dataType).itemsize
                          if dims and dtypes.supported(d.dataType) else 0)
                py.dmaBufInfo = Qnn_MemDmaBufInfo_t(d.dmaBufInfo.fd, self.buffer(d.dmaBufInfo.data, nbytes)
                                                    if nbytes else None)
            out.append(py)
        return out

    def htp_graph_config(self, pointer) -> QnnHtpGraph_CustomConfig_t | None:
        """The option of a QnnHtpGraph_CustomConfig_t and the one union member it names."""
        if pointer == self.NULL:
            return None
        c = self.ffi.cast("QnnHtpGraph_CustomConfig_t*", pointer)[0]
        py = QnnHtpGraph_CustomConfig_t(c.option)
        member = HTP_GRAPH_MEMBERS.get(c.option)
        if member == "optimizationOption":
            py.optimizationOption = QnnHtpGraph_OptimizationOption_t(c.optimizationOption.type,
                                                                     c.optimizationOption.floatValue)
        elif member is not None:
            setattr(py, member, getattr(c, member))
        return py

    def graph_configs(self, array) -> list | None:
        return self._configs(array, QnnGraph_Config_t, {
            GO.QNN_GRAPH_CONFIG_OPTION_CUSTOM: lambda c: {"customConfig": self.htp_graph_config(c.customConfig)},
            GO.QNN_GRAPH_CONFIG_OPTION_PRIORITY: lambda c: {"priority": c.priority},
            GO.QNN_GRAPH_CONFIG_OPTION_PROFILE_HANDLE: lambda c: {"profileHandle": self.handle(c.profileHandle)},
            GO.QNN_GRAPH_CONFIG_OPTION_SET_PROFILING_STATE: lambda c: {"profilingState": c.profilingState},
            GO.QNN_GRAPH_CONFIG_OPTION_SET_PROFILING_NUM_EXECUTIONS: lambda c: {
                "numProfilingExecutions": c.numProfilingExecutions},
            GO.QNN_GRAPH_CONFIG_OPTION_ENABLE_BINARY_SECTION_WEIGHTS_UPDATES: lambda c: {
                "enableBinarySectionWeightsUpdates": c.enableBinarySectionWeightsUpdates},
        })

    def backend_configs(self, array) -> list | None:
        return self._configs(array, QnnBackend_Config_t, {
            BO.QNN_BACKEND_CONFIG_OPTION_ERROR_REPORTING: lambda c: {"errorConfig": self._error_config(c)},
            BO.QNN_BACKEND_CONFIG_OPTION_PLATFORM: lambda c: {"platformOption": self.string(c.platformOption)},
            BO.QNN_BACKEND_CONFIG_OPTION_CUSTOM: lambda c: {
                "customConfig": None if c.customConfig == self.NULL else "custom backend config"},
        })

    def device_configs(self, array) -> list | None:
        return self._configs(array, QnnDevice_Config_t, {})

    def global_configs(self, array) -> list | None:
        return self._configs(array, QnnGlobalConfig_t, {0: lambda c: {"socModel": c.socModel},
                                                        1: lambda c: {"machineType": c.machineType}})

    def profile_configs(self, array) -> list | None:
        return self._configs(array, QnnProfile_Config_t, {})

    def power_configs(self, array) -> list | None:
        items = self.null_terminated(array)
        if items is None:
            return None
        configs = []
        for c in items:
            py = QnnHtpPerfInfrastructure_PowerConfig_t(c.option)
            py.dcvsV3Config = QnnHtpPerfInfrastructure_DcvsV3_t(*(getattr(c.dcvsV3Config, f) for f in DCVS_FIELDS))
            py.hmxV2Config = QnnHtpPerfInfrastructure_HmxV2_t(*(getattr(c.hmxV2Config, f) for f in HMX_FIELDS))
            for member in POWER_SCALARS:
                setattr(py, member, getattr(c, member))
            configs.append(py)
        return configs

    def memory_configs(self, array) -> list | None:
        items = self.null_terminated(array)
        return None if items is None else [QnnHtpPerfInfrastructure_MemoryConfig_t(c.option, c.memGrowSizeConfig)
                                           for c in items]

    def c_platform_info(self, py, keep: list):
        """QnnDevice_PlatformInfo_t (V1) for the client to read until freePlatformInfo."""
        info = self.ffi.new("QnnDevice_PlatformInfo_t*")
        keep.append(info)
        info.version = py.version
        devices = py.v1.hwDevices or []
        array = self.ffi.new("QnnDevice_HardwareDeviceInfo_t[]", max(1, len(devices)))
        keep.append(array)
        for i, d in enumerate(devices):
            array[i].version = d.version
            v = array[i].v1
            v.deviceId, v.deviceType, v.numCores = d.v1.deviceId, d.v1.deviceType, len(d.v1.cores or [])
            cores = self.ffi.new("QnnDevice_CoreInfo_t[]", max(1, len(d.v1.cores or [])))
            keep.append(cores)
            for k, core in enumerate(d.v1.cores or []):
                cores[k].version = core.version
                cores[k].v1.coreId, cores[k].v1.coreType = core.v1.coreId, core.v1.coreType
            v.cores = cores
        info.v1.numHwDevices, info.v1.hwDevices = len(devices), array
        return info

    def context_buffer(self, pointer) -> QnnContext_Buffer_t | None:
        if pointer == self.NULL:
            return None
        v = pointer.v1
        py = QnnContext_BufferV1_t(v.memType)
        if v.memType == QNN_CONTEXTMEMTYPE_RAW:
            py.binaryBuf = Qnn_BinaryBuffer_t(self.buffer(v.binaryBuf.data, v.binaryBuf.dataSize), v.binaryBuf.dataSize)
        else:
            py.memHandle = self.handle(v.memHandle)
        return QnnContext_Buffer_t(pointer.version, py)
