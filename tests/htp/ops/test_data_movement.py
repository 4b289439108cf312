"""Gather, Split, StridedSlice, Concat, Transpose against onnx.reference."""
import numpy as np
import pytest

from tests.htp.ops.single_op import onnx_ref, run_op


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_wraps_negative_indices(api, axis):
    data = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    idx = np.array([[0, -1], [1, 2]], np.int32)
    ref = onnx_ref("Gather", {"d": data, "i": idx.astype(np.int64)}, {"axis": axis})[0]
    err, (out,) = run_op(api, "Gather", [data, idx], [ref.shape], axis=axis)
    assert err == 0 and np.array_equal(out, ref)


def test_gather_rejects_out_of_range_indices_at_execute(api):
    err, _ = run_op(api, "Gather", [np.zeros((3, 2), np.float32), np.array([3], np.int32)], [(1, 2)], axis=0)
    assert err == 1100 and "out of range" in api.errors()[-1]


def test_split_at_indices_and_evenly(api):
    x = np.arange(24, dtype=np.float32).reshape(2, 12)
    refs = onnx_ref("Split", {"x": x, "s": np.array([3, 4, 5])}, {"axis": 1}, n_out=3)
    err, outs = run_op(api, "Split", [x], [r.shape for r in refs], axis=1, split_index=[3, 7])
    assert err == 0 and all(np.array_equal(o, r) for o, r in zip(outs, refs))
    err, outs = run_op(api, "Split", [x], [(2, 4)] * 3, axis=1)
    assert err == 0 and np.array_equal(np.concatenate(outs, axis=1), x)


@pytest.mark.parametrize("ranges, begin_mask, end_mask, shrink", [
    ([[0, 2, 1], [1, 5, 2], [0, 3, 1]], 0, 0, 0),
    ([[-1, -4, -1], [0, 6, 3], [1, 2, 1]], 0, 0, 0),
    ([[1, 0, 1], [0, 0, 1], [2, 3, 1]], 0b010, 0b011, 0b100),
])
def test_strided_slice_follows_python_slicing(api, ranges, begin_mask, end_mask, shrink):
    x = np.arange(3 * 6 * 4, dtype=np.float32).reshape(3, 6, 4)
    slices = []
    for axis, (b, e, s) in enumerate(ranges):
        b = None if begin_mask >> axis & 1 else b
        e = None if end_mask >> axis & 1 else e
        slices.append(b if shrink >> axis & 1 else slice(b, e, s))
    ref = x[tuple(slices)]
    err, (out,) = run_op(api, "StridedSlice", [x], [ref.shape], ranges=np.array(ranges, np.int32),
                         begin_mask=begin_mask, end_mask=end_mask, shrink_axes=shrink)
    assert err == 0 and np.array_equal(out, ref)


def test_concat_and_transpose(api):
    a, b = np.ones((2, 3), np.float32), np.zeros((2, 2), np.float32)
    err, (out,) = run_op(api, "Concat", [a, b], [(2, 5)], axis=1)
    assert err == 0 and np.array_equal(out, onnx_ref("Concat", {"a": a, "b": b}, {"axis": 1})[0])
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    err, (out,) = run_op(api, "Transpose", [x], [(4, 2, 3)], perm=[2, 0, 1])
    assert err == 0 and np.array_equal(out, x.transpose(2, 0, 1))
