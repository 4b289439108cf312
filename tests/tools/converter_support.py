"""Run a converted model through the public API, for the converter tests."""
import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph
from qnnpy.builder import io_tensor
from qnnpy.tools import model_file


class Loaded:
    """A .qnnpy model composed into a fresh context; ``run`` takes and returns float arrays,
    quantizing and dequantizing I/O with the model's encodings when it is quantized."""

    def __init__(self, path):
        self.graphs, self.info = model_file.load(path)
        self.graph = self.graphs[0]
        _, self.backend = QnnBackend.QnnBackend_create(None, None)
        _, self.context = QnnContext.QnnContext_create(self.backend, None, None)
        _, self.handle = QnnGraph.QnnGraph_create(self.context, self.graph.name, None)
        self.registered = model_file.compose(self.handle, self.graph)

    def _to_storage(self, name, values):
        t = self.graph.tensors[name]
        if t.encoding is None:
            return np.ascontiguousarray(values, np.float16 if t.dtype == "FLOAT_16" else values.dtype)
        bits = int(t.dtype.rsplit("_", 1)[1])
        codes = np.clip(np.rint(values / t.encoding.scale) - t.encoding.offset, 0, 2 ** bits - 1)
        return codes.astype(np.uint8 if bits == 8 else np.uint16)

    def run(self, **inputs) -> dict:
        ins = [io_tensor(self.registered[n], self._to_storage(n, v)) for n, v in inputs.items()]
        outs = {}
        for name in self.graph.outputs:
            t = self.graph.tensors[name]
            dtype = np.float32 if t.dtype == "FLOAT_32" else np.float16 if t.dtype == "FLOAT_16" else \
                np.uint8 if t.dtype.endswith("_8") else np.uint16
            outs[name] = np.zeros(t.shape, dtype)
        err = QnnGraph.QnnGraph_execute(self.handle, ins, len(ins), [io_tensor(self.registered[n], b) for n, b in outs.items()],
                                        len(outs), None, None)
        assert err == 0, err
        result = {}
        for name, raw in outs.items():
            enc = self.graph.tensors[name].encoding
            result[name] = raw.astype(np.float32) if enc is None else (raw.astype(np.float64) + enc.offset) * enc.scale
        return result

    def close(self):
        QnnBackend.QnnBackend_free(self.backend)


def sqnr_db(ref, got) -> float:
    noise = float(np.sum((ref.astype(np.float64) - got) ** 2))
    return float("inf") if noise == 0 else 10 * np.log10(float(np.sum(ref.astype(np.float64) ** 2)) / noise)
