"""QnnMem: registered shared memory read and written in place by execute (MEMHANDLE tensors),
every bad descriptor refused with QnnMem's codes and nothing left registered by a refused call."""
import mmap
import os

import numpy as np
import pytest

from qnnpy import QnnContext, QnnGraph, QnnMem
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnHtpMem import QNN_HTP_MEM_QURT, QNN_HTP_MEM_SHARED_BUFFER, QnnHtpMem_SharedBufferConfig_t, \
    QnnMemHtp_Descriptor_t
from qnnpy.QnnMem import Qnn_MemDescriptor_t, Qnn_MemDmaBufInfo_t, Qnn_MemIonInfo_t, Qnn_MemShape_t
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_DATATYPE_INT_32, QNN_TENSOR_TYPE_APP_READ,
                            QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSORMEMTYPE_MEMHANDLE)

SHAPE = (2, 4)
F32 = QNN_DATATYPE_FLOAT_32


@pytest.fixture
def buffer():
    fd = os.memfd_create("qnnpy-test")
    os.ftruncate(fd, 3 * 4096)
    mapping = mmap.mmap(fd, 3 * 4096)
    yield fd, mapping
    mapping.close()
    os.close(fd)


def _relu(api):
    graph = api.graph()
    b = GraphBuilder(graph)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, SHAPE)
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, SHAPE)
    b.node("Relu", [x], [y])
    assert QnnGraph.QnnGraph_finalize(graph, None, None) == 0
    return graph, x, y


def _shared(fd, offset, shape=SHAPE, dtype=F32, size=3 * 4096, kind=QNN_HTP_MEM_SHARED_BUFFER):
    return Qnn_MemDescriptor_t(Qnn_MemShape_t(len(shape), list(shape)), dtype, QnnMem.QNN_MEM_TYPE_CUSTOM,
                               customInfo=QnnMemHtp_Descriptor_t(kind, size, sharedBufferConfig=
                                                                 QnnHtpMem_SharedBufferConfig_t(fd, offset)))


def _bound(tensor, handle):
    t = io_tensor(tensor, None)
    t.v2.id, t.v2.memType, t.v2.memHandle = tensor.v2.id, QNN_TENSORMEMTYPE_MEMHANDLE, handle
    return t


def test_execute_reads_and_writes_registered_memory_in_place(api, buffer):
    fd, mapping = buffer
    graph, x, y = _relu(api)
    values = np.linspace(-2, 2, 8, dtype=np.float32).reshape(SHAPE)
    np.frombuffer(mapping, np.float32, 8, 100 * 4).reshape(SHAPE)[...] = values  # an offset inside a page
    out_dma = np.full(SHAPE, 7.0, np.float32)
    descriptors = [_shared(fd, 400), _shared(fd, 4096 + 64),
                   Qnn_MemDescriptor_t(Qnn_MemShape_t(2, list(SHAPE)), F32, QnnMem.QNN_MEM_TYPE_DMA_BUF,
                                       dmaBufInfo=Qnn_MemDmaBufInfo_t(-1, out_dma)),
                   Qnn_MemDescriptor_t(Qnn_MemShape_t(2, list(SHAPE)), F32, QnnMem.QNN_MEM_TYPE_ION,
                                       ionInfo=Qnn_MemIonInfo_t(fd))]
    err, (h_in, h_out, h_dma, h_ion) = QnnMem.QnnMem_register(api.context, descriptors, 4)
    assert err == 0
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, h_in)], 1, [_bound(y, h_out)], 1, None, None) == 0
    np.testing.assert_array_equal(np.frombuffer(mapping, np.float32, 8, 4096 + 64).reshape(SHAPE), np.maximum(values, 0))
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, h_in)], 1, [_bound(y, h_dma)], 1, None, None) == 0
    np.testing.assert_array_equal(out_dma, np.maximum(values, 0))
    values[...] = -values  # the client writes through its own mapping; execute sees it
    np.frombuffer(mapping, np.float32, 8, 400).reshape(SHAPE)[...] = values
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, h_in)], 1, [_bound(y, h_dma)], 1, None, None) == 0
    np.testing.assert_array_equal(out_dma, np.maximum(values, 0))
    assert QnnMem.QnnMem_deRegister([h_in, h_out, h_dma, h_ion], 4) == 0
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, h_in)], 1, [_bound(y, h_out)], 1, None, None) == \
        QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR


def test_bad_descriptors_get_mem_codes_and_register_nothing(api, buffer):
    fd, _ = buffer
    small = os.memfd_create("small")
    os.ftruncate(small, 16)
    cases = [
        (_shared(fd, 0, shape=(2, 0)), QnnMem.QNN_MEM_ERROR_INVALID_SHAPE),
        (_shared(fd, 0, kind=QNN_HTP_MEM_QURT), QnnMem.QNN_MEM_ERROR_UNSUPPORTED_MEMTYPE),
        (_shared(fd, 3 * 4096 - 16), QnnMem.QNN_MEM_ERROR_INVALID_ARGUMENT),  # past the buffer's declared size
        (_shared(-1, 0), QnnMem.QNN_MEM_ERROR_INVALID_ARGUMENT),
        (_shared(small, 0, size=1 << 20), QnnMem.QNN_MEM_ERROR_MAPPING),  # the fd holds 16 bytes
        (Qnn_MemDescriptor_t(Qnn_MemShape_t(2, list(SHAPE)), F32, 9), QnnMem.QNN_MEM_ERROR_UNSUPPORTED_MEMTYPE),
        (Qnn_MemDescriptor_t(Qnn_MemShape_t(2, list(SHAPE)), F32, QnnMem.QNN_MEM_TYPE_CUSTOM, customInfo="fd"),
         QnnMem.QNN_MEM_ERROR_INVALID_ARGUMENT),
    ]
    for bad, code in cases:  # each after a good descriptor: the good one must not stay registered
        assert QnnMem.QnnMem_register(api.context, [_shared(fd, 0), bad], 2) == (code, None), code
    err, (handle,) = QnnMem.QnnMem_register(api.context, [_shared(fd, 0)], 1)
    assert err == 0
    assert QnnMem.QnnMem_register(api.context, [_shared(fd, 0)], 1)[0] == QnnMem.QNN_MEM_ERROR_ALREADY_REGISTERED
    assert QnnMem.QnnMem_register(4242, [_shared(fd, 0)], 1)[0] == QnnMem.QNN_MEM_ERROR_INVALID_HANDLE
    assert QnnMem.QnnMem_deRegister([handle, handle], 2) == QnnMem.QNN_MEM_ERROR_INVALID_ARGUMENT
    assert QnnMem.QnnMem_deRegister([handle, 4242], 2) == QnnMem.QNN_MEM_ERROR_INVALID_HANDLE
    assert QnnMem.QnnMem_deRegister([handle], 1) == 0  # still registered after the refused calls
    os.close(small)


def test_memory_belongs_to_its_context(api, buffer):
    fd, _ = buffer
    graph, x, y = _relu(api)
    err, other = QnnContext.QnnContext_create(api.backend, None, None)
    err, (foreign,) = QnnMem.QnnMem_register(other, [_shared(fd, 0)], 1)
    err, (mine,) = QnnMem.QnnMem_register(api.context, [_shared(fd, 4096)], 1)
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, foreign)], 1, [_bound(y, mine)], 1, None, None) == \
        QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR
    err, (wrong_type,) = QnnMem.QnnMem_register(api.context, [_shared(fd, 8192, dtype=QNN_DATATYPE_INT_32)], 1)
    assert QnnGraph.QnnGraph_execute(graph, [_bound(x, wrong_type)], 1, [_bound(y, mine)], 1, None, None) == \
        QnnGraph.QNN_GRAPH_ERROR_INVALID_TENSOR
    assert QnnContext.QnnContext_free(other, None) == 0
    assert QnnMem.QnnMem_deRegister([foreign], 1) == QnnMem.QNN_MEM_ERROR_INVALID_HANDLE  # ended with its context
