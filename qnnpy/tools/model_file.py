"""The ``.qnnpy`` model file (docs/formats.md) and composing it into a context.

Same container as context binaries (kind 3): msgpack metadata naming tensors and nodes,
64-byte aligned tensor bytes. ``compose`` builds the graphs with QnnTensor_createGraphTensor
and QnnGraph_addNode only — the converter never reaches into the backend.
"""
import os
import tempfile

import numpy as np

from qnnpy import QnnGraph
from qnnpy.builder import GraphBuilder, lpbq_params, quantize_params
from qnnpy.htp import container
from qnnpy.QnnTypes import Qnn_DataType_t, Qnn_TensorType_t as TT
from qnnpy.tools.converter.model import (INPUT, NATIVE, OUTPUT, STATIC, UPDATABLE, Encoding, Graph, Node,
                                         Tensor)

FORMAT = "qnnpy-model-1"
_KINDS = {INPUT: (TT.QNN_TENSOR_TYPE_APP_WRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE),
          OUTPUT: (TT.QNN_TENSOR_TYPE_APP_READ, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READ),
          NATIVE: (TT.QNN_TENSOR_TYPE_NATIVE, TT.QNN_TENSOR_TYPE_UPDATEABLE_NATIVE),
          STATIC: (TT.QNN_TENSOR_TYPE_STATIC, TT.QNN_TENSOR_TYPE_STATIC),
          UPDATABLE: (TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC, TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC)}


def _param_meta(value, blobs):
    if isinstance(value, np.ndarray):
        blobs.append(np.ascontiguousarray(value))
        return {"array": len(blobs) - 1, "dtype": value.dtype.str, "shape": list(value.shape)}
    return {"value": value.item() if isinstance(value, np.generic) else value}


def save(path: str, graphs: list[Graph], info: dict) -> None:
    """Write atomically: a failed conversion never leaves a partial file behind."""
    blobs, meta_graphs = [], []
    for g in graphs:
        tensors = []
        for t in g.tensors.values():
            entry = {"name": t.name, "role": t.role, "dtype": t.dtype, "shape": list(t.shape),
                     "updatable_encoding": t.updatable_encoding, "encoding_of": t.encoding_of, "data": None,
                     "encoding": None}
            if t.data is not None:
                blobs.append(np.ascontiguousarray(t.data))
                entry["data"] = len(blobs) - 1
            if t.encoding is not None:
                entry["encoding"] = vars(t.encoding)
            tensors.append(entry)
        nodes = [{"name": n.name, "type": n.op_type, "inputs": n.inputs, "outputs": n.outputs,
                  "params": {k: _param_meta(v, blobs) for k, v in n.params.items()}} for n in g.nodes]
        meta_graphs.append({"name": g.name, "tensors": tensors, "nodes": nodes, "inputs": g.inputs,
                            "outputs": g.outputs, "lora_weights": g.lora_weights})
    offsets, _ = container.blob_offsets(blobs)
    refs = [[o, int(b.nbytes)] for o, b in zip(offsets, blobs)]
    for g in meta_graphs:
        for t in g["tensors"]:
            if t["data"] is not None:
                t["data"] = refs[t["data"]]
        for n in g["nodes"]:
            for p in n["params"].values():
                if "array" in p:
                    p["array"] = refs[p["array"]]
    layout = container.Layout(container.KIND_MODEL, {"format": FORMAT, "info": info, "graphs": meta_graphs}, blobs)
    buf = bytearray(layout.total)
    layout.write(memoryview(buf))
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)  # as QAIRT's tools, which create the output path's folders
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".qnnpy-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class ModelFileError(ValueError):
    """A model file that cannot be read; the message says why and what to do."""


def load(path: str) -> tuple[list[Graph], dict]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise ModelFileError(f"cannot read model {path}: {err.strerror or err}") from None
    if not data.startswith(container.MAGIC):
        raise ModelFileError(f"{path} is not a qnnpy model file (a QAIRT DLC?): qnnpy's tools read the model files "
                             "qnnpy's converter writes; convert the ONNX source with `qnnpy converter` "
                             "(or qnnpy's `qairt-converter`)")
    try:
        parsed = container.parse(data, len(data), container.KIND_MODEL)
    except container.ContainerError as err:
        raise ModelFileError(f"{path}: {err}") from None
    if parsed.meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a {FORMAT} model file")
    graphs = []
    for g in parsed.meta["graphs"]:
        graph = Graph(g["name"], inputs=g["inputs"], outputs=g["outputs"], lora_weights=g["lora_weights"])
        for t in g["tensors"]:
            data_array = None
            if t["data"] is not None:
                dtype = _storage(t["dtype"])
                data_array = parsed.blob(t["data"], dtype, tuple(t["shape"]))
            enc = Encoding(**t["encoding"]) if t["encoding"] else None
            graph.tensors[t["name"]] = Tensor(t["name"], t["role"], t["dtype"], tuple(t["shape"]), data_array, enc,
                                              t["updatable_encoding"], t.get("encoding_of"))
        for n in g["nodes"]:
            params = {}
            for k, p in n["params"].items():
                params[k] = parsed.blob(p["array"], np.dtype(p["dtype"]), tuple(p["shape"])) if "array" in p else p["value"]
            graph.nodes.append(Node(n["name"], n["type"], n["inputs"], n["outputs"], params))
        graphs.append(graph)
    return graphs, parsed.meta.get("info", {})


def _storage(dtype_name: str) -> np.dtype:
    from qnnpy.htp import dtypes
    return dtypes.storage(Qnn_DataType_t["QNN_DATATYPE_" + dtype_name])


def qnn_dtype(name: str) -> int:
    return Qnn_DataType_t["QNN_DATATYPE_" + name]


def _quant(enc: Encoding | None):
    if enc is None:
        return None
    if enc.blocks is not None:
        return lpbq_params(enc.scale, enc.blocks, enc.axis, enc.block_bitwidth)
    if enc.axis is not None:
        return quantize_params(enc.scale, enc.offset, axis=enc.axis)
    qp = quantize_params(enc.scale, enc.offset)
    if enc.bitwidth:
        from qnnpy.QnnTypes import QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET
        qp.quantizationEncoding = QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET
        qp.bwScaleOffsetEncoding.bitwidth, qp.bwScaleOffsetEncoding.scale = enc.bitwidth, enc.scale
        qp.bwScaleOffsetEncoding.offset = enc.offset
    return qp


def compose(graph_handle: int, graph: Graph) -> dict:
    """Build ``graph`` on a QNN graph handle; returns {tensor name: registered Qnn_Tensor_t}."""
    b = GraphBuilder(graph_handle)
    registered = {}
    for t in graph.tensors.values():
        kind = _KINDS[t.role][1 if t.updatable_encoding else 0]
        registered[t.name] = b.tensor(t.name, kind, qnn_dtype(t.dtype), t.shape, t.data, _quant(t.encoding))
    for n in graph.nodes:
        b.node(n.op_type, [registered[i] if i else None for i in n.inputs], [registered[o] for o in n.outputs],
               name=n.name, **n.params)
    err = QnnGraph.QnnGraph_finalize(graph_handle, None, None)
    if err:
        from qnnpy.builder import BuilderError
        raise BuilderError(f"QnnGraph_finalize('{graph.name}')", err)
    return registered
