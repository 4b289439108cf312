"""The LoRA v2 steps the QNN docs describe, made of public calls only.

Offline, a section is made by writing an adapter's values into the updatable tensors,
finalizing, and serializing the section (``make_section``). On target, after applying an
adapter, a client reads the adapter's binary info, copies the new quantization encodings of
the graph's I/O tensors into its own Qnn_Tensor_t descriptions, and quantizes inputs
(dequantizes outputs) with them.
"""
import copy

import numpy as np

from qnnpy import QnnContext, QnnGraph, QnnSystemContext, QnnTensor, fixed_point
from qnnpy.builder import BuilderError, make_tensor
from qnnpy.QnnContext import (QNN_CONTEXT_SECTION_UPDATABLE, QNN_CONTEXTMEMTYPE_RAW, Qnn_BinaryBuffer_t,
                              QnnContext_Buffer_t, QnnContext_BufferV1_t)
from qnnpy.QnnTypes import QNN_QUANTIZATION_ENCODING_SCALE_OFFSET


def section_buffer(data) -> QnnContext_Buffer_t:
    """A raw QnnContext_Buffer_t over any buffer object (bytes, bytearray, mmap)."""
    return QnnContext_Buffer_t(1, QnnContext_BufferV1_t(QNN_CONTEXTMEMTYPE_RAW, Qnn_BinaryBuffer_t(data, len(data))))


def update_structs(registered: dict, values: dict, quant: dict | None = None) -> list:
    """Tensor structs carrying new values (and optionally quantize params) for registered
    updatable tensors: {name: registered Qnn_Tensor_t}, {name: array}, {name: params}."""
    structs = []
    for name in set(values) | set(quant or {}):
        ref = registered[name].v1
        t = make_tensor(ref.name, ref.type, ref.dataType, ref.dimensions, values.get(name), (quant or {}).get(name))
        t.v1.id = ref.id
        structs.append(t)
    return structs


def binary_section(context, graph, section=QNN_CONTEXT_SECTION_UPDATABLE) -> bytes:
    """getBinarySectionSize + getBinarySection; ``graph`` None makes a super adapter."""
    err, size = QnnContext.QnnContext_getBinarySectionSize(context, graph, section)
    if err:
        raise BuilderError("QnnContext_getBinarySectionSize", err)
    buf = bytearray(size)
    err, written = QnnContext.QnnContext_getBinarySection(context, graph, section, section_buffer(buf), None, None)
    if err:
        raise BuilderError("QnnContext_getBinarySection", err)
    return bytes(buf[:written])


def make_section(context, graph, structs: list, section=QNN_CONTEXT_SECTION_UPDATABLE) -> bytes:
    """The offline flow for one graph: update its tensors -> finalize -> getBinarySection."""
    err = QnnTensor.QnnTensor_updateGraphTensors(graph, structs, len(structs))
    if err:
        raise BuilderError("QnnTensor_updateGraphTensors", err)
    err = QnnGraph.QnnGraph_finalize(graph, None, None)
    if err:
        raise BuilderError("QnnGraph_finalize", err)
    return binary_section(context, graph, section)


def binary_info(data: bytes | bytearray | memoryview, extract=copy.deepcopy):
    """QnnSystemContext_getBinaryInfo's BinaryInfo for a context binary or a binary section,
    passed through ``extract`` while the system context still owns it (by default a deep
    copy, which outlives it); ValueError when unreadable."""
    err, sysctx = QnnSystemContext.QnnSystemContext_create()
    if err:
        raise RuntimeError(f"QnnSystemContext_create failed: {err!r}")
    try:
        err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(sysctx, data, len(data))
        if err:
            raise ValueError(f"not a readable context binary or binary section: {err!r} (see the qnnpy log line)")
        return extract(info)
    finally:
        QnnSystemContext.QnnSystemContext_free(sysctx)


def section_io_encodings(section: bytes | bytearray | memoryview) -> dict:
    """{graph name: {tensor name: Qnn_QuantizeParams_t}} for every graph a section covers:
    what an adapter switch reads. Not copied: each getBinaryInfo call describes the section
    anew and freeing the system context leaves that description alone (and
    refresh_io_encodings copies what it takes)."""
    return binary_info(section, lambda info: {
        g.graphInfoV3.graphName: {t.v2.name: t.v2.quantizeParams
                                  for t in list(g.graphInfoV3.graphInputs) + list(g.graphInfoV3.graphOutputs)}
        for g in info.contextBinaryInfoV3.graphs})


def io_encodings(info, graph_name: str) -> dict:
    """{tensor name: Qnn_QuantizeParams_t} for the I/O tensors a section's binary info sets in
    a graph."""
    for graph in info.contextBinaryInfoV3.graphs:
        g = graph.graphInfoV3
        if g.graphName == graph_name:
            return {t.v2.name: t.v2.quantizeParams for t in list(g.graphInputs) + list(g.graphOutputs)}
    raise KeyError(f"the section does not cover graph '{graph_name}'")


def adapter_io_encodings(section: bytes | bytearray | memoryview, graph_name: str) -> dict:
    """io_encodings of a section read from its bytes."""
    return io_encodings(binary_info(section), graph_name)


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
    return fixed_point.quantize(values, qp.scaleOffsetEncoding.scale, qp.scaleOffsetEncoding.offset, info.min,
                                info.max, dtype)


def dequantize(codes: np.ndarray, tensor) -> np.ndarray:
    qp = tensor.v1.quantizeParams.scaleOffsetEncoding
    return fixed_point.dequantize(codes, qp.scale, qp.offset)
