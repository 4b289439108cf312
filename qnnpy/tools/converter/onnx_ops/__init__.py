"""ONNX op -> QNN ops: one handler per ONNX op, registered with the attributes it reads.

A handler gets the importer, the node and its attributes; it emits QNN ops through
``im.emit`` (or records constants) and refuses what it cannot lower with ``im.refuse``.
The importer refuses any attribute a handler does not list, so none is silently ignored.
"""
HANDLERS: dict[str, tuple] = {}


def handles(*names, attrs=()):
    def register(fn):
        for name in names:
            HANDLERS[name] = (fn, frozenset(attrs))
        return fn
    return register


from qnnpy.tools.converter.onnx_ops import elementwise, nn, tensor  # noqa: E402,F401  (registration)
