"""QnnMem.h: registering shared memory, so execute reads inputs from and writes outputs to it in
place (tensors with memType MEMHANDLE).

On the device the memory is shared between the CPU and the DSP (ION / DMA-BUF file
descriptors, or the HTP's SHARED_BUFFER regions of one allocation). On the host qnnpy maps the
same file descriptor (memfd, shm, a file) with MAP_SHARED, so a client that writes through
its own mapping is seen by execute, and the outputs execute writes are seen by the client, as
on the device. DMA_BUF descriptors that carry the client's mapped address are used in place.
"""
import math
import mmap
import os
from dataclasses import dataclass, field
from enum import IntEnum

from qnnpy import _handles, _lookup
from qnnpy._api import fail, qnn_api
from qnnpy._enum import export
from qnnpy.htp import dtypes
from qnnpy.QnnHtpMem import QnnMemHtp_Descriptor_t, QnnHtpMem_Type_t
from qnnpy.QnnTypes import Qnn_DataType_t


class QnnMem_Error_t(IntEnum):
    QNN_MEM_MIN_ERROR = 8000
    QNN_MEM_NO_ERROR = 0
    QNN_MEM_ERROR_NOT_SUPPORTED = 1000
    QNN_MEM_ERROR_INVALID_ARGUMENT = 8000
    QNN_MEM_ERROR_INVALID_HANDLE = 8001
    QNN_MEM_ERROR_ALREADY_REGISTERED = 8002
    QNN_MEM_ERROR_MAPPING = 8003
    QNN_MEM_ERROR_INVALID_SHAPE = 8004
    QNN_MEM_ERROR_UNSUPPORTED_MEMTYPE = 8005
    QNN_MEM_MAX_ERROR = 8999
    QNN_MEM_ERROR_UNDEFINED = 0x7FFFFFFF


class Qnn_MemType_t(IntEnum):
    QNN_MEM_TYPE_ION = 1
    QNN_MEM_TYPE_CUSTOM = 2
    QNN_MEM_TYPE_DMA_BUF = 3
    QNN_MEM_TYPE_UNDEFINED = 0x7FFFFFFF


for _enum in (QnnMem_Error_t, Qnn_MemType_t):
    export(_enum, globals())
E = QnnMem_Error_t
QNN_MEM_INVALID_FD = -1
_OK = E.QNN_MEM_NO_ERROR


@dataclass(slots=True)
class Qnn_MemShape_t:
    numDim: int = 0
    dimSize: list | None = None
    shapeConfig: str | None = None


@dataclass(slots=True)
class Qnn_MemIonInfo_t:
    fd: int = QNN_MEM_INVALID_FD


@dataclass(slots=True)
class Qnn_MemDmaBufInfo_t:
    fd: int = QNN_MEM_INVALID_FD
    data: object = None  # the client's own mapping (a buffer object), used in place when given


@dataclass(slots=True)
class Qnn_MemDescriptor_t:
    memShape: Qnn_MemShape_t = field(default_factory=Qnn_MemShape_t)
    dataType: int = Qnn_DataType_t.QNN_DATATYPE_UNDEFINED
    memType: int = Qnn_MemType_t.QNN_MEM_TYPE_UNDEFINED
    ionInfo: Qnn_MemIonInfo_t = field(default_factory=Qnn_MemIonInfo_t)
    customInfo: object = None  # a QnnMemHtp_Descriptor_t for the HTP
    dmaBufInfo: Qnn_MemDmaBufInfo_t = field(default_factory=Qnn_MemDmaBufInfo_t)


def QNN_MEM_DESCRIPTOR_INIT() -> Qnn_MemDescriptor_t:
    return Qnn_MemDescriptor_t()


class Registered:
    """One registered region: what a MEMHANDLE tensor reads and writes."""

    def __init__(self, context, dtype: int, dims: tuple, view: memoryview, mapping, key):
        self.context, self.dtype, self.dims, self.view, self.mapping, self.key = context, dtype, dims, view, mapping, key

    def release(self) -> None:
        self.view.release()
        if self.mapping is not None:
            self.mapping.close()


def _shape(d: Qnn_MemDescriptor_t) -> tuple:
    dims = list(d.memShape.dimSize or [])
    if d.memShape.numDim != len(dims) or not dims or not all(isinstance(n, int) and 0 < n < 1 << 32 for n in dims):
        fail(E.QNN_MEM_ERROR_INVALID_SHAPE, f"memShape must list numDim ({d.memShape.numDim!r}) positive "
                                            f"dimensions, got {dims!r}")
    if not dtypes.supported(d.dataType):
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"dataType {d.dataType!r} is not one the emulated HTP holds")
    return tuple(dims)


def _map(fd, offset: int, nbytes: int, total: int | None):
    """(view of nbytes at offset, the mapping) of a file descriptor shared with the client."""
    if not isinstance(fd, int) or isinstance(fd, bool) or fd < 0:
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"fd {fd!r} is not a file descriptor")
    if not isinstance(offset, int) or offset < 0 or (total is not None and offset + nbytes > total):
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"offset {offset!r} + {nbytes} bytes lies outside the "
                                               f"{total}-byte shared buffer")
    try:
        size = os.fstat(fd).st_size
        if size < offset + nbytes:
            fail(E.QNN_MEM_ERROR_MAPPING, f"fd {fd} holds {size} bytes; the tensor needs {offset + nbytes}")
        start = offset - offset % mmap.ALLOCATIONGRANULARITY
        mapping = mmap.mmap(fd, offset + nbytes - start, mmap.MAP_SHARED, offset=start)
    except OSError as err:
        fail(E.QNN_MEM_ERROR_MAPPING, f"fd {fd} cannot be mapped: {err.strerror}")
    return memoryview(mapping)[offset - start:offset - start + nbytes], mapping


def _region(d: Qnn_MemDescriptor_t, nbytes: int):
    """(view, mapping or None, identity of the region for the already-registered check)."""
    kind = d.memType
    if kind == Qnn_MemType_t.QNN_MEM_TYPE_ION:
        view, mapping = _map(d.ionInfo.fd, 0, nbytes, None)
        return view, mapping, ("fd", os.fstat(d.ionInfo.fd).st_ino, 0)
    if kind == Qnn_MemType_t.QNN_MEM_TYPE_DMA_BUF:
        if d.dmaBufInfo.data is not None:
            try:
                view = memoryview(d.dmaBufInfo.data).cast("B")
            except TypeError:
                fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, "dmaBufInfo.data is not a buffer object")
            if view.readonly or view.nbytes < nbytes:
                fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"dmaBufInfo.data must be a writable buffer of at least "
                                                       f"{nbytes} bytes")
            return view[:nbytes], None, ("address", id(d.dmaBufInfo.data), 0)
        view, mapping = _map(d.dmaBufInfo.fd, 0, nbytes, None)
        return view, mapping, ("fd", os.fstat(d.dmaBufInfo.fd).st_ino, 0)
    if kind == Qnn_MemType_t.QNN_MEM_TYPE_CUSTOM:
        htp = d.customInfo
        if not isinstance(htp, QnnMemHtp_Descriptor_t):
            fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, "customInfo must point at a QnnMemHtp_Descriptor_t (HTP/QnnHtpMem.h)")
        if htp.type != QnnHtpMem_Type_t.QNN_HTP_MEM_SHARED_BUFFER:
            fail(E.QNN_MEM_ERROR_UNSUPPORTED_MEMTYPE, f"HTP memory type {htp.type!r}: only SHARED_BUFFER (1) exists "
                                                      "on the host (QURT addresses are the DSP's own)")
        cfg = htp.sharedBufferConfig
        view, mapping = _map(cfg.fd, cfg.offset, nbytes, htp.size)
        return view, mapping, ("fd", os.fstat(cfg.fd).st_ino, cfg.offset)
    fail(E.QNN_MEM_ERROR_UNSUPPORTED_MEMTYPE, f"memType {kind!r} is not ION (1), CUSTOM (2) or DMA_BUF (3)")


@qnn_api(_OK, outputs=1)
def QnnMem_register(context, memDescriptors, numDescriptors):
    """All or nothing: a refused descriptor releases the ones mapped before it."""
    ctx = _lookup.context(context, E.QNN_MEM_ERROR_INVALID_HANDLE)
    if not isinstance(memDescriptors, (list, tuple)) or numDescriptors != len(memDescriptors) or not memDescriptors:
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"memDescriptors must be a non-empty list of numDescriptors "
                                               f"({numDescriptors!r}) descriptors")
    taken = {r.key for _, r in _handles.items(_lookup.MEMORY) if r.context is ctx}
    made: list[Registered] = []
    try:
        for d in memDescriptors:
            if not isinstance(d, Qnn_MemDescriptor_t):
                fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"{d!r} is not a Qnn_MemDescriptor_t")
            dims = _shape(d)
            view, mapping, key = _region(d, math.prod(dims) * dtypes.storage(d.dataType).itemsize)
            made.append(Registered(ctx, d.dataType, dims, view, mapping, key))
            if key in taken:
                fail(E.QNN_MEM_ERROR_ALREADY_REGISTERED, "this memory is already registered with the context; "
                                                         "reuse its handle")
            taken.add(key)
    except BaseException:
        for r in made:
            r.release()
        raise
    return [_handles.new(_lookup.MEMORY, r) for r in made]


@qnn_api(_OK)
def QnnMem_deRegister(memHandles, numHandles):
    """All handles are checked before any is released."""
    if not isinstance(memHandles, (list, tuple)) or numHandles != len(memHandles) or not memHandles:
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, f"memHandles must be a non-empty list of numHandles ({numHandles!r})")
    if len(set(map(repr, memHandles))) != len(memHandles):
        fail(E.QNN_MEM_ERROR_INVALID_ARGUMENT, "memHandles lists a handle twice")
    found = []
    for h in memHandles:
        obj = _handles.get(h, _lookup.MEMORY)
        if obj is None:
            fail(E.QNN_MEM_ERROR_INVALID_HANDLE, _lookup._why(h, "memory", "QnnMem_register"))
        found.append((h, obj))
    for h, obj in found:
        obj.release()
        _handles.free(h)


def resolve(handle, context, err) -> Registered:
    """The region behind a MEMHANDLE tensor of a graph in ``context``."""
    obj = _handles.get(handle, _lookup.MEMORY)
    if obj is None:
        fail(err, _lookup._why(handle, "memory", "QnnMem_register"))
    if obj.context is not context:
        fail(err, f"memory handle {handle:#x} was registered with another context")
    return obj


def release_context(context) -> None:
    """QnnContext_free: the context's registrations end with it."""
    for h, obj in list(_handles.items(_lookup.MEMORY)):
        if obj.context is context:
            obj.release()
            _handles.free(h)
