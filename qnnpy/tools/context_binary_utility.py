"""``qnnpy context-binary-utility``: what a context binary or a binary section holds, as JSON.

Built on QnnSystemContext_getBinaryInfo (the same call a client makes on device): backend id,
build id (the SDK version stamp a section must match), API versions, sizes, context tensors,
and per graph its inputs, outputs and updatable tensors with data types, shapes and
quantization encodings, plus the HTP's records (the context's DSP architecture, each graph's
memory needs in bytes). For a section, the graphs are those it covers, the I/O tensors are
those whose encodings it sets, and the updatable tensors are the ones it carries.
"""
import dataclasses
import json
import os
import sys
import tempfile

from qnnpy import QnnHtpSystemContext as HtpInfo, lora
from qnnpy.htp import container, dtypes
from qnnpy.QnnTypes import Qnn_QuantizationEncoding_t as QE
from qnnpy.QnnTypes import Qnn_TensorType_t

KINDS = {container.KIND_CONTEXT: "context binary", container.KIND_SECTION: "binary section"}


def _version(v) -> str:
    return f"{v.major}.{v.minor}.{v.patch}"


def _encoding(qp) -> dict | None:
    kind = qp.quantizationEncoding
    if kind == QE.QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
        return {"type": "scale_offset", "scale": qp.scaleOffsetEncoding.scale, "offset": qp.scaleOffsetEncoding.offset}
    if kind == QE.QNN_QUANTIZATION_ENCODING_BW_SCALE_OFFSET:
        e = qp.bwScaleOffsetEncoding
        return {"type": "bw_scale_offset", "bitwidth": e.bitwidth, "scale": e.scale, "offset": e.offset}
    if kind == QE.QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET:
        e = qp.axisScaleOffsetEncoding
        return {"type": "axis_scale_offset", "axis": e.axis, "scales": [s.scale for s in e.scaleOffset or []],
                "offsets": [s.offset for s in e.scaleOffset or []]}
    if kind == QE.QNN_QUANTIZATION_ENCODING_BW_AXIS_SCALE_OFFSET:
        e = qp.bwAxisScaleOffsetEncoding
        return {"type": "bw_axis_scale_offset", "bitwidth": e.bitwidth, "axis": e.axis, "scales": list(e.scales or []),
                "offsets": list(e.offsets) if e.offsets is not None else [0] * len(e.scales or [])}
    return None


def _tensor(t) -> dict:
    b = t.v2
    return {"name": b.name, "id": b.id, "type": Qnn_TensorType_t(b.type).name,
            "dataType": dtypes.name(b.dataType), "dimensions": [int(d) for d in b.dimensions or []],
            "quantization": _encoding(b.quantizeParams)}


def _graph_records(blob) -> dict | None:
    """The HTP's per-graph records (memory needs), as a device client would decode them."""
    if not blob:
        return None
    v1, v2 = HtpInfo.unpack_graph_blob_info(blob)
    return {**dataclasses.asdict(v1), **{k: v for k, v in dataclasses.asdict(v2).items() if k != "version"}}


def describe(data) -> dict:
    """The JSON document for one binary; ValueError when it is not readable."""
    info = lora.binary_info(data).contextBinaryInfoV3
    kind = container.HEADER.unpack_from(data, 0)[2]  # the documented header: magic, version, kind
    return {
        "kind": KINDS.get(kind, f"kind {kind}"),
        "size": len(data),
        "backendId": info.backendId,
        "buildId": info.buildId,
        "coreApiVersion": _version(info.coreApiVersion),
        "backendApiVersion": _version(info.backendApiVersion),
        "socVersion": info.socVersion,
        "contextBlobSize": info.contextBlobSize,
        "dspArch": HtpInfo.unpack_context_blob_info(info.contextMetadata).dspArch,
        "contextTensors": [_tensor(t) for t in info.contextTensors or []],
        "graphs": [{"name": g.graphInfoV3.graphName,
                    "inputs": [_tensor(t) for t in g.graphInfoV3.graphInputs or []],
                    "outputs": [_tensor(t) for t in g.graphInfoV3.graphOutputs or []],
                    "updateableTensors": [_tensor(t) for t in g.graphInfoV3.updateableTensors or []],
                    "htp": _graph_records(g.graphInfoV3.graphBlobInfo)}
                   for g in info.graphs or []],
    }


def add_arguments(parser) -> None:
    parser.add_argument("--context_binary", required=True, help="a context binary or binary section")
    parser.add_argument("--json_file", required=True, help="where to write the description")


def run(args) -> int:
    try:
        with open(args.context_binary, "rb") as f:
            document = describe(f.read())
    except (OSError, ValueError) as err:
        print(f"qnnpy context-binary-utility: error: {args.context_binary}: {err}", file=sys.stderr)
        return 1
    text = json.dumps(document, indent=1)  # whole before any file is opened: no partial output
    folder = os.path.dirname(os.path.abspath(args.json_file))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".qnnpy-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, args.json_file)
    print(f"wrote {args.json_file}: {document['kind']}, {len(document['graphs'])} graph(s)")
    return 0
