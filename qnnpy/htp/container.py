"""The file container shared by context binaries and binary sections (docs/formats.md).

    0   header (128 bytes): magic, format version, kind, SDK version, region offsets and
        sizes, total size, XXH3-64 checksum of every byte except the checksum field
    128 msgpack metadata (no tensor bytes: those stay out of msgpack so loading never
        copies them)
    ... tensor data region, each blob 64-byte aligned so numpy can view it in place

The parser treats its input as hostile: every offset and length is checked against the
buffer before use, the checksum is verified before any metadata is read, msgpack limits
its allocations to the size of the metadata region, and no pickle or eval is involved.
"""
import math
import mmap
import struct

import msgpack
import numpy as np
import xxhash

MAGIC = b"QNNPYBIN"
FORMAT_VERSION = 1
SDK_VERSION = "2.43.0"
KIND_CONTEXT, KIND_SECTION, KIND_MODEL = 1, 2, 3
HEADER = struct.Struct("<8sII16sQQQQQQ")
HEADER_SIZE = 128
CHECKSUM_AT = HEADER.size - 8
ALIGN = 64


class ContainerError(Exception):
    """``kind`` says what is wrong, so that each caller can answer with its own QNN code:
    ARGUMENT (the size argument does not fit the buffer), FOREIGN (not this format at all),
    MALFORMED (this format, but cut short or with regions that do not fit), VERSION (sound
    bytes of another format version or SDK), CORRUPT (the checksum or metadata disagrees)."""

    def __init__(self, message: str, kind: str = "corrupt"):
        super().__init__(message)
        self.kind = kind

    @property
    def version(self) -> bool:
        return self.kind == VERSION


ARGUMENT, FOREIGN, MALFORMED, VERSION, CORRUPT = "argument", "foreign", "malformed", "version", "corrupt"


def _align(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def blob_offsets(blobs: list[np.ndarray]) -> tuple[list[int], int]:
    """Aligned offsets of each blob inside the data region, and the region's size."""
    offsets, cursor = [], 0
    for blob in blobs:
        offsets.append(cursor)
        cursor = _align(cursor + blob.nbytes)
    return offsets, cursor


class Layout:
    """Where everything goes: computed once, then written into any buffer of ``total`` bytes.

    Metadata refers to blobs as [offset, nbytes] within the data region; get the offsets
    from ``blob_offsets`` first (they do not depend on the metadata's size).
    """

    def __init__(self, kind: int, meta: dict, blobs: list[np.ndarray]):
        self.kind = kind
        self.meta = msgpack.packb(meta, use_bin_type=True)
        self.blobs = blobs
        self.data_offset = _align(HEADER_SIZE + len(self.meta))
        self.blob_offsets, self.data_size = blob_offsets(blobs)
        self.total = self.data_offset + self.data_size

    def write(self, out: memoryview) -> None:
        """Fill ``out[:total]``; padding gaps are zeroed so the checksum is reproducible."""
        header = HEADER.pack(MAGIC, FORMAT_VERSION, self.kind, SDK_VERSION.encode().ljust(16, b"\0"),
                             HEADER_SIZE, len(self.meta), self.data_offset, self.data_size,
                             self.total, 0)
        out[:HEADER_SIZE] = header.ljust(HEADER_SIZE, b"\0")
        out[HEADER_SIZE:HEADER_SIZE + len(self.meta)] = self.meta
        out[HEADER_SIZE + len(self.meta):self.data_offset] = bytes(
            self.data_offset - HEADER_SIZE - len(self.meta))
        dest = np.frombuffer(out, dtype=np.uint8, count=self.total)
        cursor = 0
        for blob, offset in zip(self.blobs, self.blob_offsets):
            start = self.data_offset + offset
            dest[self.data_offset + cursor:start] = 0
            dest[start:start + blob.nbytes] = np.ascontiguousarray(blob).reshape(-1).view(np.uint8)
            cursor = offset + blob.nbytes
        dest[self.data_offset + cursor:self.total] = 0
        out[CHECKSUM_AT:CHECKSUM_AT + 8] = struct.pack("<Q", checksum(out[:self.total]))


def checksum(view: memoryview, source=None) -> int:
    """XXH3-64 of the file without its checksum field. With an mmap ``source``, pages are
    handed back to the OS as soon as they are hashed, so checking a large mmapped binary
    does not pull all of it into the process's resident memory."""
    h = xxhash.xxh3_64()
    h.update(view[:CHECKSUM_AT])
    if not _releasable(source):
        h.update(view[CHECKSUM_AT + 8:])
        return h.intdigest()
    for start in range(CHECKSUM_AT + 8, len(view), RELEASE_CHUNK):
        end = min(start + RELEASE_CHUNK, len(view))
        h.update(view[start:end])
        release(source, start, end - start)
    return h.intdigest()


RELEASE_CHUNK = 4 << 20


def _releasable(source) -> bool:
    """Only a read-only mmap: its pages come back from the file unchanged, whereas dropping
    pages of a private writable (copy-on-write) mapping would discard the client's edits."""
    if not isinstance(source, mmap.mmap) or not hasattr(source, "madvise"):
        return False
    with memoryview(source) as view:
        return view.readonly


def release(source, offset: int, length: int) -> None:
    """MADV_DONTNEED the whole pages inside [offset, offset+length) of a read-only mmap."""
    if not _releasable(source):
        return
    page = mmap.PAGESIZE
    start = -(-offset // page) * page
    end = (offset + length) // page * page
    if end > start:
        source.madvise(mmap.MADV_DONTNEED, start, end - start)


class Parsed:
    def __init__(self, kind: int, meta: dict, data: memoryview, sdk: str, source=None, data_offset=0):
        self.kind, self.meta, self.data, self.sdk = kind, meta, data, sdk
        self.source, self.data_offset = source, data_offset  # the client's buffer, for residency

    def take_copy(self) -> None:
        """Own a private copy of the data region (the client's buffer may change later)."""
        self.data, self.source = memoryview(bytearray(self.data)), None

    def blob(self, ref, dtype: np.dtype, dims: tuple[int, ...]) -> np.ndarray:
        """A tensor's bytes as a numpy view into the data region, after bounds checks."""
        if type(ref) is not list or len(ref) != 2 or type(ref[0]) is not int or type(ref[1]) is not int:
            raise ContainerError(f"malformed data reference {ref!r}")
        offset, nbytes = ref
        want = math.prod(dims) * dtype.itemsize
        if nbytes != want or offset < 0 or offset + nbytes > len(self.data):
            raise ContainerError(f"data reference {ref} does not fit a {want}-byte tensor inside "
                                 f"the {len(self.data)}-byte data region")
        return np.frombuffer(self.data, dtype=dtype, count=math.prod(dims), offset=offset).reshape(dims)


def _regions_fit(meta_off: int, meta_size: int, data_off: int, data_size: int, total: int) -> bool:
    return (meta_off == HEADER_SIZE and meta_off + meta_size <= data_off and data_off % ALIGN == 0
            and data_off + data_size == total)


def verified_identity(buffer, size) -> tuple[int, int, int] | None:
    """(checksum, data region offset, data region size) of a container whose header is sound
    and whose checksum holds: what tells a section seen before from any other bytes. None
    when anything is off; ``parse`` then says precisely what."""
    try:
        view = memoryview(buffer).cast("B")
    except TypeError:
        return None
    if type(size) is not int or not HEADER_SIZE <= size <= view.nbytes:
        return None
    magic, version, _, _, meta_off, meta_size, data_off, data_size, total, stored = HEADER.unpack_from(view, 0)
    if (magic != MAGIC or version != FORMAT_VERSION or total != size or any(view[HEADER.size:HEADER_SIZE])
            or not _regions_fit(meta_off, meta_size, data_off, data_size, total)):
        return None
    if checksum(view[:total], buffer) != stored:
        return None
    return stored, data_off, data_size


def parse(buffer, size, kind: int | None, verify_checksum: bool = True) -> Parsed:
    """Check and open a container, its data region a view of ``buffer`` (``take_copy`` makes
    it private once the metadata is checked).

    ``kind`` None accepts any kind; ``verify_checksum`` False is for clients that asked the
    backend to skip validating sections (the HTP custom config of that name)."""
    try:
        view = memoryview(buffer).cast("B")
    except TypeError as err:
        raise ContainerError(f"the binary buffer is not a contiguous buffer object ({err})") from None
    if not isinstance(size, int) or size < 0 or size > view.nbytes:
        raise ContainerError(f"binaryBufferSize {size} does not fit the {view.nbytes}-byte buffer", ARGUMENT)
    if size == 0:
        raise ContainerError("binaryBufferSize is 0", ARGUMENT)
    if size < HEADER_SIZE:
        raise ContainerError(f"{size} bytes is too short for a qnnpy binary (header alone is "
                             f"{HEADER_SIZE})", FOREIGN)
    (magic, version, got_kind, sdk, meta_off, meta_size, data_off, data_size, total,
     stored_sum) = HEADER.unpack_from(view, 0)
    if magic != MAGIC:
        raise ContainerError("not a qnnpy binary (bad magic); was it made by another SDK or backend?", FOREIGN)
    if any(view[HEADER.size:HEADER_SIZE]):
        raise ContainerError("the header's reserved bytes are not zero: not a binary this qnnpy wrote", FOREIGN)
    if version != FORMAT_VERSION:
        raise ContainerError(f"binary format version {version}; this qnnpy reads version "
                             f"{FORMAT_VERSION}", VERSION)
    if total > size:
        raise ContainerError(f"binary is truncated: header says {total} bytes, buffer has {size}", MALFORMED)
    if total < size:
        raise ContainerError(f"binaryBufferSize is {size} but the binary is {total} bytes; pass "
                             "the exact size QnnContext_getBinary wrote")
    if not _regions_fit(meta_off, meta_size, data_off, data_size, total):
        raise ContainerError("binary header describes regions that do not fit together", MALFORMED)
    view = view[:total]
    if verify_checksum and checksum(view, buffer) != stored_sum:
        raise ContainerError("checksum mismatch: the binary is corrupted (modified or truncated)")
    sdk_text = sdk.rstrip(b"\0").decode("ascii", "replace")
    if sdk_text != SDK_VERSION:
        raise ContainerError(f"binary was made by SDK {sdk_text}; this backend is SDK "
                             f"{SDK_VERSION} and both must match", VERSION)
    if kind is not None and got_kind != kind:
        raise ContainerError(f"binary kind {got_kind} is not the expected kind {kind} (a context "
                             "binary is kind 1, a binary section kind 2)")
    try:
        meta = msgpack.unpackb(view[meta_off:meta_off + meta_size], raw=False, strict_map_key=True)
    except Exception as err:  # msgpack raises many types for bad bytes
        raise ContainerError(f"metadata does not decode ({type(err).__name__})") from None
    if not isinstance(meta, dict):
        raise ContainerError("metadata is not a map")
    return Parsed(got_kind, meta, view[data_off:total], sdk_text, buffer, data_off)
