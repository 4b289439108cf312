"""QnnTypes.h: data types, tensor kinds, quantization encodings, tensors, params, op configs.

Structs are Python classes with the C field names. Unions are flattened: every member
exists as an attribute and the discriminating field (``quantizationEncoding``, ``memType``,
``paramType``, ``version``) says which one is read, as in C. ``Qnn_Tensor_t.v1`` and ``.v2``
are the same object, because a V1 tensor is a prefix of a V2 tensor in the C union.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy._enum import export
from qnnpy.QnnCommon import QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH

UNDEFINED = 0x7FFFFFFF


class Qnn_DataType_t(IntEnum):
    QNN_DATATYPE_INT_8 = 0x0008
    QNN_DATATYPE_INT_16 = 0x0016
    QNN_DATATYPE_INT_32 = 0x0032
    QNN_DATATYPE_INT_64 = 0x0064
    QNN_DATATYPE_UINT_8 = 0x0108
    QNN_DATATYPE_UINT_16 = 0x0116
    QNN_DATATYPE_UINT_32 = 0x0132
    QNN_DATATYPE_UINT_64 = 0x0164
    QNN_DATATYPE_FLOAT_16 = 0x0216
    QNN_DATATYPE_BFLOAT_16 = 0x0226
    QNN_DATATYPE_FLOAT_32 = 0x0232
    QNN_DATATYPE_FLOAT_64 = 0x0264
    QNN_DATATYPE_SFIXED_POINT_4 = 0x0304
    QNN_DATATYPE_SFIXED_POINT_8 = 0x0308
    QNN_DATATYPE_SFIXED_POINT_16 = 0x0316
    QNN_DATATYPE_SFIXED_POINT_32 = 0x0332
    QNN_DATATYPE_UFIXED_POINT_4 = 0x0404
    QNN_DATATYPE_UFIXED_POINT_8 = 0x0408
    QNN_DATATYPE_UFIXED_POINT_16 = 0x0416
    QNN_DATATYPE_UFIXED_POINT_32 = 0x0432
    QNN_DATATYPE_BOOL_8 = 0x0508
    QNN_DATATYPE_STRING = 0x0608
    QNN_DATATYPE_UNDEFINED = UNDEFINED


class Qnn_Precision_t(IntEnum):
    QNN_PRECISION_FLOAT32 = 0
    QNN_PRECISION_FLOAT16 = 1
    QNN_PRECISION_UNDEFINED = UNDEFINED


class Qnn_ParamType_t(IntEnum):
    QNN_PARAMTYPE_SCALAR = 0
    QNN_PARAMTYPE_TENSOR = 1
    QNN_PARAMTYPE_UNDEFINED = 0xFFFFFFFF


class Qnn_Definition_t(IntEnum):
    QNN_DEFINITION_IMPL_GENERATED = 0
    QNN_DEFINITION_DEFINED = 1
    QNN_DEFINITION_UNDEFINED = UNDEFINED


class Qnn_Priority_t(IntEnum):
    QNN_PRIORITY_LOW = 0
    QNN_PRIORITY_NORMAL = 100
    QNN_PRIORITY_DEFAULT = 100
    QNN_PRIORITY_NORMAL_HIGH = 150
    QNN_PRIORITY_HIGH = 200
    QNN_PRIORITY_UNDEFINED = UNDEFINED


class Qnn_ErrorReportingLevel_t(IntEnum):
    QNN_ERROR_REPORTING_LEVEL_BRIEF = 0
    QNN_ERROR_REPORTING_LEVEL_DETAILED = 1
    QNN_ERROR_REPORTING_LEVEL_UNDEFINED = UNDEFINED


class Qnn_TensorType_t(IntEnum):
    QNN_TENSOR_TYPE_APP_WRITE = 0
    QNN_TENSOR_TYPE_APP_READ = 1
    QNN_TENSOR_TYPE_APP_READWRITE = 2
    QNN_TENSOR_TYPE_NATIVE = 3
    QNN_TENSOR_TYPE_STATIC = 4
    QNN_TENSOR_TYPE_NULL = 5
    QNN_TENSOR_TYPE_UPDATEABLE_STATIC = 6
    QNN_TENSOR_TYPE_UPDATEABLE_NATIVE = 7
    QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE = 8
    QNN_TENSOR_TYPE_UPDATEABLE_APP_READ = 9
    QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE = 10
    QNN_TENSOR_TYPE_OPTIONAL_APP_WRITE = 11
    QNN_TENSOR_TYPE_OPTIONAL_APP_READ = 12
    QNN_TENSOR_TYPE_OPTIONAL_APP_READWRITE = 13
    QNN_TENSOR_TYPE_UNDEFINED = UNDEFINED


QNN_TENSOR_DATA_FORMAT_DENSE = 0
QNN_TENSOR_DATA_FORMAT_FLAT_BUFFER = 0
QNN_TENSOR_DATA_FORMAT_SPARSE = 1
QNN_TENSOR_DATA_FORMAT_CODEBOOK = 2
QNN_TENSOR_DATA_FORMAT_MX = 3


class Qnn_TensorMemType_t(IntEnum):
    QNN_TENSORMEMTYPE_RAW = 0
    QNN_TENSORMEMTYPE_MEMHANDLE = 1
    QNN_TENSORMEMTYPE_RETRIEVE_RAW = 2
    QNN_TENSORMEMTYPE_UNDEFINED = UNDEFINED


class Qnn_QuantizationEncoding_t(IntEnum):
    QNN_QUANTIZATION_ENCODING_SCALE_OFFSET = 0
    QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET = 1
    QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET = 2
    QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET = 3
    QNN_QUANTIZATION_ENCODING_BLOCK = 4
    QNN_QUANTIZATION_ENCODING_BLOCKWISE_EXPANSION = 5
    QNN_QUANTIZATION_ENCODING_VECTOR = 6
    QNN_QUANTIZATION_ENCODING_FLOAT_BLOCK = 7
    QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET_MAPPED = 8
    QNN_QUANTIZATION_ENCODING_BW_BLOCK_MAPPED = 9
    QNN_QUANTIZATION_ENCODING_BW_BLOCKWISE_EXPANSION_MAPPED = 10
    QNN_QUANTIZATION_ENCODING_BW_FLOAT_BLOCK = 11
    QNN_QUANTIZATION_ENCODING_UNDEFINED = UNDEFINED


class Qnn_TensorVersion_t(IntEnum):
    QNN_TENSOR_VERSION_1 = 1
    QNN_TENSOR_VERSION_2 = 2
    QNN_TENSOR_VERSION_UNDEFINED = UNDEFINED


class Qnn_SparseLayoutType_t(IntEnum):
    QNN_SPARSE_LAYOUT_HYBRID_COO = 0
    QNN_SPARSE_LAYOUT_UNDEFINED = UNDEFINED


class Qnn_OpConfigVersion_t(IntEnum):
    QNN_OPCONFIG_VERSION_1 = 1
    QNN_OPCONFIG_VERSION_UNDEFINED = UNDEFINED


# SoC numbers as QAIRT assigns them (a frozen list; gaps are numbers QAIRT never assigned).
_SOC_MODELS = """
    SDM845 1 SDM835 2 SDM821 3 SDM820 4 SDM801 5 SDM670 6 SDM660 7 SDM652 8 SDM636 9 SDM630 10
    SDM625 11 SDM855 12 SDM710 13 SDM632 15 SM6150 16 SM7150 17 QCS405 18 SM6125 19 QCS403 20
    SDM865 21 IPQ6018 23 IPQ6028 24 SM7250 25 SA8195 26 SM6250 27 SM4250 28 SM6350 29 SM8350 30
    SM4350 31 SM7350 32 QCS410 33 SM8325 34 SM7325 35 SM8450 36 SC8280X 37 SM7315 38 SA8295 39
    SM6225 40 SM7450 41 SM8475 42 SM8550 43 SXR1230P 45 SSG2115P 46 STP6225P 47 QCS6125 48
    QRB4210 49 SM6450 50 QCS7230 51 SA8255 52 SXR2230P 53 SM7475 54 SM4375 55 QCM4325 56 SM8650 57
    SSG2125P 58 SM4450 59 SC8380XP 60 SM7435 61 SA8540 62 AIC100 63 SM7550 64 SM6450Q 65 QCS8550 66
    SA8620P 67 SM8635 68 SM8750 69 SM7675 70 SM4635 71 SA8797 72 SM7635 73 SM6650 74 SXR2330P 75
    SM6475 76 QCS9100 77 QCM6690 78 IPQ9574 79 IPQ5404 80 IPQ5424 81 QCS8300 82 QCS2290 83
    SA525M 84 SM8735 85 SM7750 86 SM8850 87
"""
Qnn_SocModel_t = IntEnum("Qnn_SocModel_t", {
    "QNN_SOC_MODEL_UNKNOWN": 0,
    **{f"QNN_SOC_MODEL_{name}": int(number) for name, number in zip(*[iter(_SOC_MODELS.split())] * 2)},
    "QNN_SOC_MODEL_DYNAMIC_SDM": 0x7FFFFFFF})


for _enum in (Qnn_DataType_t, Qnn_Precision_t, Qnn_ParamType_t, Qnn_Definition_t, Qnn_Priority_t,
              Qnn_ErrorReportingLevel_t, Qnn_TensorType_t, Qnn_TensorMemType_t,
              Qnn_QuantizationEncoding_t, Qnn_TensorVersion_t, Qnn_SparseLayoutType_t,
              Qnn_OpConfigVersion_t, Qnn_SocModel_t):
    export(_enum, globals())

Qnn_ContextBinarySize_t = int


# ---- versions ---------------------------------------------------------------------------

@dataclass(slots=True)
class Qnn_Version_t:
    major: int = 0
    minor: int = 0
    patch: int = 0


@dataclass(slots=True)
class Qnn_ApiVersion_t:
    coreApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)
    backendApiVersion: Qnn_Version_t = field(default_factory=Qnn_Version_t)


@dataclass(slots=True)
class Qnn_ErrorReportingConfig_t:
    reportingLevel: int = Qnn_ErrorReportingLevel_t.QNN_ERROR_REPORTING_LEVEL_UNDEFINED
    storageLimit: int = 0


def QNN_VERSION_INIT() -> Qnn_Version_t:
    return Qnn_Version_t()


def QNN_API_VERSION_INIT() -> Qnn_ApiVersion_t:
    return Qnn_ApiVersion_t(Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR,
                                          QNN_API_VERSION_PATCH), Qnn_Version_t())


def QNN_ERROR_REPORTING_CONFIG_INIT() -> Qnn_ErrorReportingConfig_t:
    return Qnn_ErrorReportingConfig_t()


# ---- quantization -----------------------------------------------------------------------

@dataclass(slots=True)
class Qnn_ScaleOffset_t:
    scale: float = 0.0
    offset: int = 0


@dataclass(slots=True)
class Qnn_BwScaleOffset_t:
    bitwidth: int = 0
    scale: float = 0.0
    offset: int = 0


@dataclass(slots=True)
class Qnn_AxisScaleOffset_t:
    axis: int = 0
    numScaleOffsets: int = 0
    scaleOffset: list | None = None  # list of Qnn_ScaleOffset_t


@dataclass(slots=True)
class Qnn_BwAxisScaleOffset_t:
    bitwidth: int = 0
    axis: int = 0
    numElements: int = 0
    scales: list | None = None
    offsets: list | None = None  # None means symmetric: every offset 0


@dataclass(slots=True)
class Qnn_BlockwiseExpansion_t:
    """LPBQ (low-power blockwise) weights: a float scale per channel along ``axis`` times a
    small integer per block of the other axis, ``blocksScale8``/``blocksScale16`` indexed
    [channel * numBlocksPerAxis + block] (which one ``blockScaleStorageType`` says)."""
    axis: int = 0
    scaleOffsets: list | None = None  # list of Qnn_ScaleOffset_t, one per channel
    numBlocksPerAxis: int = 0
    blockScaleBitwidth: int = 0
    blockScaleStorageType: int = 0x7FFFFFFF
    blocksScale8: object = None   # a sequence of uint8 (numpy array, bytes, list)
    blocksScale16: object = None  # a sequence of uint16


QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_8 = 0
QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_16 = 1
QNN_BLOCKWISE_EXPANSION_BITWIDTH_SCALE_STORAGE_UNDEFINED = 0x7FFFFFFF


@dataclass(slots=True)
class Qnn_QuantizeParams_t:
    encodingDefinition: int = Qnn_Definition_t.QNN_DEFINITION_UNDEFINED
    quantizationEncoding: int = Qnn_QuantizationEncoding_t.QNN_QUANTIZATION_ENCODING_UNDEFINED
    scaleOffsetEncoding: Qnn_ScaleOffset_t = field(default_factory=Qnn_ScaleOffset_t)
    axisScaleOffsetEncoding: Qnn_AxisScaleOffset_t = field(default_factory=Qnn_AxisScaleOffset_t)
    bwScaleOffsetEncoding: Qnn_BwScaleOffset_t = field(default_factory=Qnn_BwScaleOffset_t)
    bwAxisScaleOffsetEncoding: Qnn_BwAxisScaleOffset_t = field(
        default_factory=Qnn_BwAxisScaleOffset_t)
    blockwiseExpansion: Qnn_BlockwiseExpansion_t | None = None  # a pointer in C


def QNN_SCALE_OFFSET_INIT() -> Qnn_ScaleOffset_t:
    return Qnn_ScaleOffset_t()


def QNN_BW_SCALE_OFFSET_INIT() -> Qnn_BwScaleOffset_t:
    return Qnn_BwScaleOffset_t()


def QNN_AXIS_SCALE_OFFSET_INIT() -> Qnn_AxisScaleOffset_t:
    return Qnn_AxisScaleOffset_t()


def QNN_BW_AXIS_SCALE_OFFSET_INIT() -> Qnn_BwAxisScaleOffset_t:
    return Qnn_BwAxisScaleOffset_t()


def QNN_BLOCKWISE_EXPANSION_INIT() -> Qnn_BlockwiseExpansion_t:
    return Qnn_BlockwiseExpansion_t()


def QNN_QUANTIZE_PARAMS_INIT() -> Qnn_QuantizeParams_t:
    return Qnn_QuantizeParams_t()


# ---- tensors ----------------------------------------------------------------------------

@dataclass(slots=True)
class Qnn_ClientBuffer_t:
    """``data`` is any buffer object (numpy array, bytearray, memoryview, mmap)."""
    data: object = None
    dataSize: int = 0


@dataclass(slots=True)
class Qnn_SparseLayoutHybridCoo_t:
    numSpecifiedElements: int = 0
    numSparseDimensions: int = 0


@dataclass(slots=True)
class Qnn_SparseParams_t:
    type: int = Qnn_SparseLayoutType_t.QNN_SPARSE_LAYOUT_UNDEFINED
    hybridCoo: Qnn_SparseLayoutHybridCoo_t = field(default_factory=Qnn_SparseLayoutHybridCoo_t)


@dataclass(slots=True)
class Qnn_TensorV1_t:
    id: int = 0
    name: str | None = None
    type: int = Qnn_TensorType_t.QNN_TENSOR_TYPE_UNDEFINED
    dataFormat: int = QNN_TENSOR_DATA_FORMAT_FLAT_BUFFER
    dataType: int = Qnn_DataType_t.QNN_DATATYPE_UNDEFINED
    quantizeParams: Qnn_QuantizeParams_t = field(default_factory=Qnn_QuantizeParams_t)
    rank: int = 0
    dimensions: list | None = None
    memType: int = Qnn_TensorMemType_t.QNN_TENSORMEMTYPE_UNDEFINED
    clientBuf: Qnn_ClientBuffer_t = field(default_factory=Qnn_ClientBuffer_t)
    memHandle: int | None = None


@dataclass(slots=True)
class Qnn_TensorV2_t(Qnn_TensorV1_t):
    isDynamicDimensions: list | None = None
    sparseParams: Qnn_SparseParams_t = field(default_factory=Qnn_SparseParams_t)
    isProduced: int = 0


class Qnn_Tensor_t:
    """The versioned tensor. ``v1`` and ``v2`` name the same body, as the C union does."""

    __slots__ = ("version", "_body")

    def __init__(self, version=Qnn_TensorVersion_t.QNN_TENSOR_VERSION_1, v1=None, v2=None):
        self.version = version
        self._body = v2 if v2 is not None else (v1 if v1 is not None else Qnn_TensorV2_t())

    @property
    def v1(self):
        return self._body

    @v1.setter
    def v1(self, body):
        self._body = body

    @property
    def v2(self):
        return self._body

    @v2.setter
    def v2(self, body):
        self._body = body

    def __repr__(self):
        return f"Qnn_Tensor_t(version={int(self.version)}, body={self._body!r})"


def QNN_CLIENT_BUFFER_INIT() -> Qnn_ClientBuffer_t:
    return Qnn_ClientBuffer_t()


def QNN_SPARSE_PARAMS_INIT() -> Qnn_SparseParams_t:
    return Qnn_SparseParams_t()


def QNN_TENSOR_V1_INIT() -> Qnn_TensorV1_t:
    return Qnn_TensorV1_t()


def QNN_TENSOR_V2_INIT() -> Qnn_TensorV2_t:
    return Qnn_TensorV2_t()


def QNN_TENSOR_INIT() -> Qnn_Tensor_t:
    return Qnn_Tensor_t(Qnn_TensorVersion_t.QNN_TENSOR_VERSION_1, v1=Qnn_TensorV2_t())


# ---- scalars, params, op configs --------------------------------------------------------

_SCALAR_MEMBERS = ("floatValue", "doubleValue", "uint64Value", "int64Value", "uint32Value",
                   "int32Value", "uint16Value", "int16Value", "uint8Value", "int8Value",
                   "bool8Value", "bfloat16Value", "stringValue")


class Qnn_Scalar_t:
    """A tagged scalar; all union members read the one stored value."""

    __slots__ = ("dataType", "_value")

    def __init__(self, dataType=Qnn_DataType_t.QNN_DATATYPE_UNDEFINED, **member):
        self.dataType = dataType
        self._value = 0.0
        if len(member) > 1:
            raise TypeError("Qnn_Scalar_t holds one union member")
        for name, value in member.items():
            setattr(self, name, value)

    def __repr__(self):
        return f"Qnn_Scalar_t(dataType={self.dataType!r}, value={self._value!r})"


def _union_member(name):
    def get(self):
        return self._value

    def put(self, value):
        self._value = value

    return property(get, put, doc=f"union member {name}")


for _name in _SCALAR_MEMBERS:
    setattr(Qnn_Scalar_t, _name, _union_member(_name))


@dataclass(slots=True)
class Qnn_Param_t:
    paramType: int = Qnn_ParamType_t.QNN_PARAMTYPE_UNDEFINED
    name: str | None = None
    scalarParam: Qnn_Scalar_t = field(default_factory=Qnn_Scalar_t)
    tensorParam: Qnn_Tensor_t | None = None


@dataclass(slots=True)
class Qnn_OpConfigV1_t:
    name: str | None = None
    packageName: str | None = None
    typeName: str | None = None
    numOfParams: int = 0
    params: list | None = None
    numOfInputs: int = 0
    inputTensors: list | None = None
    numOfOutputs: int = 0
    outputTensors: list | None = None


@dataclass(slots=True)
class Qnn_OpConfig_t:
    version: int = Qnn_OpConfigVersion_t.QNN_OPCONFIG_VERSION_1
    v1: Qnn_OpConfigV1_t = field(default_factory=Qnn_OpConfigV1_t)


def QNN_SCALAR_INIT() -> Qnn_Scalar_t:
    return Qnn_Scalar_t()


def QNN_PARAM_INIT() -> Qnn_Param_t:
    return Qnn_Param_t()


def QNN_OPCONFIG_V1_INIT() -> Qnn_OpConfigV1_t:
    return Qnn_OpConfigV1_t()


def QNN_OPCONFIG_INIT() -> Qnn_OpConfig_t:
    return Qnn_OpConfig_t()
