"""qnn-net-run's input list, shared by the converter's calibration, the importer and net-run.

One inference per line: either raw files in the graph's input order, or ``name:=file`` pairs
(any order). Paths are relative to the list's folder. Lines starting with ``#`` are comments
(qnn-net-run reads a first ``#`` line as output names; we compute every output anyway).
"""
import os

import numpy as np


class InputListError(ValueError):
    pass


def read_input_list(path: str, inputs: dict[str, tuple[tuple[int, ...], np.dtype]]) -> list[dict[str, np.ndarray]]:
    """[{input name: array}] for each line; ``inputs`` maps each input, in order, to the shape
    and the dtype its raw files hold."""
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
            shape, dtype = inputs[name]
            full = os.path.join(folder, file)
            try:
                raw = np.fromfile(full, dtype=dtype)
            except OSError as err:
                raise InputListError(f"{path} line {number}: cannot read {full}: {err}") from None
            if raw.size != int(np.prod(shape)):
                raise InputListError(f"{path} line {number}: {full} holds {raw.size} values; input '{name}' "
                                     f"{list(shape)} needs {int(np.prod(shape))} ({np.dtype(dtype).name}, raw)")
            sample[name] = raw.reshape(shape)
        samples.append(sample)
    return samples
