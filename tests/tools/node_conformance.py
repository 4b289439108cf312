"""ONNX's own backend node tests through the converter and ``QnnGraph_execute``.

Each case ends in one verdict:
- PASS: converted, executed, every output equal to ONNX's expected output (floats to the
  case's rtol and 1e-5 absolute, integers and booleans exactly, shapes exactly);
- REFUSED: the converter refused it with a ConversionError naming the reason;
- WRONG: converted and executed, but an output differs — a silent wrong number;
- ERROR: anything else (a traceback out of the converter, a graph the converter accepted
  that the backend refused, an execute that failed).

``python -m tests.tools.node_conformance`` prints the tally and the per-op table;
``--op NAME`` restricts the run, ``--show WRONG,ERROR`` lists those cases' details.
"""
import argparse
import collections
import re
import sys
import traceback
import warnings

import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.builder import io_tensor
from qnnpy.htp import dtypes
from qnnpy.tools import model_file
from qnnpy.tools.converter import ConversionError, build_graph

PASS, REFUSED, WRONG, ERROR = "PASS", "REFUSED", "WRONG", "ERROR"


def load_cases():
    from onnx.backend.test.loader import load_model_tests
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_model_tests(kind="node")


def op_of(case) -> str:
    ops = [n.op_type for n in case.model.graph.node]
    return ops[0] if len(ops) == 1 else (ops[-1] if ops else "?")


def reason_class(message: str) -> str:
    """The reason, without the node and tensor names, for the tally."""
    m = re.search(r"\[([a-z -]+)\]", message)
    return m.group(1) if m else "other"


def _storage(graph, name):
    return dtypes.storage(model_file.qnn_dtype(graph.tensors[name].dtype))


def _array(value):
    """The loader hands some values over as TensorProto."""
    from onnx import TensorProto, numpy_helper
    return numpy_helper.to_array(value) if isinstance(value, TensorProto) else np.asarray(value)


def _feed(value, storage: np.dtype) -> np.ndarray:
    value = _array(value)
    if value.dtype != storage and np.issubdtype(value.dtype, np.integer) and np.issubdtype(storage, np.integer):
        info = np.iinfo(storage)
        if value.size and (value.min() < info.min or value.max() > info.max):
            raise ValueError(f"input values do not fit {storage}")
    return np.ascontiguousarray(value.astype(storage))


def _same(expected: np.ndarray, got: np.ndarray, rtol: float) -> str | None:
    """None when equal, else what differs."""
    if tuple(expected.shape) != tuple(got.shape):
        return f"shape {list(got.shape)}, expected {list(expected.shape)}"
    if expected.dtype == np.bool_ or got.dtype == np.bool_:
        ok = np.array_equal(expected.astype(bool), got.astype(bool))
    elif np.issubdtype(expected.dtype, np.floating):
        if not np.issubdtype(got.dtype, np.floating):
            return f"dtype {got.dtype}, expected {expected.dtype}"
        if expected.dtype == np.float16:  # the HTP rounds each op to float16, the reference too, in its own order
            rtol = max(rtol, 2.0 ** -9)
        ok = np.allclose(got.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=1e-5, equal_nan=True)
    else:
        if np.issubdtype(got.dtype, np.floating):
            return f"dtype {got.dtype}, expected {expected.dtype}"
        ok = np.array_equal(expected.astype(np.int64), got.astype(np.int64))
    if ok:
        return None
    diff = np.abs(expected.astype(np.float64) - got.astype(np.float64))
    return f"max |diff| {np.nanmax(diff) if diff.size else 0:.3g}"


def run_case(case) -> tuple[str, str]:
    """(verdict, detail) for one node test case."""
    try:
        graph = build_graph(case.model, set(), "g")
    except ConversionError as err:
        return REFUSED, str(err)
    except Exception:
        return ERROR, "converter raised: " + traceback.format_exc(limit=3)
    _, backend = QnnBackend.QnnBackend_create(None, None)
    try:
        _, context = QnnContext.QnnContext_create(backend, None, None)
        _, handle = QnnGraph.QnnGraph_create(context, "g", None)
        try:
            registered = model_file.compose(handle, graph)
        except Exception as err:
            return ERROR, f"backend refused the converted graph: {err}"
        for inputs, expected in case.data_sets:
            given = dict(zip([i.name for i in case.model.graph.input], inputs))
            try:
                feeds = [io_tensor(registered[n], _feed(given[n], _storage(graph, n))) for n in graph.inputs]
            except (ValueError, AttributeError, KeyError) as err:
                return ERROR, f"cannot feed the inputs: {err!r}"
            outs = {n: np.zeros(graph.tensors[n].shape, _storage(graph, n)) for n in graph.outputs}
            err = QnnGraph.QnnGraph_execute(handle, feeds, len(feeds), [io_tensor(registered[n], b)
                                                                       for n, b in outs.items()], len(outs), None, None)
            if err:
                return ERROR, f"QnnGraph_execute returned {err!r}"
            for name, want in zip([o.name for o in case.model.graph.output], expected):
                if name not in outs:
                    return ERROR, f"output '{name}' missing"
                diff = _same(_array(want), outs[name], case.rtol)
                if diff:
                    return WRONG, f"output '{name}': {diff}"
        return PASS, ""
    finally:
        QnnBackend.QnnBackend_free(backend)


def run_all(cases) -> list[tuple[str, str, str, str]]:
    """[(case name, op, verdict, detail)]."""
    from tests.fuzz import quiet_log
    results = []
    with warnings.catch_warnings(), np.errstate(all="ignore"), quiet_log():
        warnings.simplefilter("ignore")
        for case in cases:
            verdict, detail = run_case(case)
            results.append((case.name, op_of(case), verdict, detail))
    return results


def tally(results) -> str:
    counts = collections.Counter(v for _, _, v, _ in results)
    reasons = collections.Counter(reason_class(d) for _, _, v, d in results if v == REFUSED)
    lines = [f"node tests: {len(results)} cases: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in
                                                                (PASS, REFUSED, WRONG, ERROR))]
    lines += [f"  refused, {r}: {n}" for r, n in reasons.most_common()]
    return "\n".join(lines)


def op_table(results) -> str:
    per_op = collections.defaultdict(collections.Counter)
    for _, op, verdict, _ in results:
        per_op[op][verdict] += 1
    lines = [f"{'op':28} {'pass':>5} {'refused':>8} {'wrong':>6} {'error':>6}"]
    for op in sorted(per_op):
        c = per_op[op]
        lines.append(f"{op:28} {c[PASS]:5} {c[REFUSED]:8} {c[WRONG]:6} {c[ERROR]:6}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op", help="only the cases of this ONNX op")
    parser.add_argument("--name", help="only cases whose name contains this")
    parser.add_argument("--show", default="WRONG,ERROR", help="verdicts whose cases are listed")
    parser.add_argument("--table", action="store_true", help="print the per-op table")
    args = parser.parse_args(argv)
    cases = [c for c in load_cases() if (not args.op or op_of(c) == args.op) and (not args.name or args.name in c.name)]
    results = run_all(cases)
    show = set(args.show.split(",")) if args.show else set()
    for name, op, verdict, detail in results:
        if verdict in show:
            print(f"{verdict:8} {name}: {detail.strip()}")
    if args.table:
        print(op_table(results))
    print(tally(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
