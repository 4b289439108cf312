"""QnnOpDef.h: the names of the QNN op set (package "qti.aisw", opset 2.7) — every op type, its
parameter names and the integer values of its enumerated parameters, as QAIRT 2.43 publishes them.

The emulated HTP implements a subset (qnnpy.htp.ops); knowing the whole set lets it tell a
misspelt op from a real op it does not run, and lets include/QnnOpDef.h be rendered from this
one table (qnnpy.shim.opdef_header) so that the C and Python names cannot drift.

Each line of OP_TABLE reads: macro stem, op type name, then the parameters in order; a
parameter written name{A,B,...} is an enumeration whose members take the values 0, 1, ...
"""
import re

QNN_OP_PACKAGE_NAME_QTI_AISW = "qti.aisw"
QNN_OPSET_VERSION_MAJOR, QNN_OPSET_VERSION_MINOR, QNN_OPSET_VERSION_PATCH = 2, 7, 0

OP_TABLE = """
ARGB_TO_RGB ArgbToRgb input_order{ARGB,RGBA} reverse_output
ARGMAX Argmax axis keep_dims
ARGMIN Argmin axis keep_dims
AXIS_ALIGNED_BBOX_TRANSFORM AxisAlignedBboxTransform weights
BATCHNORM Batchnorm
BATCH_PERMUTATION BatchPermutation
BATCH_TO_SPACE BatchToSpace block_size crops
BBOX_TRANSFORM BboxTransform weights apply_scale angle_bounds angle_clip_threshold
BOX_WITH_NMS_LIMIT BoxWithNmsLimit nms_kernel_method{HARD,LINEAR,GAUSSIAN} nms_score_threshold score_threshold pre_nms_limit iou_threshold sigma
BUFFER Buffer buffer_size buffer_dim stride mode{BLOCKING,NON_BLOCKING_LEFT,NON_BLOCKING_RIGHT} buffer_padding
CAST Cast
CHANNEL_SHUFFLE ChannelShuffle num_groups axis
COL2_IM Col2Im kernel_size stride pad_amount dilation
COLLECT_RPN_PROPOSALS CollectRpnProposals rpn_min_level rpn_max_level post_nms_top
COMBINED_NMS CombinedNms max_boxes_per_class max_total_boxes iou_threshold score_threshold pad_per_class clip_boxes
CONCAT Concat axis
CONSTANT_OF_SHAPE ConstantOfShape value
CONV_1D Conv1d stride pad_amount group dilation
CONV_2D Conv2d stride pad_amount group dilation reuse_sparse_indices
CONV_3D Conv3d stride pad_amount group dilation reuse_sparse_indicies
CONVERT Convert dynamic_input_data dynamic_output_data
CORRELATION_1D Correlation1D displacement shift
CREATE_SPARSE CreateSparse
CROP_AND_RESIZE CropAndResize resize_dims interpolation_mode{BILINEAR,NEAREST_NEIGHBOR} extrapolation_value
CUMULATIVE_SUM CumulativeSum axis exclusive reverse
DEPTH_TO_SPACE DepthToSpace block_size mode{DCR,CRD}
DEPTH_WISE_CONV_1D DepthWiseConv1d stride pad_amount dilation
DEPTH_WISE_CONV_2D DepthWiseConv2d stride pad_amount dilation
DEQUANTIZE Dequantize
DETECTION_OUTPUT DetectionOutput delta_scaling_factors confidence_threshold iou_threshold nms_type{FAST,REGULAR} background_class_idx use_bg_in_nms output_background share_location nms_eta detection_limit
DISTRIBUTE_FPN_PROPOSALS DistributeFpnProposals roi_min_level roi_max_level roi_canonical_scale roi_canonical_level
ELEMENT_WISE_ABS ElementWiseAbs
ELEMENT_WISE_ADD ElementWiseAdd
ELEMENT_WISE_AND ElementWiseAnd
ELEMENT_WISE_ASIN ElementWiseAsin
ELEMENT_WISE_ATAN ElementWiseAtan
ELEMENT_WISE_BINARY ElementWiseBinary operation{ADD,AND,DIVIDE,EQUAL,FLOOR_DIV,FMOD,GREATER,GREATER_EQUAL,LESS,LESS_EQUAL,MAXIMUM,MINIMUM,MOD,MULTIPLY,NOT_EQUAL,OR,POWER,SQUARED_DIFFERENCE,SUBTRACT,XOR}
ELEMENT_WISE_CEIL ElementWiseCeil
ELEMENT_WISE_COS ElementWiseCos
ELEMENT_WISE_DIVIDE ElementWiseDivide
ELEMENT_WISE_EQUAL ElementWiseEqual
ELEMENT_WISE_EXP ElementWiseExp
ELEMENT_WISE_FLOOR ElementWiseFloor
ELEMENT_WISE_FLOOR_DIV ElementWiseFloorDiv
ELEMENT_WISE_FMOD ElementWiseFmod
ELEMENT_WISE_GREATER ElementWiseGreater
ELEMENT_WISE_GREATER_EQUAL ElementWiseGreaterEqual
ELEMENT_WISE_LESS ElementWiseLess
ELEMENT_WISE_LESS_EQUAL ElementWiseLessEqual
ELEMENT_WISE_LOG ElementWiseLog
ELEMENT_WISE_MAXIMUM ElementWiseMaximum
ELEMENT_WISE_MINIMUM ElementWiseMinimum
ELEMENT_WISE_MOD ElementWiseMod
ELEMENT_WISE_MULTIPLY ElementWiseMultiply
ELEMENT_WISE_NEG ElementWiseNeg
ELEMENT_WISE_NEURON ElementWiseNeuron operation{ELU,GELU,HARD_SIGMOID,HARD_SWISH,RELU,RELU_MIN_MAX,SIGMOID,SOFTPLUS,TANH} alpha beta min_value max_value threshold
ELEMENT_WISE_NOT ElementWiseNot
ELEMENT_WISE_NOT_EQUAL ElementWiseNotEqual
ELEMENT_WISE_OR ElementWiseOr
ELEMENT_WISE_POWER ElementWisePower
ELEMENT_WISE_ROUND ElementWiseRound
ELEMENT_WISE_RSQRT ElementWiseRsqrt
ELEMENT_WISE_SELECT ElementWiseSelect
ELEMENT_WISE_SIN ElementWiseSin
ELEMENT_WISE_SIGN ElementWiseSign
ELEMENT_WISE_SOFTPLUS ElementWiseSoftplus beta threshold
ELEMENT_WISE_SQUARED_DIFFERENCE ElementWiseSquaredDifference
ELEMENT_WISE_SQUARE_ROOT ElementWiseSquareRoot
ELEMENT_WISE_SUBTRACT ElementWiseSubtract
ELEMENT_WISE_UNARY ElementWiseUnary operation{ABS,ASIN,ATAN,CEIL,COS,EXP,FLOOR,LOG,NEG,NOT,RECIPROCAL,ROUND,RSQRT,SIGN,SIN,SQRT}
ELEMENT_WISE_XOR ElementWiseXor
ELU Elu alpha
EXPAND_DIMS ExpandDims axis axes
EXTRACT_GLIMPSE ExtractGlimpse size centered normalized noise{UNIFORM,GAUSSIAN,ZEROES}
EXTRACT_PATCHES ExtractPatches size stride rate padding{VALID,SAME}
FULLY_CONNECTED FullyConnected keep_dims
GATHER Gather axis
GATHER_ELEMENTS GatherElements axis
GATHER_ND GatherNd batch_dims
GELU Gelu
GENERATE_PROPOSALS GenerateProposals img_size_ratio min_size pre_nms_limit post_nms_limit iou_threshold bbox_xform_clip
GET_SPARSE_INDICES GetSparseIndices
GET_SPARSE_VALUES GetSparseValues
GRID_SAMPLE GridSample align_corners mode{BILINEAR,NEAREST} padding_mode{ZEROS,BORDER,REFLECTION}
GROUP_NORM GroupNorm epsilon group
GRU Gru direction{FORWARD,REVERSE} linear_before_reset time_major
HADAMARD_TRANSFORM HadamardTransform scale
HARD_SWISH HardSwish
HEAT_MAP_MAX_KEY_POINT HeatMapMaxKeyPoint
IM2_COL Im2Col kernel_size stride pad_amount dilation
IF If then_graph else_graph
IMAGE_PROJECTION_TRANSFORM ImageProjectionTransform interpolation_mode{BILINEAR,NEAREST_NEIGHBOR}
INSTANCE_NORM InstanceNorm epsilon mode{MU_SIGMA,RMS} normalize_variance region{ACROSS_SPATIAL,ACROSS_CHANNEL,ACROSS_ALL}
IS_INF IsInf detect_negative detect_positive
IS_NAN IsNan
L2_NORM L2Norm axis axes epsilon
L2_POOL_2D L2Pool2d filter_size stride pad_amount
LAYER_NORM LayerNorm epsilon axes
LOGIT Logit
LOG_SOFTMAX LogSoftmax axis beta
LRN Lrn alpha beta bias radius region{ACROSS_CHANNEL,WITHIN_CHANNEL}
LSTM Lstm direction{FORWARD,REVERSE} cell_clip_threshold output_clip_threshold time_major input_gate_qscale forget_gate_qscale cell_gate_qscale output_gate_qscale hidden_state_offset hidden_state_qscale
MASKED_SOFTMAX MaskedSoftmax mode{UNCOMPRESSED,COMPRESSED}
MOMENTS Moments axes keep_dims
MULTI_CLASS_NMS MultiClassNms iou_threshold score_threshold soft_nms_sigma
NON_MAX_SUPPRESSION NonMaxSuppression iou_threshold score_threshold max_boxes_selected
NON_ZERO NonZero
NV12_TO_RGB Nv12ToRgb output_order{RGB,BGR}
NV21_TO_RGB Nv21ToRgb output_order{RGB,BGR}
ONE_HOT OneHot depth axis on_value off_value
PACK Pack axis
MAT_MUL MatMul transpose_in0 transpose_in1
PAD Pad scheme{CONSTANT,MIRROR_SYMMETRIC,MIRROR_REFLECT,EDGE} pad_amount pad_constant_value
POOL_AVG_2D PoolAvg2d filter_size stride pad_amount count_pad_for_edges rounding_mode{FLOOR,CEIL}
POOL_AVG_3D PoolAvg3d filter_size stride pad_amount count_pad_for_edges rounding_mode{FLOOR,CEIL}
POOL_MAX_2D PoolMax2d filter_size stride pad_amount rounding_mode{FLOOR,CEIL}
POOL_MAX_3D PoolMax3d filter_size stride pad_amount rounding_mode{FLOOR,CEIL}
PRELU Prelu
QUANTIZE Quantize
RANDOM_UNIFORM_LIKE RandomUniformLike low high
REDUCE_MAX ReduceMax axes keep_dims
REDUCE_MEAN ReduceMean axes keep_dims
REDUCE_MIN ReduceMin axes keep_dims
REDUCE_PROD ReduceProd axes keep_dims
REDUCE_SUM ReduceSum axes keep_dims
REDUCE_SUM_SQUARE ReduceSumSquare axes keep_dims
RELU Relu
RELU1 Relu1
RELU6 Relu6
RELU_MIN_MAX ReluMinMax min_value max_value
RESHAPE Reshape
RESIZE Resize exclude_outside transformation_mode{HALF_PIXEL,PYTORCH_HALF_PIXEL,ALIGN_CORNERS,ASYMMETRIC} interpolation_mode{NEAREST,LINEAR,CUBIC} nearest_mode{ROUND_PREFER_FLOOR,ROUND_PREFER_CEIL,FLOOR,CEIL} cubic_coeff
RESIZE_BILINEAR ResizeBilinear align_corners half_pixel_centers antialias
RESIZE_NEAREST_NEIGHBOR ResizeNearestNeighbor align_corners half_pixel_centers
RMS_NORM RmsNorm epsilon axes
ROI_ALIGN RoiAlign img_size_ratio num_samples_y num_samples_x aligned allow_invalid_roi
ROI_POOLING RoiPooling img_size_ratio
ROTARY_EMBEDDING RotaryEmbedding interleaved rotary_embedding_dim
SCATTER_ELEMENTS ScatterElements axis reduction{NONE,ADD,MUL,MAX}
SCATTER_ND ScatterNd reduction{NONE,ADD,MUL}
SHAPE Shape start end
SIGMOID Sigmoid
SOFTMAX Softmax axis beta
SPACE_TO_BATCH SpaceToBatch block_size pad_amount
SPACE_TO_DEPTH SpaceToDepth block_size mode{DCR,CRD}
SPARSE_TO_DENSE SparseToDense
SPLIT Split axis split_index
SQUEEZE Squeeze axes
STFT Stft frame_step frame_length onesided
STRIDED_SLICE StridedSlice ranges begin_mask end_mask shrink_axes new_axes_mask
TANH Tanh
TILE Tile multiples
TOP_K TopK k largest
TRANSPOSE Transpose perm
TRANSPOSE_CONV_1D TransposeConv1d stride pad_amount group output_padding
TRANSPOSE_CONV_2D TransposeConv2d stride pad_amount group output_padding
TRANSPOSE_CONV_3D TransposeConv3d stride pad_amount dilation group output_padding
UN_PACK UnPack axis
"""


def _parse(table: str):
    """(stem, op type, [(parameter, [enumeration members])]) for each line of the table."""
    for line in table.strip().splitlines():
        stem, op_type, *params = line.split()
        parsed = []
        for param in params:
            name, members = re.fullmatch(r"(\w+)(?:\{([\w,]+)\})?", param).groups()
            parsed.append((name, members.split(",") if members else []))
        yield stem, op_type, parsed


OPS = tuple(_parse(OP_TABLE))
OP_PARAMS = {op_type: tuple(name for name, _ in params) for _, op_type, params in OPS}
"""Every op type of the QNN op set, with its parameter names in order."""


def _macro_names(ops) -> dict:
    """The header's macro names and values: op types, parameter names, enumeration values."""
    names = {}
    for stem, op_type, params in ops:
        names[f"QNN_OP_{stem}"] = op_type
        for name, members in params:
            names[f"QNN_OP_{stem}_PARAM_{name.upper()}"] = name
            names.update({f"QNN_OP_{stem}_{name.upper()}_{member}": value
                          for value, member in enumerate(members)})
    return names


globals().update(_macro_names(OPS))
