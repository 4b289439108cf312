"""Raw input files are read as qnn-net-run reads them: float32 unless the files are native."""
import numpy as np
import pytest

from qnnpy.tools.input_list import InputListError, read_input_list

SPEC = {"input_ids": ((1, 4), np.dtype(np.int32)), "x": ((1, 2), np.dtype(np.float32))}


def write(folder, ids, x):
    ids.tofile(folder / "ids.raw")
    x.tofile(folder / "x.raw")
    (folder / "list.txt").write_text("input_ids:=ids.raw x:=x.raw\n")
    return str(folder / "list.txt")


def test_float_files_become_integers(tmp_path):
    path = write(tmp_path, np.array([3, 0, 127, 5], np.float32), np.array([0.5, -1], np.float32))
    (sample,) = read_input_list(path, SPEC)
    assert sample["input_ids"].dtype == np.int32 and sample["input_ids"].tolist() == [[3, 0, 127, 5]]
    assert sample["x"].dtype == np.float32


def test_native_files_keep_their_type(tmp_path):
    path = write(tmp_path, np.array([3, 0, 127, 5], np.int32), np.array([0.5, -1], np.float32))
    (sample,) = read_input_list(path, SPEC, native=True)
    assert sample["input_ids"].tolist() == [[3, 0, 127, 5]]


def test_integer_codes_read_as_float_are_refused(tmp_path):
    """int32 token ids read as float32 are tiny denormals: they would silently become zeros."""
    path = write(tmp_path, np.array([3, 9, 127, 5], np.int32), np.array([0.5, -1], np.float32))
    with pytest.raises(InputListError, match="not a whole number .* --use_native_input_files"):
        read_input_list(path, SPEC)


def test_int64_file_of_the_wrong_size_is_explained(tmp_path):
    path = write(tmp_path, np.array([3, 9, 127, 5], np.int64), np.array([0.5, -1], np.float32))
    with pytest.raises(InputListError, match="size of 4 int64 values"):
        read_input_list(path, SPEC)
