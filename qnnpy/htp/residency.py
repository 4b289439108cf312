"""Graph residency: which graphs of a context loaded from a binary are in memory.

With graph switching (MEMORY_LIMIT_HINT non-zero and PERSISTENT_BINARY) only the first graph
is loaded at creation; the others load when first used, evicting the least recently used
graphs so that resident bytes stay under the hint (a single graph larger than the hint is
loaded anyway, with a warning). Deferred init (DEFER_GRAPH_INIT) loads each graph when it is
retrieved, without a limit.

A reload rebuilds the graph from the client's persistent context binary, after checking that
the graph's bytes still hash as they did at creation, and re-applies the last section that
was applied to it, from the client's persistent section buffer (its checksum is checked
again): a buffer the client changed is reported, never run.
"""
import time
from collections import OrderedDict

import xxhash

from qnnpy import _log
from qnnpy.htp import binary_section, container, context_binary
from qnnpy.htp.errors import GraphError, fail
from qnnpy.htp.ir import Context, Graph


class Residency:
    def __init__(self, context: Context, parsed: container.Parsed, limit_bytes: int | None):
        self.context, self.parsed, self.limit = context, parsed, limit_bytes
        self.loaded: OrderedDict[str, Graph] = OrderedDict()  # least recently used first
        self.loads = self.evictions = self.reapplies = 0
        self.events: list[tuple[str, str, float]] = []  # (kind, graph, seconds) for profiling
        # Hash each graph's bytes in chunks, handing pages back as we go: creating the
        # context must not pull the whole binary into memory (loaded graphs fault theirs
        # back in, from the page cache, on first execute).
        self.digests = {graph.name: self._digest(graph, release=True) for graph in context.graphs.values()}
        for graph in context.graphs.values():
            if graph.loaded:
                self.loaded[graph.name] = graph

    # -- bookkeeping --------------------------------------------------------------------
    def _digest(self, graph: Graph, release: bool = False) -> int:
        h = xxhash.xxh3_64()
        for offset, nbytes in context_binary.graph_data_ranges(graph.entry):
            for start in range(offset, offset + nbytes, container.RELEASE_CHUNK):
                end = min(start + container.RELEASE_CHUNK, offset + nbytes)
                h.update(self.parsed.data[start:end])
                if release:
                    container.release(self.parsed.source, self.parsed.data_offset + start, end - start)
        return h.intdigest()

    @staticmethod
    def resident_bytes(graph: Graph) -> int:
        return sum(t.nbytes for t in graph.tensors.values())

    def total_bytes(self) -> int:
        return sum(self.resident_bytes(g) for g in self.loaded.values())

    def estimated_bytes(self, graph: Graph) -> int:
        """Bytes a graph will hold once loaded, from its metadata alone."""
        from qnnpy.htp import dtypes
        total = 0
        for t in graph.entry["tensors"]:
            n = dtypes.storage(t["dtype"]).itemsize
            for d in t["dims"]:
                n *= d
            total += n
        return total

    # -- loading and eviction -----------------------------------------------------------
    def touch(self, graph: Graph) -> None:
        """Make ``graph`` resident (loading and evicting as needed) and most recently used."""
        if graph.loaded:
            self.loaded.move_to_end(graph.name)
            return
        need = self.estimated_bytes(graph)
        if self.limit is not None:
            while self.loaded and self.total_bytes() + need > self.limit:
                self.evict(next(iter(self.loaded.values())))
            if need > self.limit:
                _log.emit(_log.WARN, f"graph '{graph.name}' needs {need >> 20} MiB, more than the "
                                     f"{self.limit >> 20} MiB memory limit hint; loading it anyway")
        self._load(graph)

    def _load(self, graph: Graph) -> None:
        start = time.perf_counter()
        if self._digest(graph) != self.digests[graph.name]:
            fail(GraphError.QNN_GRAPH_ERROR_GENERAL,
                 f"graph '{graph.name}' cannot be reloaded: the persistent context binary changed "
                 "after QnnContext_createFromBinary (checksum mismatch); with PERSISTENT_BINARY the "
                 "buffer must stay untouched until QnnContext_free")
        try:
            context_binary.build_graph(graph, self.parsed)
        except container.ContainerError as err:
            fail(GraphError.QNN_GRAPH_ERROR_GENERAL, f"graph '{graph.name}' cannot be reloaded: {err}")
        self.loaded[graph.name] = graph
        self.loads += 1
        self.events.append(("load", graph.name, time.perf_counter() - start))
        if graph.applied is not None:
            self._reapply(graph)

    def _reapply(self, graph: Graph) -> None:
        buffer, size, section = graph.applied
        start = time.perf_counter()
        try:
            binary_section.apply(self.context, graph, section, buffer, size, zero_copy=True,
                                 verify_checksum=not self.context.skip_section_validation)
        except Exception as err:  # QnnError from apply: say it was the re-apply that failed
            message = getattr(err, "message", str(err))
            self.evict(graph)
            fail(GraphError.QNN_GRAPH_ERROR_GENERAL,
                 f"graph '{graph.name}' reloaded, but its last adapter could not be re-applied "
                 f"from the persistent section buffer ({message}); keep section buffers "
                 "untouched until QnnContext_free")
        self.reapplies += 1
        self.events.append(("reapply", graph.name, time.perf_counter() - start))

    def evict(self, graph: Graph) -> None:
        start = time.perf_counter()
        ranges = context_binary.graph_data_ranges(graph.entry)
        graph.drop_built()
        graph.loaded = False
        self.loaded.pop(graph.name, None)
        self._release_pages(ranges)
        self.evictions += 1
        self.events.append(("evict", graph.name, time.perf_counter() - start))

    def _release_pages(self, ranges) -> None:
        """Give an mmapped binary's pages of a graph that is not resident back to the OS:
        that is what makes the process's memory follow residency."""
        for offset, nbytes in ranges:
            container.release(self.parsed.source, self.parsed.data_offset + offset, nbytes)
