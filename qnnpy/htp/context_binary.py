"""Context <-> context binary. The container is in container.py; this is the metadata.

Only what the graphs use is stored (unconsumed tensors are omitted, as QNN does). Loading
rebuilds every tensor and node through ``Context.add_tensor`` / ``Graph.add_node``, so a
binary that passes the checksum still meets every check a composing client would.
"""
import numpy as np
import xxhash

from qnnpy._api import QnnError
from qnnpy.backend_api import Encoding, NodeSpec, ParamSpec, TensorSpec
from qnnpy.htp import container, dtypes
from qnnpy.htp.ir import Context, Graph, Tensor

BUILD_ID = "v2.43.0.qnnpy"


def encoding_meta(enc: Encoding | None):
    if enc is None:
        return None
    meta = {"scales": enc.scales.tolist(), "offsets": enc.offsets.tolist(), "axis": enc.axis,
            "bitwidth": enc.bitwidth}
    if enc.blocks is not None:  # LPBQ
        meta.update(blocks=enc.blocks.reshape(-1).tolist(), blocks_per_axis=int(enc.blocks.shape[1]),
                    block_bitwidth=enc.block_bitwidth)
    return meta


def encoding_from_meta(meta) -> Encoding | None:
    if meta is None:
        return None
    _require(isinstance(meta, dict), "an encoding is not a map")
    axis, bitwidth = meta.get("axis"), meta.get("bitwidth")
    _require(axis is None or is_int(axis, (0, 15)), "encoding axis is not a dimension index")
    _require(bitwidth is None or is_int(bitwidth, (1, 32)), "encoding bitwidth is not in 1..32")
    scales, offsets = meta.get("scales"), meta.get("offsets")
    _require(isinstance(scales, list) and all(type(s) in (int, float) for s in scales),
             "encoding scales are not numbers")
    _require(_ints(offsets, INT32), "encoding offsets are not int32 values")
    scales, offsets = np.asarray(scales, dtype=np.float32).reshape(-1), np.asarray(offsets, dtype=np.int32).reshape(-1)
    if "blocks" not in meta:
        return Encoding(scales, offsets, axis, bitwidth)
    blocks, per_axis, block_bitwidth = meta.get("blocks"), meta.get("blocks_per_axis"), meta.get("block_bitwidth")
    _require(_ints(blocks, (0, 0xFFFF)), "LPBQ block scales are not uint16 values")
    _require(is_int(per_axis, (1, 1 << 31)) and len(blocks) == scales.size * per_axis,
             "LPBQ block scales do not fill channels x blocks per axis")
    _require(is_int(block_bitwidth, (1, 16)), "LPBQ block bitwidth is not in 1..16")
    return Encoding(scales, offsets, axis, bitwidth, np.asarray(blocks, np.uint16).reshape(scales.size, per_axis),
                    block_bitwidth)


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


UINT32 = (0, (1 << 32) - 1)
INT32 = (-(1 << 31), (1 << 31) - 1)


def is_int(value, bounds=UINT32) -> bool:
    """A metadata integer: an int (not a bool, not a float) inside ``bounds`` — the C field's
    type, so that nothing wraps or overflows when it reaches the API's structs."""
    return type(value) is int and bounds[0] <= value <= bounds[1]


def _ints(values, bounds=UINT32) -> bool:
    return isinstance(values, list) and all(is_int(v, bounds) for v in values)


def check_tensor_meta(meta, data_size: int) -> tuple:
    """(name, kind, dtype, dims) of a tensor entry, every field checked — data reference
    bounds included — before anything is built, hashed or allocated from it."""
    _require(isinstance(meta, dict), "a tensor entry is not a map")
    name, kind, dtype, dims = meta.get("name"), meta.get("kind"), meta.get("dtype"), meta.get("dims")
    _require(isinstance(name, str), "a tensor has no name")
    _require(is_int(kind) and is_int(dtype), f"tensor '{name}': kind and dtype must be uint32 values")
    _require(_ints(dims, (1, UINT32[1])) and len(dims) <= 16, f"tensor '{name}': bad dimensions")
    _require(meta.get("id") is None or is_int(meta["id"]), f"tensor '{name}': id is not a uint32")
    _require(dtypes.supported(dtype), f"tensor '{name}': unsupported data type {dtype}")
    ref = meta.get("data")
    if ref is not None:
        _require(_ints(ref, (0, data_size)) and len(ref) == 2 and ref[0] + ref[1] <= data_size,
                 f"tensor '{name}': data reference {ref!r} is outside the {data_size}-byte data region")
    return name, kind, dtype, tuple(dims)


def check_registered_tensor_meta(meta, data_size: int) -> None:
    """A graph or context tensor entry: a tensor entry that also carries its id (only a
    parameter's inline tensor has none), since nodes and clients find it by that id."""
    name, *_ = check_tensor_meta(meta, data_size)
    _require(is_int(meta.get("id")), f"tensor '{name}' has no id")


def spec_from_meta(meta, parsed: container.Parsed) -> TensorSpec:
    name, kind, dtype, dims = check_tensor_meta(meta, len(parsed.data))
    data = None
    if meta.get("data") is not None:
        data = parsed.blob(meta["data"], dtypes.storage(dtype), dims)
    return TensorSpec(name, kind, dtype, dims, encoding_from_meta(meta.get("encoding")), data)


def check_graph_meta(g, data_size: int) -> None:
    """A graph entry, checked whole when the binary loads, also for graphs built later
    (graph switching, deferred init): a build or a residency digest reads only checked data."""
    _require(isinstance(g, dict) and isinstance(g.get("name"), str), "a graph entry is malformed")
    _require(isinstance(g.get("tensors"), list) and isinstance(g.get("nodes"), list),
             f"graph '{g['name']}' lacks tensors or nodes")
    _require(g.get("precision", "float32") in ("float32", "float16"), f"graph '{g['name']}': unknown precision")
    for t in g["tensors"]:
        check_registered_tensor_meta(t, data_size)
        encoding_from_meta(t.get("encoding"))
    for n in g["nodes"]:
        _require(isinstance(n, dict) and isinstance(n.get("params"), list) and _ints(n.get("inputs"))
                 and _ints(n.get("outputs")) and all(isinstance(n.get(k), str) for k in ("name", "package", "type")),
                 f"graph '{g['name']}': a node entry is malformed (name, package and type are strings; inputs "
                 "and outputs tensor ids)")
        for p in n["params"]:
            _require(isinstance(p, dict), f"node '{n['name']}': a parameter is not a map")
            if "tensor" in p:
                check_tensor_meta(p["tensor"], data_size)


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
        _require(is_int(meta["tensor_id"]), f"parameter '{meta['name']}' names a tensor id that is not a uint32")
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
        entry = {"name": graph.name, "tensors": tensors, "nodes": nodes}
        if graph.float16:
            entry["precision"] = "float16"  # HTP precision config: float32 computed at half precision
        graphs.append(entry)
    context_tensors = [tensor_meta(context.tensors[i], i, blobs) for i in sorted(used_context_ids)]
    distinct, index = shared_blobs(blobs)
    offsets, _ = container.blob_offsets(distinct)
    refs = [[offsets[k], int(blob.nbytes)] for k, blob in zip(index, blobs)]
    every_tensor = context_tensors + [t for g in graphs for t in g["tensors"]] + [
        p["tensor"] for g in graphs for n in g["nodes"] for p in n["params"] if "tensor" in p]
    for t in every_tensor:
        if t["data"] is not None:
            t["data"] = refs[t["data"]]
    meta = {"build_id": BUILD_ID, "context_tensors": context_tensors, "graphs": graphs}
    return container.Layout(container.KIND_CONTEXT, meta, distinct)


def shared_blobs(blobs: list[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """Identical tensor bytes stored once — the weights graphs of one model share (AR-N and
    AR-1 graphs, sequence-length variants): (the distinct blobs, each blob's index among them).
    Sharing a region is safe because nothing writes into a loaded binary's data: updates are
    copied into buffers the tensors own (updates.commit)."""
    distinct, index, seen = [], [], {}
    for blob in blobs:
        raw = np.ascontiguousarray(blob).reshape(-1).view(np.uint8)
        candidates = seen.setdefault((raw.nbytes, xxhash.xxh3_64_intdigest(raw)), [])
        match = next((k for k in candidates if np.array_equal(distinct[k].reshape(-1).view(np.uint8), raw)), None)
        if match is None:
            match = len(distinct)
            candidates.append(match)
            distinct.append(np.ascontiguousarray(blob))
        index.append(match)
    return distinct, index


def check_entries(parsed: container.Parsed) -> tuple[list, list]:
    """(context tensor entries, graph entries), each entry checked: what describing a
    binary needs (QnnSystemContext reads nothing else)."""
    ctx_tensors, graphs = parsed.meta.get("context_tensors"), parsed.meta.get("graphs")
    _require(isinstance(ctx_tensors, list) and isinstance(graphs, list), "metadata lacks context_tensors or graphs")
    _require(isinstance(parsed.meta.get("build_id"), str), "the build id is not a string")
    for t in ctx_tensors:
        check_registered_tensor_meta(t, len(parsed.data))
    for g in graphs:
        check_graph_meta(g, len(parsed.data))
    return ctx_tensors, graphs


def check_context_meta(parsed: container.Parsed) -> None:
    """A context binary's whole metadata, checked before any of it is used (by loading, a
    graph build later on, or a residency digest): its entries, at least one graph, and
    graph names that are unique."""
    _, graphs = check_entries(parsed)
    _require(bool(graphs), "metadata lacks context_tensors or graphs")
    names = set()
    for g in graphs:
        _require(g["name"] not in names, f"graph '{g['name']}' appears twice")
        names.add(g["name"])


def load(backend, parsed: container.Parsed, graphs_to_build=None) -> Context:
    """A context from a parsed binary whose metadata check_context_meta accepted.
    ``graphs_to_build`` (names, default all) are built now; the other graphs get an empty
    shell that ``build_graph`` fills later (graph switching, deferred init)."""
    meta = parsed.meta
    context = Context(backend, from_binary=True)
    try:
        for t in meta["context_tensors"]:
            context.add_tensor(spec_from_meta(t, parsed), None, tid=t.get("id"))
        for g in meta["graphs"]:
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
    """Fill a graph shell from its metadata entry, through the validating IR calls. All or
    nothing: a build that fails leaves the empty shell, so a later retrieve reports the same
    first error again rather than a clash with half-built tensors."""
    context, g = graph.context, graph.entry
    graph.finalized = False
    try:
        for t in g["tensors"]:
            context.add_tensor(spec_from_meta(t, parsed), graph, tid=t.get("id"))
        for n in g["nodes"]:  # checked by check_graph_meta when the binary was loaded
            graph.add_node(NodeSpec(n["name"], n["package"], n["type"], [_param_from_meta(p, parsed) for p in n["params"]],
                                    list(n["inputs"]), list(n["outputs"])))
        graph.float16 = g.get("precision") == "float16"
        graph.finalize()
    except BaseException:
        graph.drop_built()
        graph.finalized = True
        raise
    graph.loaded = True


def graph_data_ranges(graph_entry: dict) -> list[tuple[int, int]]:
    """(offset, nbytes) of every blob a graph's own tensors use, in the data region (bounds
    checked by check_graph_meta)."""
    ranges = [tuple(t["data"]) for t in graph_entry["tensors"] if t.get("data") is not None]
    for n in graph_entry["nodes"]:
        ranges += [tuple(p["tensor"]["data"]) for p in n["params"]
                   if "tensor" in p and p["tensor"].get("data") is not None]
    return ranges
