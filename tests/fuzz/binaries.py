"""Structured mutations of context binaries and binary sections, checksum kept valid, so that
every mutation reaches the metadata validation rather than dying at the checksum.

A mutation picks one value anywhere in the msgpack metadata and replaces it with a hostile
one (huge, negative, wrong type, deeply nested, NaN), deletes a key, or duplicates a list
entry; then the container is repacked with the same data region and a fresh checksum.
Each mutated binary goes through createFromBinary (and retrieve/execute of every graph when
that succeeds) and QnnSystemContext_getBinaryInfo, under a time limit per case.
"""
import collections
import random
import signal
import struct

import msgpack

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnSystemContext
from qnnpy.htp import container
from tests.fuzz import GENERAL, quiet_log

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


def exercise(binary: bytes, base: bytes | None) -> str:
    """The worst outcome of using ``binary`` every way a client would: a context binary is
    loaded, described and its graphs retrieved and built; a section (``base`` given) is
    described and applied to a context loaded from ``base``."""
    from qnnpy import lora
    outcomes = []
    _, backend = QnnBackend.QnnBackend_create(None, None)
    _, system = QnnSystemContext.QnnSystemContext_create()
    try:
        err, info, _ = QnnSystemContext.QnnSystemContext_getBinaryInfo(system, binary, len(binary))
        outcomes.append(err)
        if base is None:
            err, context = QnnContext.QnnContext_createFromBinary(backend, None, None, binary, len(binary), None)
            outcomes.append(err)
            if err == 0 and info is not None:
                for graph_info in info.contextBinaryInfoV3.graphs:
                    outcomes.append(QnnGraph.QnnGraph_retrieve(context, graph_info.graphInfoV3.graphName)[0])
        else:
            err, context = QnnContext.QnnContext_createFromBinary(backend, None, None, base, len(base), None)
            assert err == 0, "the unmutated base must load"
            outcomes.append(QnnContext.QnnContext_applyBinarySection(
                context, None, QnnContext.QNN_CONTEXT_SECTION_UPDATABLE, lora.section_buffer(binary), None, None))
    finally:
        QnnSystemContext.QnnSystemContext_free(system)
        QnnBackend.QnnBackend_free(backend)
    codes = [int(c) for c in outcomes]
    if GENERAL in codes:
        return "GENERAL"
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
