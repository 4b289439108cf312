"""Binary sections: the updatable part of a context, made offline and applied at run time.

A section holds, for each graph it covers, every updatable tensor the graph uses: weights
(UPDATEABLE_STATIC data) and/or quantization encodings, by section type. Because it always
carries the complete updatable set, applying one replaces the previous adapter instead of
stacking on it. A section made for all graphs of a context (a *super adapter*) stores each
distinct weight once, however many graphs share it.

A section names its base by the graph names and a structure hash (tensors, their kinds,
types and shapes, and the nodes with their parameters; not the base weights, so hashing
costs nothing per weight byte). Checking a section against the context happens completely
before anything changes, so a rejected section leaves the current adapter in force.
"""
import math

import msgpack
import numpy as np
import xxhash

from qnnpy.htp import container, dtypes
from qnnpy.htp.context_binary import BUILD_ID, encoding_from_meta, encoding_meta
from qnnpy.htp.errors import ContextError, fail
from qnnpy.htp.ir import Context, Graph, Tensor, check_encoding, kind_name
from qnnpy.htp.updates import UPDATABLE_KINDS, UPDATEABLE_STATIC, Change, commit

UPDATABLE, UPDATABLE_WEIGHTS, UPDATABLE_QUANT_PARAMS = 1, 2, 3
SECTION_NAMES = {UPDATABLE: "UPDATABLE", UPDATABLE_WEIGHTS: "UPDATABLE_WEIGHTS",
                 UPDATABLE_QUANT_PARAMS: "UPDATABLE_QUANT_PARAMS"}


def structure_of(graph: Graph) -> str:
    """The graph's identity for sections; computed once (a finalized graph cannot change shape)."""
    if graph.structure is None:
        tensors = sorted((t.id, t.name, int(t.kind), int(t.dtype), list(t.dims))
                         for t in (graph.lookup(i) for i in graph.used_tensor_ids()))
        nodes = []
        for n in graph.nodes:
            params = []
            for p in n.spec.params:
                if p.tensor is not None:
                    params.append([p.name, xxhash.xxh3_64_hexdigest(np.ascontiguousarray(p.tensor.data))])
                else:
                    value = p.scalar.item() if isinstance(p.scalar, np.generic) else p.scalar
                    params.append([p.name, int(p.scalar_dtype), value])
            nodes.append([n.spec.name, n.spec.op_type, list(n.spec.inputs), list(n.spec.outputs), params])
        graph.structure = xxhash.xxh3_128_hexdigest(msgpack.packb([tensors, nodes]))
    return graph.structure


def updatable_tensors(graph: Graph) -> list[Tensor]:
    """Cached once the graph is finalized: applying a section must not cost per base tensor."""
    if graph.finalized and graph.updatable is not None:
        return graph.updatable
    tensors = (graph.lookup(i) for i in sorted(graph.used_tensor_ids()))
    found = [t for t in tensors if t.kind in UPDATABLE_KINDS]
    if graph.finalized:
        graph.updatable = found
    return found


def carries_data(section: int, t) -> bool:
    return section in (UPDATABLE, UPDATABLE_WEIGHTS) and t.kind == UPDATEABLE_STATIC


def carries_encoding(section: int, t) -> bool:
    return section in (UPDATABLE, UPDATABLE_QUANT_PARAMS) and dtypes.is_fixed(t.dtype)


def carried(section: int, graph: Graph) -> list[Tensor]:
    """The tensors a section of this type holds for a graph: what making and applying agree on."""
    return [t for t in updatable_tensors(graph) if carries_data(section, t) or carries_encoding(section, t)]


def _require_section_type(section) -> int:
    if section not in SECTION_NAMES:
        fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             f"section type {section!r} is not UPDATABLE (1), UPDATABLE_WEIGHTS (2) or "
             "UPDATABLE_QUANT_PARAMS (3)")
    return int(section)


def layout(context: Context, graphs: list[Graph], section) -> container.Layout:
    section = _require_section_type(section)
    blobs: list[np.ndarray] = []
    seen: dict[tuple, int] = {}

    def blob_index(data: np.ndarray) -> int:
        data = np.ascontiguousarray(data)
        key = (data.dtype.str, data.shape, xxhash.xxh3_128_hexdigest(data))
        if key not in seen:  # identical weights of several graphs are stored once
            seen[key] = len(blobs)
            blobs.append(data)
        return seen[key]

    entries, total = [], 0
    for graph in graphs:
        if not graph.finalized:
            fail(ContextError.QNN_CONTEXT_ERROR_NOT_FINALIZED,
                 f"graph '{graph.name}' is not finalized; finalize it (which also applies pending "
                 "tensor updates) before QnnContext_getBinarySection")
        tensors = []
        for t in carried(section, graph):
            entry = {"id": t.id, "name": t.name, "kind": int(t.kind), "dtype": int(t.dtype),
                     "dims": list(t.dims)}
            if carries_data(section, t):
                entry["data"] = blob_index(t.data)
            if carries_encoding(section, t):
                entry["encoding"] = encoding_meta(t.encoding)
            tensors.append(entry)
        total += len(tensors)
        ins, outs = graph.io_tensors()
        io = [{"id": t.id, "name": t.name, "kind": int(t.kind), "dtype": int(t.dtype), "dims": list(t.dims),
               **({"encoding": encoding_meta(t.encoding)} if t.encoding is not None else {})} for t in ins + outs]
        entries.append({"name": graph.name, "structure": structure_of(graph), "tensors": tensors, "io": io})
    if total == 0:
        names = [g.name for g in graphs]
        if any(updatable_tensors(g) for g in graphs):
            fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                 f"a {SECTION_NAMES[section]} section of graphs {names} would be empty: their "
                 "updatable tensors have no " + ("quantization encodings (a float model)"
                                                 if section == UPDATABLE_QUANT_PARAMS else "static data"))
        fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             f"graphs {names} have no updatable tensors, so there is no section to make; mark "
             "the LoRA weights updatable when converting (--lora_weight_list)")
    offsets, _ = container.blob_offsets(blobs)
    for entry in entries:
        for t in entry["tensors"]:
            if "data" in t:
                i = t["data"]
                t["data"] = [offsets[i], int(blobs[i].nbytes)]
    meta = {"section": section, "build_id": BUILD_ID, "graphs": entries}
    return container.Layout(container.KIND_SECTION, meta, blobs)


def _mismatch(message: str):
    fail(ContextError.QNN_CONTEXT_ERROR_BINARY_CONFIGURATION,
         f"the section does not belong to this context: {message}")


def _plan(section: int, graph: Graph) -> dict:
    """{tensor id: (tensor, name, kind, dtype, dims, storage dtype, data?, encoding?)} for the
    tensors a section of this type carries: what each entry is checked against. Cached on a
    finalized graph (its tensors cannot change), so applying costs per adapter tensor only."""
    cache = graph.section_plans if graph.finalized else {}
    if section not in cache:
        cache[section] = {t.id: (t, t.name, t.kind, t.dtype, list(t.dims), dtypes.storage(t.dtype),
                                 carries_data(section, t), carries_encoding(section, t))
                          for t in carried(section, graph)}
    return cache[section]


def _io_plan(graph: Graph) -> list[tuple]:
    """(id, name, kind, dtype, dims, tensor) of the graph's inputs and outputs, in the order a
    binary's description lists them; cached like the section plans."""
    cache = graph.section_plans if graph.finalized else {}
    if "io" not in cache:
        ins, outs = graph.io_tensors()
        cache["io"] = [(t.id, t.name, int(t.kind), int(t.dtype), list(t.dims), t) for t in ins + outs]
    return cache["io"]


def _check_io_list(io, graph: Graph, new_encodings: dict) -> None:
    """The I/O list a section's description shows must be the graph's, with the encodings the
    section sets and the fixed ones elsewhere: what a client refreshes from it is the truth."""
    plan = _io_plan(graph)
    if not isinstance(io, list) or len(io) != len(plan) or not all(isinstance(e, dict) for e in io):
        raise container.ContainerError(f"the I/O list of graph '{graph.name}' is not the graph's")
    for e, (tid, name, kind, dtype, dims, t) in zip(io, plan):
        if (e.get("id"), e.get("name"), e.get("kind"), e.get("dtype"), e.get("dims")) != (tid, name, kind, dtype, dims):
            raise container.ContainerError(f"the I/O list of graph '{graph.name}' does not match its tensor "
                                           f"'{name}' (id {tid})")
        if tid not in new_encodings and t.kind in UPDATABLE_KINDS:
            continue  # re-encoded by sections of another type, not this one's to state
        if encoding_from_meta(e.get("encoding")) != new_encodings.get(tid, t.encoding):
            raise container.ContainerError(f"the I/O list of graph '{graph.name}' gives tensor '{name}' an "
                                           "encoding other than the one it will have")


def _changes_for_graph(entry: dict, graph: Graph, section: int, parsed) -> list[tuple[Change, list | None]]:
    """The graph's checked changes, each with the data reference its bytes came from."""
    entries = entry.get("tensors")
    if not isinstance(entries, list):
        raise container.ContainerError("a graph entry lacks its tensors")
    expected = _plan(section, graph)
    changes, seen = [], set()
    for e in entries:
        if not isinstance(e, dict):
            raise container.ContainerError("a tensor entry is not a map")
        name, tid = e.get("name"), e.get("id")
        if type(tid) is int and tid in seen:
            raise container.ContainerError(f"tensor '{name}' (id {tid}) appears twice in graph '{graph.name}'")
        seen.add(tid if type(tid) is int else None)
        plan = expected.get(tid) if type(tid) is int else None
        if plan is None or plan[1] != name:
            _mismatch(f"tensor '{name}' (id {tid}) of graph '{graph.name}' is not an updatable "
                      "tensor of this base")
        t, _, kind, dtype, dims, storage, with_data, with_encoding = plan
        if e.get("kind") != kind or e.get("dtype") != dtype or e.get("dims") != dims:
            _describe_mismatch(e, t, graph)
        data = encoding = ref = None
        if with_data:
            if "data" not in e:
                raise container.ContainerError(f"tensor '{name}' lacks its data")
            ref = e["data"]
            data = parsed.blob(ref, storage, t.dims)
        if with_encoding:
            encoding = encoding_from_meta(e.get("encoding"))
            if encoding is None:
                raise container.ContainerError(f"tensor '{name}' lacks its encoding")
            check_encoding_or_reject(t, encoding)
        changes.append((Change(t, data, encoding), ref))
    missing = expected.keys() - {c.tensor.id for c, _ in changes}
    if missing:
        _mismatch(f"it lacks tensor '{expected[min(missing)][1]}' of graph '{graph.name}'")
    if "io" in entry:
        _check_io_list(entry["io"], graph, {c.tensor.id: c.encoding for c, _ in changes if c.encoding is not None})
    if entry.get("structure") != structure_of(graph):
        _mismatch(f"graph '{graph.name}' differs in structure from the base the section was made for")
    return changes


def _describe_mismatch(entry: dict, t: Tensor, graph: Graph):
    """The first field that differs, in words; only reached for a foreign section."""
    for field, have, shown in (("kind", int(t.kind), kind_name), ("dtype", int(t.dtype), dtypes.name),
                               ("dims", list(t.dims), lambda v: v)):
        if entry.get(field) != have:
            _mismatch(f"tensor '{t.name}' of graph '{graph.name}' has {field} "
                      f"{shown(entry.get(field))} in the section but {shown(have)} in the base "
                      "(an adapter of another rank, precision or model?)")


def check_encoding_or_reject(t: Tensor, encoding) -> None:
    from qnnpy._api import QnnError
    from qnnpy.backend_api import TensorSpec
    try:
        check_encoding(TensorSpec(t.name, t.kind, t.dtype, t.dims, encoding))
    except QnnError as err:
        raise container.ContainerError(err.message) from None


def covered_graphs(context: Context, section, buffer, size, verify_checksum: bool) -> list[Graph]:
    """The graphs a section names, after checking the container and that they all exist."""
    try:
        parsed = container.parse(buffer, size, container.KIND_SECTION,
                                 verify_checksum=verify_checksum)
        entries = parsed.meta.get("graphs")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise container.ContainerError("the section lists no graphs")
    except container.ContainerError as err:
        fail(ContextError.QNN_CONTEXT_ERROR_BINARY_VERSION if err.version
             else ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, f"binary section rejected: {err}")
    names = [e.get("name") for e in entries]
    unknown = [n for n in names if n not in context.graphs]
    if unknown:
        _mismatch(f"it covers graph(s) {unknown}, which this context does not have (it has {sorted(context.graphs)})")
    return [context.graphs[n] for n in names]


REMEMBERED = 16  # sections a context remembers having checked (an app switching among its adapters)


def _recall(context: Context, key, buffer, identity) -> tuple[list[Change], list[Graph]] | None:
    """The changes of a section whose bytes (same checksum and size) were checked completely
    against these graphs before, with data viewed in this buffer: applying it again skips
    reading and checking its metadata. What was checked is kept with each graph's section
    plans, so a graph rebuilt since (evicted, reloaded, freed) forgets it and is checked afresh."""
    names = context.verified_sections.get(key)
    if names is None:
        return None
    graphs = [context.graphs.get(name) for name in names]
    templates = [None if g is None or not g.finalized else g.section_plans.get(("checked", key)) for g in graphs]
    if any(t is None for t in templates):
        _forget(context, key)
        return None
    _, data_offset, data_size = identity
    region = memoryview(buffer).cast("B")[data_offset:data_offset + data_size]
    return [Change(t, None if offset is None else np.frombuffer(region, storage, count, offset).reshape(t.dims),
                   encoding) for template in templates for t, offset, storage, count, encoding in template], graphs


def _remember(context: Context, key, graphs: list[Graph], checked: list[tuple[Graph, Change, list | None]]) -> None:
    for g in graphs:
        g.section_plans[("checked", key)] = [
            (c.tensor, None if ref is None else ref[0], dtypes.storage(c.tensor.dtype), math.prod(c.tensor.dims),
             c.encoding) for owner, c, ref in checked if owner is g]
    memo = context.verified_sections
    memo[key] = [g.name for g in graphs]
    while len(memo) > REMEMBERED:
        _forget(context, next(iter(memo)))


def _forget(context: Context, key) -> None:
    for name in context.verified_sections.pop(key, []):
        if name in context.graphs:
            context.graphs[name].section_plans.pop(("checked", key), None)


def _check(context: Context, graph: Graph | None, section: int, buffer, size,
           verify_checksum: bool) -> tuple[list[tuple[Graph, Change, list | None]], list[Graph]]:
    """Read and check a section completely: ((graph, change, data reference) per tensor it
    sets, the graphs it covers). Nothing changes here."""
    try:
        # Always check against views of the client's bytes; the data is copied (into memory
        # each tensor owns and reuses) only after everything checked out, when not zero copy.
        parsed = container.parse(buffer, size, container.KIND_SECTION, verify_checksum=verify_checksum)
        meta = parsed.meta
        if meta.get("section") != section:
            fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
                 f"this is a {SECTION_NAMES.get(meta.get('section'), '?')} section, but "
                 f"{SECTION_NAMES[section]} was asked for")
        entries = meta.get("graphs")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise container.ContainerError("the section lists no graphs")
        names = [e.get("name") for e in entries]
        if len(set(map(repr, names))) != len(names):
            raise container.ContainerError(f"the section lists a graph twice: {names}")
        if graph is not None:
            if graph.name not in names:
                _mismatch(f"it covers graphs {names}, not '{graph.name}'")
            targets = [(entries[names.index(graph.name)], graph)]
        else:
            unknown = [n for n in names if n not in context.graphs]
            if unknown:
                _mismatch(f"it covers graph(s) {unknown}, which this context does not have "
                          f"(it has {sorted(context.graphs)})")
            targets = [(e, context.graphs[e["name"]]) for e in entries]
        checked: dict[int, tuple[Graph, Change, list | None]] = {}
        for entry, g in targets:
            for change, ref in _changes_for_graph(entry, g, section, parsed):
                checked[change.tensor.id] = (g, change, ref)  # context tensors shared by graphs: once
    except container.ContainerError as err:
        fail(ContextError.QNN_CONTEXT_ERROR_BINARY_VERSION if err.version
             else ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT, f"binary section rejected: {err}")
    except (KeyError, TypeError, ValueError, IndexError) as err:
        fail(ContextError.QNN_CONTEXT_ERROR_INVALID_ARGUMENT,
             f"binary section rejected: malformed metadata ({type(err).__name__}: {err})")
    return list(checked.values()), [g for _, g in targets]


def apply(context: Context, graph: Graph | None, section, buffer, size, zero_copy: bool,
          verify_checksum: bool = True) -> list[Graph]:
    """Check the section completely, then replace the updatable tensors it carries. A section
    applied before (the same bytes, by checksum and size) to the same graphs is not checked
    again (``_recall``); with ``verify_checksum`` False nothing is remembered."""
    section = _require_section_type(section)
    identity = container.verified_identity(buffer, size) if verify_checksum else None
    key = None if identity is None else (section, identity[0], size, None if graph is None else graph.name)
    recalled = None if key is None else _recall(context, key, buffer, identity)
    if recalled is None:
        checked, graphs = _check(context, graph, section, buffer, size, verify_checksum and identity is None)
        changes = [c for _, c, _ in checked]
        if key is not None and all(g.finalized for g in graphs):
            _remember(context, key, graphs, checked)
    else:
        changes, graphs = recalled
    commit(context, changes, copy_data=not zero_copy)
    for g in graphs:
        g.applied = (buffer, size, section)
    return graphs
