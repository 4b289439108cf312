"""Structured mutations of context binaries and binary sections, checksum kept valid, so that
every mutation reaches the metadata validation rather than dying at the checksum.

A mutation picks one value anywhere in the msgpack metadata and replaces it with a hostile
one (huge, negative, wrong type, deeply nested, NaN), deletes a key, or duplicates a list
entry; then the container is repacked with the same data region and a fresh checksum.
Each mutated binary goes through createFromBinary (and retrieve/execute of every graph when
that succeeds) and QnnSystemContext_getBinaryInfo, under a time limit per case.

Two more outcomes are failures. "accepted-invalid": a binary that loads (or a section that
applies) but that the next step of normal use refuses — the system library cannot describe
what the backend loaded, or a graph cannot execute on zero inputs of the shapes the binary
itself describes: the load should have refused it. "non-atomic": a refused load that left a
live handle behind, or a refused section after which the context computes something else
than before (outputs compared bit for bit) or any live object changed.
"""
import collections
import random
import signal
import struct

import msgpack
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnSystemContext, _handles
from qnnpy.builder import io_tensor
from qnnpy.htp import container, dtypes
from tests.fuzz import GENERAL, quiet_log
from tests.fuzz.arguments import state

LIMIT_SECONDS = 5


def split(binary: bytes) -> tuple[tuple, dict, bytes]:
    header = container.HEADER.unpack_from(binary, 0)
    meta_off, meta_size, data_off, data_size = header[4], header[5], header[6], header[7]
    meta = msgpack.unpackb(binary[meta_off:meta_off + meta_size], raw=False, strict_map_key=False)
    return header, meta, binary[data_off:data_off + data_size]


def repack(header: tuple, meta, data: bytes) -> bytes:
    packed = msgpack.packb(meta, use_bin_type=True)
    data_off = -(-(container.HEADER_SIZE + len(packed)) // container.ALIGN) * container.ALIGN
    out = bytearray(data_off + len(data))
    magic, version, kind, sdk = header[:4]
    out[:container.HEADER.size] = container.HEADER.pack(magic, version, kind, sdk, container.HEADER_SIZE,
                                                         len(packed), data_off, len(data), len(out), 0)
    out[container.HEADER_SIZE:container.HEADER_SIZE + len(packed)] = packed
    out[data_off:] = data
    out[container.CHECKSUM_AT:container.CHECKSUM_AT + 8] = struct.pack("<Q", container.checksum(memoryview(out)))
    return bytes(out)


def hostile(rng: random.Random):
    return rng.choice([None, -1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 62, -2 ** 63, 1.5, float("nan"), float("inf"), True,
                       "", "x" * 300, b"\x00\xff", [], [0], [0, 2 ** 62], [[[[1]]]], {}, {"k": 1}, [1, 2, 3, 4],
                       rng.randrange(-1000, 1000)])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def mutate(meta, rng: random.Random):
    paths = [p for p in _paths(meta) if p]
    path = rng.choice(paths)
    parent = meta
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    action = rng.random()
    if action < 0.7:
        parent[last] = hostile(rng)
    elif action < 0.85 and isinstance(parent, dict):
        del parent[last]
    elif isinstance(parent, list):
        parent.insert(last, parent[last])
    else:
        parent[last] = hostile(rng)
    return "/".join(map(str, path))


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


MAX_FEED_BYTES = 1 << 24  # a described tensor larger than this is not fed (the case stays "accepted")


def _execute_all(context, info) -> tuple[int, list | None]:
    """Execute every graph the binary info describes on zero inputs: (first non-zero code or
    0, the outputs), or (0, None) when a tensor is too large to feed."""
    outputs = []
    for graph_info in info.contextBinaryInfoV3.graphs:
        g = graph_info.graphInfoV3
        err, graph = QnnGraph.QnnGraph_retrieve(context, g.graphName)
        if err:
            return err, None
        io = []
        for tensor in list(g.graphInputs) + list(g.graphOutputs):
            body = tensor.v1
            if not dtypes.supported(body.dataType):
                return 0, None
            shape = [int(d) for d in body.dimensions[:body.rank]]
            if np.prod(shape, dtype=np.float64) * np.dtype(dtypes.storage(body.dataType)).itemsize > MAX_FEED_BYTES:
                return 0, None
            io.append(io_tensor(tensor, np.zeros(shape, dtypes.storage(body.dataType))))
        n_in = len(g.graphInputs)
        err = QnnGraph.QnnGraph_execute(graph, io[:n_in], n_in, io[n_in:], len(io) - n_in, None, None)
        if err:
            return err, None
        outputs += [t.v1.clientBuf.data.tobytes() for t in io[n_in:]]
    return 0, outputs


def _described(system, binary):
    err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(system, binary, len(binary))
    return err, info


def exercise(binary: bytes, base: bytes | None) -> str:
    """The worst outcome of using ``binary`` every way a client would: a context binary is
    loaded, described, and its graphs retrieved and executed; a section (``base`` given) is
    described and applied to a context loaded from ``base``, whose graphs execute before and
    after."""
    from qnnpy import lora
    codes, verdict = [], None
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, system = QnnSystemContext.QnnSystemContext_create()
    try:
        err, info = _described(system, binary)
        codes.append(err)
        if base is None:
            live = len(_handles._live)
            err, context = QnnContext.QnnContext_createFromBinary(backend, None, None, binary, len(binary), None)
            codes.append(err)
            if err and len(_handles._live) != live:
                verdict = "non-atomic"
            elif err == 0:
                run_err = _execute_all(context, info)[0] if info is not None else "undescribed"
                if run_err == GENERAL:
                    codes.append(GENERAL)
                elif run_err:
                    verdict = "accepted-invalid"
        else:
            err, context = QnnContext.QnnContext_createFromBinary(backend, None, None, base, len(base), None)
            assert err == 0, "the unmutated base must load"
            _, base_info = _described(system, base)
            _, before = _execute_all(context, base_info)
            fingerprint = state()
            err = QnnContext.QnnContext_applyBinarySection(
                context, None, QnnContext.QNN_CONTEXT_SECTION_UPDATABLE, lora.section_buffer(binary), None, None)
            codes.append(err)
            run_err, after = _execute_all(context, base_info)
            if err and (after != before or state() != fingerprint):
                verdict = "non-atomic"
            elif run_err == GENERAL:
                codes.append(GENERAL)
            elif run_err:
                verdict = "accepted-invalid" if not err else "non-atomic"
    finally:
        QnnSystemContext.QnnSystemContext_free(system)
        QnnBackend.QnnBackend_free(backend)
    codes = [int(c) for c in codes]
    if GENERAL in codes:
        return "GENERAL"
    if verdict:
        return verdict
    return "accepted" if all(c == 0 for c in codes) else "precise"


def run(cases: int, seed: int = 0) -> tuple[collections.Counter, dict]:
    """({outcome: count}, {outcome: first mutated path}) over ``cases`` mutations."""
    base, section = sample_binaries()
    rng = random.Random(seed)
    counts, examples = collections.Counter(), {}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        with quiet_log():
            for _ in range(cases):
                _one_case(rng, base, section, counts, examples)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return counts, examples


def _one_case(rng, base, section, counts, examples) -> None:
    is_section = rng.random() < 0.5
    header, meta, data = split(section if is_section else base)
    where = ("section:" if is_section else "context:") + mutate(meta, rng)
    try:
        mutated = repack(header, meta, data)
    except (TypeError, ValueError, OverflowError):  # msgpack cannot hold the value: no case
        return
    signal.alarm(LIMIT_SECONDS)
    try:
        outcome = exercise(mutated, base if is_section else None)
    except Timeout:
        outcome = "hang"
    except BaseException as err:
        outcome = f"escaped {type(err).__name__}"
    finally:
        signal.alarm(0)
    counts[outcome] += 1
    examples.setdefault(outcome, where)


def sample_binaries() -> tuple[bytes, bytes]:
    """The example LoRA MLP's base context binary (two graphs) and an adapter section."""
    from qnnpy.examples import lora_mlp
    from tests.lora_support import LoraSetup
    from tests.support import fresh_api
    with fresh_api() as api:
        setup = LoraSetup(api, [8, 16, 8], max_rank=4, seqs=(2, 4))
        section = setup.make_section(lora_mlp.make_adapter([8, 16, 8], 4, 4, seed=1))
        return setup.base_binary, section
