"""Running a converted graph on float samples, through the public API.

Calibration and the quantization analyzer both need a graph's outputs for float inputs:
fixed-point inputs are quantized and fixed-point outputs dequantized with the graph's own
encodings, so float and quantized graphs compare directly.
"""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnLog
from qnnpy.builder import BuilderError, io_tensor
from qnnpy.tools import model_file
from qnnpy.tools.converter.model import Graph
from qnnpy.tools.converter.quantizer import container, dequantize_values, quantize_values


class RunError(Exception):
    pass


class GraphRunner:
    """``graph`` composed into a context of its own backend; ``close`` (or ``with``) frees it.
    A graph the backend refuses raises RunError with the backend's own log line."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.errors: list[str] = []
        _, self.logger = QnnLog.QnnLog_create(self._log, QnnLog.QnnLog_Level_t.QNN_LOG_LEVEL_ERROR)
        _, self.backend = QnnBackend.QnnBackend_create(self.logger, None)
        try:
            _, context = QnnContext.QnnContext_create(self.backend, None, None)
            _, self.handle = QnnGraph.QnnGraph_create(context, graph.name, None)
            self.registered = model_file.compose(self.handle, graph)
        except BuilderError as err:
            self.close()
            raise RunError(self.errors[-1] if self.errors else str(err)) from None
        except BaseException:
            self.close()
            raise

    def _log(self, fmt, level, timestamp, args):
        self.errors.append(fmt % tuple(args))

    def run(self, sample: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """{output name: float32 values} for {input name: float values}."""
        feeds = [io_tensor(self.registered[n], self._stored(n, v)) for n, v in sample.items()]
        buffers = {n: np.zeros(self.graph.tensors[n].shape, self._storage(n)) for n in self.graph.outputs}
        err = QnnGraph.QnnGraph_execute(self.handle, feeds, len(feeds),
                                        [io_tensor(self.registered[n], b) for n, b in buffers.items()],
                                        len(buffers), None, None)
        if err:
            raise RunError(self.errors[-1] if self.errors else f"executing '{self.graph.name}' failed with {err!r}")
        return {n: self._real(n, b) for n, b in buffers.items()}

    def _storage(self, name: str) -> type:
        t = self.graph.tensors[name]
        if t.encoding is not None:
            return container(t.encoding)
        return {"FLOAT_32": np.float32, "FLOAT_16": np.float16}.get(t.dtype, np.int32)

    def _stored(self, name: str, values: np.ndarray) -> np.ndarray:
        t = self.graph.tensors[name]
        if t.encoding is not None:
            return quantize_values(values, t.encoding)
        return np.ascontiguousarray(values, self._storage(name))

    def _real(self, name: str, raw: np.ndarray) -> np.ndarray:
        t = self.graph.tensors[name]
        return dequantize_values(raw, t.encoding) if t.encoding is not None else raw.astype(np.float32)

    def close(self) -> None:
        if self.backend is not None:
            QnnBackend.QnnBackend_free(self.backend)
            self.backend = None
        if self.logger is not None:
            QnnLog.QnnLog_free(self.logger)
            self.logger = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
