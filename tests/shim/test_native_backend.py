"""qnnpy.native: the Python API driving a real QNN library. The same Python code composes,
finalizes, executes, serializes and reloads a graph on qnnpy (its Python modules) and on the
wheel's real libQnnHtp.so, and the two agree: float outputs to 1e-5 of full scale on random op
chains, and the return codes of the misuse calls qnnpy took from the real backend. (qnnpy's own
libQnnHtp.so embeds Python and is exercised from C programs, not loaded into this process.)"""
import types

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnLog, QnnProperty, QnnTensor
from qnnpy.builder import GraphBuilder, io_tensor
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE,
                            QNN_TENSOR_TYPE_NATIVE)

ort_qnn = pytest.importorskip("onnxruntime_qnn", reason="the oracle extra (onnxruntime-qnn) is not installed")

from qnnpy.native import NativeBackend  # noqa: E402

PYTHON = types.SimpleNamespace(**{name: getattr(module, name) for module in
                                  (QnnBackend, QnnContext, QnnGraph, QnnLog, QnnProperty, QnnTensor)
                                  for name in dir(module) if name.startswith("Qnn") and "_" in name})
ROWS, COLS = 4, 8
# (op type, params, needs a second operand): each keeps the shape [ROWS, COLS]
OPS = {
    "add": ("ElementWiseAdd", {}, True), "multiply": ("ElementWiseMultiply", {}, True),
    "subtract": ("ElementWiseSubtract", {}, True), "relu": ("Relu", {}, False), "sigmoid": ("Sigmoid", {}, False),
    "tanh": ("Tanh", {}, False), "softmax": ("Softmax", {"axis": 1, "beta": 0.7}, False),
    "matmul": ("MatMul", {"transpose_in1": True}, True), "exp": ("ElementWiseExp", {}, False),
    "neg": ("ElementWiseNeg", {}, False), "maximum": ("ElementWiseMaximum", {}, True),
}


@pytest.fixture(scope="module")
def backends():
    return {"qnnpy": PYTHON, "real": NativeBackend(ort_qnn.get_qnn_htp_path())}


class Session:
    """backend, context and log on one API; the log lines are kept."""

    def __init__(self, api):
        self.api, self.lines = api, []
        err, self.log = api.QnnLog_create(lambda fmt, level, ts, args: self.lines.append(fmt % args), 2)
        assert err == 0
        err, self.backend = api.QnnBackend_create(self.log, None)
        assert err == 0
        err, self.context = api.QnnContext_create(self.backend, None, None)
        assert err == 0

    def close(self):
        assert self.api.QnnContext_free(self.context, None) == 0
        assert self.api.QnnBackend_free(self.backend) == 0
        assert self.api.QnnLog_free(self.log) == 0


def _compose(session, chain, seed):
    rng = np.random.default_rng(seed)
    err, graph = session.api.QnnGraph_create(session.context, "chain", None)
    assert err == 0
    b = GraphBuilder(graph, session.api)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, QNN_DATATYPE_FLOAT_32, (ROWS, COLS))
    current = x
    for k, name in enumerate(chain):
        op_type, params, binary = OPS[name]
        last = k == len(chain) - 1
        out = b.tensor("y" if last else f"t{k}", QNN_TENSOR_TYPE_APP_READ if last else QNN_TENSOR_TYPE_NATIVE,
                       QNN_DATATYPE_FLOAT_32, (ROWS, COLS))
        inputs = [current]
        if binary:
            shape = (COLS, COLS) if op_type == "MatMul" else (ROWS, COLS)
            scale = 1 / np.sqrt(COLS) if op_type == "MatMul" else 1.0
            inputs.append(b.static(f"c{k}", (rng.standard_normal(shape) * scale).astype(np.float32)))
        b.node(op_type, inputs, [out], name=f"n{k}", **params)
        current = out
    return graph, x, current, session.api.QnnGraph_finalize(graph, None, None)


def _execute(api, graph, x, y, data):
    out = np.zeros((ROWS, COLS), np.float32)
    assert api.QnnGraph_execute(graph, [io_tensor(x, data)], 1, [io_tensor(y, out)], 1, None, None) == 0
    return out


@settings(max_examples=20, deadline=None)
@given(chain=st.lists(st.sampled_from(sorted(OPS)), min_size=1, max_size=4), seed=st.integers(0, 2 ** 16))
def test_random_op_chains_agree_on_all_three(backends, chain, seed):
    data = np.random.default_rng(seed + 1).standard_normal((ROWS, COLS)).astype(np.float32)
    outputs = {}
    for name, api in backends.items():
        session = Session(api)
        graph, x, y, err = _compose(session, chain, seed)
        # the real x86 backend cannot prepare some chains (Exp feeding MatMul: "could not create
        # op", 1002); qnnpy must prepare every one
        assert err == 0 or (name == "real" and err == 1002), (name, chain, err)
        if not err:
            outputs[name] = _execute(api, graph, x, y, data)
        session.close()
    scale = max(float(np.abs(outputs["qnnpy"]).max()), 1e-6)
    for name in set(outputs) - {"qnnpy"}:
        assert np.abs(outputs[name] - outputs["qnnpy"]).max() / scale <= 1e-5, (name, chain)


def test_serialized_graphs_reload_and_misuse_gets_the_same_codes(backends):
    data = np.random.default_rng(0).standard_normal((ROWS, COLS)).astype(np.float32)
    seen = {}
    for name, api in backends.items():
        session = Session(api)
        graph, x, y, err = _compose(session, ["matmul", "softmax"], 3)
        assert err == 0
        expected = _execute(api, graph, x, y, data)
        err, size = api.QnnContext_getBinarySize(session.context)
        blob = bytearray(size)
        assert api.QnnContext_getBinary(session.context, blob, size)[0] == 0
        err, loaded = api.QnnContext_createFromBinary(session.backend, None, None, bytes(blob), size, None)
        assert err == 0
        err, again = api.QnnGraph_retrieve(loaded, "chain")
        assert err == 0 and np.array_equal(_execute(api, again, x, y, data), expected)
        wrong_id = io_tensor(x, data)
        wrong_id.v1.id = 4242
        out = np.zeros((ROWS, COLS), np.float32)
        seen[name] = {
            "execute_wrong_id": api.QnnGraph_execute(graph, [wrong_id], 1, [io_tensor(y, out)], 1, None, None),
            "finalize_again": api.QnnGraph_finalize(graph, None, None),
            "retrieve_unknown": api.QnnGraph_retrieve(loaded, "nope")[0],
            "load_truncated": api.QnnContext_createFromBinary(session.backend, None, None, bytes(blob[:size // 2]),
                                                              size // 2, None)[0],
        }
        assert api.QnnContext_free(loaded, None) == 0
        session.close()
    assert seen["qnnpy"] == seen["real"], seen
