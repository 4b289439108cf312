"""Reading a user's ONNX model, the same way in every tool: with its external data, found
beside the model whatever the working directory, and one clear error when it cannot be read."""
import onnx


class OnnxFileError(Exception):
    pass


def load(path: str) -> onnx.ModelProto:
    try:
        return onnx.load(path)  # external data is looked up in the model's own folder
    except Exception as err:  # onnx raises many types for unreadable files and missing data
        raise OnnxFileError(f"cannot read ONNX model {path}: {str(err).splitlines()[0]}") from None
