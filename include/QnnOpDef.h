/* qnnpy — QnnOpDef.h: the op package name, op type names and parameter names of the ops
 * the emulated HTP implements (package "qti.aisw"). Our own header. */
#ifndef QNN_OP_DEF_H
#define QNN_OP_DEF_H

#define QNN_OP_PACKAGE_NAME_QTI_AISW "qti.aisw"
#define QNN_OPSET_VERSION_MAJOR 2
#define QNN_OPSET_VERSION_MINOR 7
#define QNN_OPSET_VERSION_PATCH 0

#define QNN_OP_MAT_MUL "MatMul"
#define QNN_OP_MAT_MUL_PARAM_TRANSPOSE_IN0 "transpose_in0"
#define QNN_OP_MAT_MUL_PARAM_TRANSPOSE_IN1 "transpose_in1"

#define QNN_OP_FULLY_CONNECTED "FullyConnected"
#define QNN_OP_FULLY_CONNECTED_PARAM_KEEP_DIMS "keep_dims"

#define QNN_OP_CONV_2D "Conv2d"
#define QNN_OP_CONV_2D_PARAM_STRIDE "stride"
#define QNN_OP_CONV_2D_PARAM_PAD_AMOUNT "pad_amount"
#define QNN_OP_CONV_2D_PARAM_GROUP "group"
#define QNN_OP_CONV_2D_PARAM_DILATION "dilation"

#define QNN_OP_ELEMENT_WISE_ADD "ElementWiseAdd"

#define QNN_OP_ELEMENT_WISE_SUBTRACT "ElementWiseSubtract"

#define QNN_OP_ELEMENT_WISE_MULTIPLY "ElementWiseMultiply"

#define QNN_OP_ELEMENT_WISE_DIVIDE "ElementWiseDivide"

#define QNN_OP_RELU "Relu"

#define QNN_OP_GELU "Gelu"

#define QNN_OP_SIGMOID "Sigmoid"

#define QNN_OP_TANH "Tanh"

#define QNN_OP_SOFTMAX "Softmax"
#define QNN_OP_SOFTMAX_PARAM_AXIS "axis"
#define QNN_OP_SOFTMAX_PARAM_BETA "beta"

#define QNN_OP_LAYER_NORM "LayerNorm"
#define QNN_OP_LAYER_NORM_PARAM_EPSILON "epsilon"
#define QNN_OP_LAYER_NORM_PARAM_AXES "axes"

#define QNN_OP_RMS_NORM "RmsNorm"
#define QNN_OP_RMS_NORM_PARAM_EPSILON "epsilon"
#define QNN_OP_RMS_NORM_PARAM_AXES "axes"

#define QNN_OP_RESHAPE "Reshape"

#define QNN_OP_TRANSPOSE "Transpose"
#define QNN_OP_TRANSPOSE_PARAM_PERM "perm"

#define QNN_OP_CONCAT "Concat"
#define QNN_OP_CONCAT_PARAM_AXIS "axis"

#define QNN_OP_SPLIT "Split"
#define QNN_OP_SPLIT_PARAM_AXIS "axis"
#define QNN_OP_SPLIT_PARAM_SPLIT_INDEX "split_index"

#define QNN_OP_GATHER "Gather"
#define QNN_OP_GATHER_PARAM_AXIS "axis"

#define QNN_OP_STRIDED_SLICE "StridedSlice"
#define QNN_OP_STRIDED_SLICE_PARAM_RANGES "ranges"
#define QNN_OP_STRIDED_SLICE_PARAM_BEGIN_MASK "begin_mask"
#define QNN_OP_STRIDED_SLICE_PARAM_END_MASK "end_mask"
#define QNN_OP_STRIDED_SLICE_PARAM_SHRINK_AXES "shrink_axes"
#define QNN_OP_STRIDED_SLICE_PARAM_NEW_AXES_MASK "new_axes_mask"

#define QNN_OP_QUANTIZE "Quantize"

#define QNN_OP_DEQUANTIZE "Dequantize"

#define QNN_OP_CONVERT "Convert"
#define QNN_OP_CONVERT_PARAM_DYNAMIC_INPUT_DATA "dynamic_input_data"
#define QNN_OP_CONVERT_PARAM_DYNAMIC_OUTPUT_DATA "dynamic_output_data"

#define QNN_OP_CAST "Cast"

#endif
