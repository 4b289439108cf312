"""include/QnnOpDef.h is rendered from the op table of :mod:`qnnpy.QnnOpDef`.

One table feeds both faces, so a C client and a Python client see the same op names; a test
checks that the committed header equals this rendering. Regenerate after editing the table:
``python -m qnnpy.shim.opdef_header``.
"""
import os

from qnnpy import QnnOpDef

HEADER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "include", "QnnOpDef.h")

PREAMBLE = """\
/* qnnpy — QnnOpDef.h: the names of the QNN op set. Every op of package "qti.aisw" has a
 * macro holding its type name, one per parameter holding the parameter's name, and one per
 * member of an enumerated parameter holding its integer value. The emulated HTP runs a
 * subset of these ops (qnnpy/htp/ops); the others are named so that code written for the
 * device compiles, and are refused with a log line when a graph uses them.
 * Rendered from qnnpy/QnnOpDef.py by qnnpy/shim/opdef_header.py; edit the table there. */
#ifndef QNN_OP_DEF_H
#define QNN_OP_DEF_H

"""


def render() -> str:
    lines = [PREAMBLE.rstrip("\n"), "",
             f'#define QNN_OP_PACKAGE_NAME_QTI_AISW "{QnnOpDef.QNN_OP_PACKAGE_NAME_QTI_AISW}"',
             f"#define QNN_OPSET_VERSION_MAJOR {QnnOpDef.QNN_OPSET_VERSION_MAJOR}",
             f"#define QNN_OPSET_VERSION_MINOR {QnnOpDef.QNN_OPSET_VERSION_MINOR}",
             f"#define QNN_OPSET_VERSION_PATCH {QnnOpDef.QNN_OPSET_VERSION_PATCH}"]
    for stem, op_type, params in QnnOpDef.OPS:
        lines += ["", f'#define QNN_OP_{stem} "{op_type}"']
        for name, members in params:
            lines.append(f'#define QNN_OP_{stem}_PARAM_{name.upper()} "{name}"')
            lines += [f"#define QNN_OP_{stem}_{name.upper()}_{member} {value}"
                      for value, member in enumerate(members)]
    return "\n".join(lines + ["", "#endif /* QNN_OP_DEF_H */", ""])


if __name__ == "__main__":
    with open(HEADER, "w") as out:
        out.write(render())
