"""Run one ONNX model on ONNX Runtime's QNN execution provider in this process and save its
outputs: ``python -m tests.shim.ort_session BACKEND MODEL INPUTS.npz OUTPUTS.npz [key=value ...]``.
Keys starting ``ep.`` or ``session.`` are session config entries, ``run.<key>`` the run option
``<key>`` (``run.qnn.lora_config=...``), any other key a QNN provider option.

A separate process per session, so that a crash inside a backend shows as a signal instead of
taking the test run down, and so that the shim's embedded interpreter starts fresh. CPU
fallback is disabled: every node runs on the backend or the session fails.
"""
import sys

import numpy as np


def main(backend: str, model: str, inputs: str, outputs: str, *options: str) -> int:
    import onnxruntime as ort
    import onnxruntime_qnn
    ort.register_execution_provider_library("QNNExecutionProvider", onnxruntime_qnn.get_library_path())
    so = ort.SessionOptions()
    so.add_session_config_entry("session.disable_cpu_ep_fallback", "1")
    provider, session_entries, run_options = {"backend_path": backend}, {}, ort.RunOptions()
    for option in options:
        key, value = option.split("=", 1)
        if key.startswith("run."):
            run_options.add_run_config_entry(key[len("run."):], value)
        else:
            (session_entries if key.startswith(("ep.", "session.")) else provider)[key] = value
    for key, value in session_entries.items():
        so.add_session_config_entry(key, value)
    devices = [d for d in ort.get_ep_devices() if d.ep_name == "QNNExecutionProvider"]
    so.add_provider_for_devices(devices[:1], provider)
    try:
        session = ort.InferenceSession(model, so)
        results = session.run(None, dict(np.load(inputs)), run_options)
    except Exception as err:  # ORT reports a failing QNN call as an exception: print it, exit 1
        print(f"ORT error: {err}", file=sys.stderr)
        return 1
    np.savez(outputs, *results)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
