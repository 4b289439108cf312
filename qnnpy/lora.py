"""Client-side LoRA steps that the QNN docs describe, made of public calls only.

After applying an adapter, a client reads the adapter's binary info, copies the new
quantization encodings of the graph's I/O tensors into its own Qnn_Tensor_t descriptions,
and quantizes inputs (dequantizes outputs) with them.
"""
import copy

import numpy as np

from qnnpy import QnnSystemContext
from qnnpy.QnnTypes import QNN_QUANTIZATION_ENCODING_SCALE_OFFSET


def adapter_io_encodings(section: bytes | bytearray | memoryview, graph_name: str) -> dict:
    """{tensor name: Qnn_QuantizeParams_t} for the I/O tensors ``section`` sets in a graph."""
    err, sysctx = QnnSystemContext.QnnSystemContext_create()
    if err:
        raise RuntimeError(f"QnnSystemContext_create failed: {err!r}")
    try:
        err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, section, len(section))
        if err:
            raise ValueError(f"not a readable binary section: {err!r} (see the qnnpy log line)")
        for graph in info.contextBinaryInfoV2.graphs:
            g = graph.graphInfoV2
            if g.graphName == graph_name:
                return {t.v2.name: t.v2.quantizeParams for t in list(g.graphInputs) + list(g.graphOutputs)}
        raise KeyError(f"the section does not cover graph '{graph_name}'")
    finally:
        QnnSystemContext.QnnSystemContext_free(sysctx)


def refresh_io_encodings(tensors, encodings: dict) -> list[str]:
    """Copy new encodings into the client's tensor structs (matched by name); returns the
    names that changed."""
    changed = []
    for t in tensors:
        new = encodings.get(t.v1.name)
        if new is not None and new != t.v1.quantizeParams:
            t.v1.quantizeParams = copy.deepcopy(new)
            changed.append(t.v1.name)
    return changed


def quantize(values: np.ndarray, tensor, dtype=np.uint8) -> np.ndarray:
    """Float values -> codes with a tensor's per-tensor encoding (round half to even)."""
    qp = tensor.v1.quantizeParams
    if qp.quantizationEncoding != QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
        raise ValueError(f"tensor '{tensor.v1.name}' has no per-tensor scale/offset encoding")
    info = np.iinfo(dtype)
    codes = np.rint(values / qp.scaleOffsetEncoding.scale) - qp.scaleOffsetEncoding.offset
    return np.clip(codes, info.min, info.max).astype(dtype)


def dequantize(codes: np.ndarray, tensor) -> np.ndarray:
    qp = tensor.v1.quantizeParams.scaleOffsetEncoding
    return ((codes.astype(np.float64) + qp.offset) * qp.scale).astype(np.float32)
