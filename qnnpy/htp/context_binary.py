"""Context <-> context binary. The container is in container.py; this is the metadata.

Only what the graphs use is stored (unconsumed tensors are omitted, as QNN does). Loading
rebuilds every tensor and node through ``Context.add_tensor`` / ``Graph.add_node``, so a
binary that passes the checksum still meets every check a composing client would.
"""
import numpy as np

from qnnpy._api import QnnError
from qnnpy.backend_api import Encoding, NodeSpec, ParamSpec, TensorSpec
from qnnpy.htp import container, dtypes
from qnnpy.htp.ir import Context, Graph, Tensor

BUILD_ID = "v2.43.0.qnnpy"


def encoding_meta(enc: Encoding | None):
    if enc is None:
        return None
    return {"scales": enc.scales.tolist(), "offsets": enc.offsets.tolist(), "axis": enc.axis,
            "bitwidth": enc.bitwidth}


def encoding_from_meta(meta) -> Encoding | None:
    if meta is None:
        return None
    _require(isinstance(meta, dict), "an encoding is not a map")
    axis, bitwidth = meta.get("axis"), meta.get("bitwidth")
    _require(axis is None or isinstance(axis, int), "encoding axis is not an integer")
    _require(bitwidth is None or isinstance(bitwidth, int), "encoding bitwidth is not an integer")
    scales, offsets = meta.get("scales"), meta.get("offsets")
    _require(isinstance(scales, list) and isinstance(offsets, list), "encoding lacks scales/offsets")
    try:
        return Encoding(np.asarray(scales, dtype=np.float32).reshape(-1),
                        np.asarray(offsets, dtype=np.int64).astype(np.int32).reshape(-1), axis, bitwidth)
    except (TypeError, ValueError, OverflowError):
        raise container.ContainerError("encoding values are not numbers") from None


def tensor_meta(spec: TensorSpec | Tensor, tid: int | None, blobs: list) -> dict:
    data_ref = None
    if spec.data is not None:
        blobs.append(spec.data)
        data_ref = len(blobs) - 1
    return {"id": tid, "name": spec.name, "kind": int(spec.kind), "dtype": int(spec.dtype),
            "dims": list(spec.dims), "encoding": encoding_meta(spec.encoding), "data": data_ref}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise container.ContainerError(message)


def spec_from_meta(meta, parsed: container.Parsed) -> TensorSpec:
    _require(isinstance(meta, dict), "a tensor entry is not a map")
    name, kind, dtype, dims = meta.get("name"), meta.get("kind"), meta.get("dtype"), meta.get("dims")
    _require(isinstance(name, str), "a tensor has no name")
    _require(isinstance(kind, int) and isinstance(dtype, int), f"tensor '{name}': bad kind or dtype")
    _require(isinstance(dims, list) and all(isinstance(d, int) and d > 0 for d in dims)
             and len(dims) <= 16, f"tensor '{name}': bad dimensions")
    _require(dtypes.supported(dtype), f"tensor '{name}': unsupported data type {dtype}")
    data = None
    if meta.get("data") is not None:
        data = parsed.blob(meta["data"], dtypes.storage(dtype), tuple(dims))
    return TensorSpec(name, kind, dtype, tuple(dims), encoding_from_meta(meta.get("encoding")), data)


def _param_meta(param: ParamSpec, blobs: list) -> dict:
    if param.tensor is not None:
        return {"name": param.name, "tensor": tensor_meta(param.tensor, None, blobs)}
    if param.tensor_id is not None:
        return {"name": param.name, "tensor_id": param.tensor_id}
    scalar = param.scalar.item() if isinstance(param.scalar, np.generic) else param.scalar
    return {"name": param.name, "dtype": int(param.scalar_dtype), "scalar": scalar}


def _param_from_meta(meta, parsed) -> ParamSpec:
    _require(isinstance(meta, dict) and isinstance(meta.get("name"), str), "a parameter is malformed")
    if "tensor" in meta:
        return ParamSpec(meta["name"], tensor=spec_from_meta(meta["tensor"], parsed))
    if "tensor_id" in meta:
        return ParamSpec(meta["name"], tensor_id=meta["tensor_id"])
    _require(isinstance(meta.get("dtype"), int) and isinstance(meta.get("scalar"), (int, float, bool)),
             f"parameter '{meta['name']}' is malformed")
    return ParamSpec(meta["name"], scalar_dtype=meta["dtype"], scalar=meta["scalar"])


def layout(context: Context) -> container.Layout:
    blobs: list[np.ndarray] = []
    used_context_ids = set()
    graphs = []
    for graph in context.graphs.values():
        used = graph.used_tensor_ids()
        used_context_ids |= {i for i in used if i in context.tensors}
        nodes = [{"name": n.spec.name, "package": n.spec.package, "type": n.spec.op_type,
                  "params": [_param_meta(p, blobs) for p in n.spec.params],
                  "inputs": list(n.spec.inputs), "outputs": list(n.spec.outputs)}
                 for n in graph.nodes]
        tensors = [tensor_meta(graph.tensors[i], i, blobs) for i in sorted(used) if i in graph.tensors]
        graphs.append({"name": graph.name, "tensors": tensors, "nodes": nodes})
    context_tensors = [tensor_meta(context.tensors[i], i, blobs) for i in sorted(used_context_ids)]
    offsets, _ = container.blob_offsets(blobs)
    refs = [[offset, int(blob.nbytes)] for offset, blob in zip(offsets, blobs)]
    every_tensor = context_tensors + [t for g in graphs for t in g["tensors"]] + [
        p["tensor"] for g in graphs for n in g["nodes"] for p in n["params"] if "tensor" in p]
    for t in every_tensor:
        if t["data"] is not None:
            t["data"] = refs[t["data"]]
    meta = {"build_id": BUILD_ID, "context_tensors": context_tensors, "graphs": graphs}
    return container.Layout(container.KIND_CONTEXT, meta, blobs)


def load(backend, parsed: container.Parsed, graphs_to_build=None) -> Context:
    """A context from a parsed binary. ``graphs_to_build`` (names, default all) are built now;
    the other graphs get an empty shell that ``build_graph`` fills later (graph switching,
    deferred init)."""
    meta = parsed.meta
    context = Context(backend, from_binary=True)
    ctx_tensors, graphs = meta.get("context_tensors"), meta.get("graphs")
    _require(isinstance(ctx_tensors, list) and isinstance(graphs, list) and graphs,
             "metadata lacks context_tensors or graphs")
    try:
        for t in ctx_tensors:
            _require(isinstance(t, dict), "a tensor entry is not a map")
            context.add_tensor(spec_from_meta(t, parsed), None, tid=t.get("id"))
        for g in graphs:
            _require(isinstance(g, dict) and isinstance(g.get("name"), str), "a graph entry is malformed")
            _require(g["name"] not in context.graphs, f"graph '{g['name']}' appears twice")
            _require(isinstance(g.get("tensors"), list) and isinstance(g.get("nodes"), list),
                     f"graph '{g['name']}' lacks tensors or nodes")
            graph = Graph(context, g["name"])
            graph.entry = g
            graph.finalized, graph.loaded = True, False
            context.graphs[graph.name] = graph
            if graphs_to_build is None or graph.name in graphs_to_build:
                build_graph(graph, parsed)
    except QnnError as err:
        raise container.ContainerError(err.message) from None
    return context


def build_graph(graph: Graph, parsed: container.Parsed) -> None:
    """Fill a graph shell from its metadata entry, through the validating IR calls."""
    context, g = graph.context, graph.entry
    graph.finalized = False
    for t in g["tensors"]:
        _require(isinstance(t, dict), "a tensor entry is not a map")
        context.add_tensor(spec_from_meta(t, parsed), graph, tid=t.get("id"))
    for n in g["nodes"]:
        _require(isinstance(n, dict) and isinstance(n.get("params"), list)
                 and isinstance(n.get("inputs"), list) and isinstance(n.get("outputs"), list),
                 "a node entry is malformed")
        graph.add_node(NodeSpec(n.get("name"), n.get("package"), n.get("type"),
                                [_param_from_meta(p, parsed) for p in n["params"]],
                                list(n["inputs"]), list(n["outputs"])))
    graph.finalize()
    graph.loaded = True


def graph_data_ranges(graph_entry: dict) -> list[tuple[int, int]]:
    """(offset, nbytes) of every blob a graph's own tensors use, in the data region."""
    ranges = [tuple(t["data"]) for t in graph_entry["tensors"] if t.get("data") is not None]
    for n in graph_entry["nodes"]:
        ranges += [tuple(p["tensor"]["data"]) for p in n["params"]
                   if "tensor" in p and p["tensor"].get("data") is not None]
    return ranges
