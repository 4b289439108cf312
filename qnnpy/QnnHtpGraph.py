"""HTP/QnnHtpGraph.h: the HTP's custom graph configs (QnnGraph_Config_t option CUSTOM).

PRECISION is honoured: FLOAT16 makes the graph compute its float32 tensors at half precision,
as the real HTP does (measured: a float conv model through ORT's QNN EP with
enable_htp_fp16_precision=1 moves from 1.5e-7 to 1.6e-3 relative error on the real backend).
The emulator rounds every float32 input, weight and op output to float16 and accumulates
inside each op in float32. The other options tune device preparation (VTCM, HVX threads,
optimization passes, ...) and change no result: accepted and noted once at INFO.
"""
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy._enum import export
from qnnpy.QnnTypes import Qnn_Precision_t


class QnnHtpGraph_OptimizationType_t(IntEnum):
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_SCHEDULE_THRESHOLD = 1
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_FINALIZE_RETRIES = 2
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_FINALIZE_OPTIMIZATION_FLAG = 3
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_ENABLE_DLBC = 4
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_ENABLE_DLBC_WEIGHTS = 5
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_ENABLE_SPARSE_WEIGHTS_COMPRESSION = 6
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_ENABLE_SLC_ALLOCATOR = 7
    QNN_HTP_GRAPH_OPTIMIZATION_TYPE_UNKNOWN = 0x7FFFFFFF


class QnnHtpGraph_ConfigOption_t(IntEnum):
    QNN_HTP_GRAPH_CONFIG_OPTION_OPTIMIZATION = 1
    QNN_HTP_GRAPH_CONFIG_OPTION_PRECISION = 2
    QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_MB = 3
    QNN_HTP_GRAPH_CONFIG_OPTION_FOLD_RELU_ACTIVATION_INTO_CONV_OFF = 4
    QNN_HTP_GRAPH_CONFIG_OPTION_SHORT_DEPTH_CONV_ON_HMX_OFF = 5
    QNN_HTP_GRAPH_CONFIG_OPTION_NUM_HVX_THREADS = 6
    QNN_HTP_GRAPH_CONFIG_OPTION_FINALIZE_CONFIG = 7
    QNN_HTP_GRAPH_CONFIG_OPTION_NUM_CORES = 8
    QNN_HTP_GRAPH_CONFIG_OPTION_PARALLEL_GRAPH_EXECUTION_CONFIG = 9
    QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_BYTES = 10
    QNN_HTP_GRAPH_CONFIG_OPTION_HMX_BOUNDING = 11
    QNN_HTP_GRAPH_CONFIG_OPTION_WEIGHTS_PACKING = 12
    QNN_HTP_GRAPH_CONFIG_OPTION_ASSUME_SAME_QUANT = 13
    QNN_HTP_GRAPH_CONFIG_OPTION_SHARE_IO_BUFFER = 14
    QNN_HTP_GRAPH_CONFIG_OPTION_ADVANCED_ACTIVATION_FUSION = 15
    QNN_HTP_GRAPH_CONFIG_OPTION_HIGH_PRECISION_SIGMOID = 16
    QNN_HTP_GRAPH_CONFIG_OPTION_MONOLITHIC_LSTM = 17
    QNN_HTP_GRAPH_CONFIG_OPTION_RESERVED = 0x7FFF0000
    QNN_HTP_GRAPH_CONFIG_OPTION_UNKNOWN = 0x7FFFFFFF


for _enum in (QnnHtpGraph_OptimizationType_t, QnnHtpGraph_ConfigOption_t):
    export(_enum, globals())
QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE = QnnHtpGraph_ConfigOption_t.QNN_HTP_GRAPH_CONFIG_OPTION_VTCM_SIZE_IN_MB


@dataclass(slots=True)
class QnnHtpGraph_OptimizationOption_t:
    type: int = QnnHtpGraph_OptimizationType_t.QNN_HTP_GRAPH_OPTIMIZATION_TYPE_UNKNOWN
    floatValue: float = 0.0


@dataclass(slots=True)
class QnnHtpGraph_CustomConfig_t:
    """One option and the union member it names; the bridge fills only that member."""
    option: int = QnnHtpGraph_ConfigOption_t.QNN_HTP_GRAPH_CONFIG_OPTION_UNKNOWN
    optimizationOption: QnnHtpGraph_OptimizationOption_t = field(default_factory=QnnHtpGraph_OptimizationOption_t)
    precision: int = Qnn_Precision_t.QNN_PRECISION_UNDEFINED
    vtcmSizeInMB: int = 0
    foldReluActivationIntoConvOff: bool = False
    shortDepthConvOnHmxOff: bool = False
    numHvxThreads: int = 0
    numCores: int = 0
    vtcmSizeInBytes: int = 0
    weightsPacking: bool = False
    assumeSameQuant: bool = False
    shareIOBuffer: bool = False
    advancedActivationFusion: bool = False
    highPrecisionSigmoid: bool = False
    monolithicLstm: bool = False


def QNN_HTP_GRAPH_CUSTOM_CONFIG_INIT() -> QnnHtpGraph_CustomConfig_t:
    return QnnHtpGraph_CustomConfig_t()
