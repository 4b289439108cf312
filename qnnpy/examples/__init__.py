"""Built-in example models, written with onnx.helper (no torch needed)."""
