"""qnn-net-run's input list, shared by the converter's calibration, the importer and net-run.

One inference per line: either raw files in the graph's input order, or ``name:=file`` pairs
(any order). Paths are relative to the list's folder. Lines starting with ``#`` are comments
(qnn-net-run reads a first ``#`` line as output names; we compute every output anyway).

Raw files hold float32 values, whatever the input's type, as qnn-net-run and the QAIRT
converter read them by default; an integer or boolean input's values must then be whole
numbers in its type's range (a file of int32 codes read as float32 would otherwise become
a tensor of zeros without a word). With ``native`` (``--use_native_input_files``) the files
hold the input's own type.
"""
import os

import numpy as np


class InputListError(ValueError):
    pass


def read_input_list(path: str, inputs: dict[str, tuple[tuple[int, ...], np.dtype]],
                    native: bool = False) -> list[dict[str, np.ndarray]]:
    """[{input name: array}] for each line; ``inputs`` maps each input, in order, to its shape,
    its own (native) dtype and optionally a per-input ``native`` that overrides the global one
    (net-run's --native_input_tensor_names). Arrays come back float32 for real inputs and in
    their own type for integer and boolean ones (in their own type throughout when native)."""
    try:
        with open(path) as f:
            lines = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    except OSError as err:
        raise InputListError(f"cannot read input list {path}: {err}") from None
    if not lines:
        raise InputListError(f"input list {path} lists no inputs")
    folder = os.path.dirname(os.path.abspath(path))
    names = list(inputs)
    samples = []
    for number, line in enumerate(lines, 1):
        named = [e.split(":=", 1) if ":=" in e else (None, e) for e in line.split()]
        if len(named) != len(names):
            raise InputListError(f"{path} line {number}: {len(named)} files for {len(names)} inputs {names}")
        sample = {}
        for position, (name, file) in enumerate(named):
            name = name or names[position]
            if name not in inputs:
                raise InputListError(f"{path} line {number}: '{name}' is not an input; inputs are {names}")
            shape, own, *override = inputs[name]
            is_native = override[0] if override else native
            dtype = np.dtype(own) if is_native else np.dtype(np.float32)
            where = f"{path} line {number}: {os.path.join(folder, file)}"
            try:
                raw = np.fromfile(os.path.join(folder, file), dtype=dtype)
            except (OSError, ValueError) as err:
                raise InputListError(f"{where}: cannot read it: {err}") from None
            count = int(np.prod(shape))
            if raw.size != count:
                raise InputListError(f"{where} holds {raw.size} {dtype.name} values; input '{name}' {list(shape)} "
                                     f"needs {count}{_size_hint(raw.nbytes, count, own, is_native)}")
            if not is_native and np.dtype(own).kind in "iub":
                raw = _whole_numbers(raw, np.dtype(own), f"{where} (input '{name}')")
            sample[name] = raw.reshape(shape)
        samples.append(sample)
    return samples


def _whole_numbers(values: np.ndarray, own: np.dtype, where: str) -> np.ndarray:
    """float32 file values for an integer or boolean input, checked and converted."""
    low, high = (0, 1) if own.kind == "b" else (np.iinfo(own).min, np.iinfo(own).max)
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < low) | (values > high)
    if bad.any():
        first = float(values[np.argmax(bad)])
        raise InputListError(f"{where}: holds {first!r}, not a whole number in the {own.name} input's range; "
                             "raw files hold float32 values (write them as float32, or pass "
                             f"--use_native_input_files and write {own.name} values)")
    return values.astype(own)


def _size_hint(nbytes: int, count: int, own, native: bool) -> str:
    for guess in (np.int64, np.int32, np.float32, np.float16, np.uint8):
        if nbytes == count * np.dtype(guess).itemsize and (native or guess != np.float32):
            fix = (f"write float32 values, or {np.dtype(own).name} values with --use_native_input_files"
                   if not native else f"write {np.dtype(own).name} values")
            return f"; it is the size of {count} {np.dtype(guess).name} values: {fix}"
    return ""
