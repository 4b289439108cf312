"""Run many ONNX models on ONNX Runtime's QNN execution provider in one process, one session
each: ``python -m tests.shim.ort_batch BACKEND CASES_DIR``. CASES_DIR holds ``<name>.onnx`` and
``<name>.in.npz``; each model's outputs go to ``<name>.out.npz``, or its error to
``<name>.err``. CPU fallback is disabled, so every node runs on the backend or the session fails.
One process for a whole table (the per-op agreement test), instead of one per model."""
import pathlib
import sys

import numpy as np


def main(backend: str, folder: str) -> int:
    import onnxruntime as ort
    import onnxruntime_qnn
    ort.register_execution_provider_library("QNNExecutionProvider", onnxruntime_qnn.get_library_path())
    devices = [d for d in ort.get_ep_devices() if d.ep_name == "QNNExecutionProvider"]
    for model in sorted(pathlib.Path(folder).glob("*.onnx")):
        name = model.name.removesuffix(".onnx")
        so = ort.SessionOptions()
        so.add_session_config_entry("session.disable_cpu_ep_fallback", "1")
        so.add_provider_for_devices(devices[:1], {"backend_path": backend})
        try:
            session = ort.InferenceSession(str(model), so)
            results = session.run(None, dict(np.load(model.with_name(f"{name}.in.npz"))))
        except Exception as err:  # a refused model is a row of the table, not the end of the run
            model.with_name(f"{name}.err").write_text(str(err))
            continue
        np.savez(model.with_name(f"{name}.out.npz"), *results)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
