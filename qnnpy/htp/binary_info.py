"""The emulated HTP's reader for the system library: the binary info of a qnnpy context binary or
binary section, from its metadata alone (no graph is built and no weight is read). Registered
with QnnSystemContext on import.
"""
from qnnpy import QnnDevice, QnnSystemContext, _marshal
from qnnpy import QnnHtpSystemContext as HtpInfo
from qnnpy.backend_api import TensorSpec
from qnnpy.htp import container, context_binary, dtypes, identity as htp
from qnnpy.htp.ir import INPUT_KINDS, OUTPUT_KINDS, STATIC_KINDS
from qnnpy.QnnCommon import QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH
from qnnpy.QnnSystemContext import (QnnSystemContext_BinaryInfo_t, QnnSystemContext_BinaryInfoV3_t,
                                    QnnSystemContext_GraphInfo_t, QnnSystemContext_GraphInfoV3_t)
from qnnpy.QnnTypes import Qnn_TensorType_t as TT, Qnn_Version_t

_GRAPH_V3 = QnnSystemContext._GRAPH_V3
_BINARY_V3 = QnnSystemContext._BINARY_V3


def describe(buffer, size):
    """The binary info of a qnnpy binary; None for bytes of another format; ValueError for a
    qnnpy binary that does not read."""
    try:
        parsed = container.parse(buffer, size, None)
    except container.ContainerError as err:
        if err.kind == container.FOREIGN:
            return None
        raise ValueError(str(err)) from None
    try:
        if parsed.kind == container.KIND_SECTION:
            return _describe_section(parsed)
        if parsed.kind == container.KIND_CONTEXT:
            return _describe(parsed)
        raise ValueError(f"binary kind {parsed.kind} is neither a context binary (1) nor a section (2)")
    except (container.ContainerError, KeyError, TypeError) as err:
        raise ValueError(str(err)) from None


def _tensor_list(entries, parsed):
    return [_marshal.tensor_struct(t["id"], context_binary.spec_from_meta(t, parsed)) for t in entries]


def _bytes(entries) -> int:
    total = 0
    for t in entries:
        count = 1
        for d in t["dims"]:
            count *= d
        total += count * dtypes.storage(t["dtype"]).itemsize
    return total


def _graph_blob_info(ins, outs, own_static, shared_static) -> bytes:
    """The HTP records of one graph. The emulator has no VTCM, spill-fill or op data, so those
    are 0; the sizes are the exact byte counts of the graph's I/O, its own weights and the
    context-level weights it reads (the device rounds these to its allocation granules)."""
    usage = HtpInfo.QnnHtpSystemContext_GraphBlobInfoV2_t(
        ioTensorSize=_bytes(ins + outs), constSize=_bytes(own_static), sharedWeightsSize=_bytes(shared_static))
    return HtpInfo.pack_graph_blob_info(HtpInfo.QnnHtpSystemContext_GraphBlobInfoV1_t(), usage)


def _graph_info(name, ins, outs, updateable, blob=None) -> QnnSystemContext_GraphInfo_t:
    return QnnSystemContext_GraphInfo_t(_GRAPH_V3, QnnSystemContext_GraphInfoV3_t(
        name, len(ins), ins, len(outs), outs, len(updateable), updateable, len(blob or b""), blob))


def _describe(parsed) -> QnnSystemContext_BinaryInfo_t:
    """Binary info from the metadata alone: no graph is built and no weight is read."""
    meta = parsed.meta
    graphs = []
    ctx_entries, graph_entries = context_binary.check_entries(parsed)
    ctx_ids = {t["id"] for t in ctx_entries}
    for g in graph_entries:
        tensors = {t["id"]: t for t in g["tensors"] + ctx_entries}
        used = [i for n in g["nodes"] for i in n["inputs"] + n["outputs"]]
        ids = sorted({i for i in used if i in tensors})
        ins = [tensors[i] for i in ids if tensors[i]["kind"] in INPUT_KINDS]
        outs = [tensors[i] for i in ids if tensors[i]["kind"] in OUTPUT_KINDS]
        upd = [tensors[i] for i in ids if tensors[i]["kind"] in {
            TT.QNN_TENSOR_TYPE_UPDATEABLE_STATIC, TT.QNN_TENSOR_TYPE_UPDATEABLE_NATIVE,
            TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_WRITE, TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READ,
            TT.QNN_TENSOR_TYPE_UPDATEABLE_APP_READWRITE}]
        static = [tensors[i] for i in ids if tensors[i]["kind"] in STATIC_KINDS]
        blob = _graph_blob_info(ins, outs, [t for t in static if t["id"] not in ctx_ids],
                                [t for t in static if t["id"] in ctx_ids])
        graphs.append(_graph_info(g["name"], _tensor_list(ins, parsed), _tensor_list(outs, parsed),
                                  _tensor_list(upd, parsed), blob))
    ctx_tensors = [t for t in ctx_entries if t["kind"] not in STATIC_KINDS]
    return QnnSystemContext_BinaryInfo_t(
        _BINARY_V3, _binary_info_body(parsed, meta, graphs, ctx_tensors))


def _describe_section(parsed) -> QnnSystemContext_BinaryInfo_t:
    """Binary info of an adapter section: per graph, every graph input and output in the base
    binary's order and ids, with the encodings the adapter gives them (Genie refreshes its
    cached I/O tensors from this list position by position, ids included), and every
    updateable tensor the section carries. (Sections made before the I/O list was stored
    describe only the I/O tensors whose encodings they set.)"""
    graphs = []
    for g in parsed.meta.get("graphs") or []:
        context_binary._require(isinstance(g, dict) and isinstance(g.get("tensors"), list)
                                and isinstance(g.get("name"), str), "a graph entry is malformed")
        context_binary._require(isinstance(g.get("io", []), list), f"graph '{g['name']}': the I/O list is malformed")
        carried = [_section_struct(t, parsed) for t in g["tensors"]]
        io = [_section_struct(t, parsed) for t in g["io"]] if "io" in g else carried
        ins = [st for kind, st in io if kind in INPUT_KINDS]
        outs = [st for kind, st in io if kind in OUTPUT_KINDS]
        graphs.append(_graph_info(g["name"], ins, outs, [st for _, st in carried]))
    return QnnSystemContext_BinaryInfo_t(
        _BINARY_V3, _binary_info_body(parsed, parsed.meta, graphs, []))


def _section_struct(t, parsed) -> tuple:
    context_binary.check_registered_tensor_meta(t, len(parsed.data))
    spec = TensorSpec(t["name"], t["kind"], t["dtype"], tuple(t["dims"]),
                      context_binary.encoding_from_meta(t.get("encoding")))
    return t["kind"], _marshal.tensor_struct(t["id"], spec)


def _binary_info_body(parsed, meta, graphs, ctx_tensors) -> QnnSystemContext_BinaryInfoV3_t:
    """The emulated HTP is no particular architecture: dspArch 0 in the context metadata, as
    QnnDevice reports for its one core, and SoC model 0 (unknown), as the real library reports
    for a binary prepared without a SoC."""
    context_binary._require(isinstance(meta.get("build_id"), str), "the build id is not a string")
    metadata = HtpInfo.pack_context_blob_info(HtpInfo.QnnHtpSystemContext_ContextBlobInfoV1_t(0))
    return QnnSystemContext_BinaryInfoV3_t(
        backendId=htp.BACKEND_ID, buildId=meta.get("build_id"),
        coreApiVersion=Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH),
        backendApiVersion=Qnn_Version_t(*htp.API_VERSION), socVersion="qnnpy-emulated-htp",
        contextBlobVersion=Qnn_Version_t(container.FORMAT_VERSION, 0, 0),
        contextBlobSize=len(parsed.data), numContextTensors=len(ctx_tensors),
        contextTensors=_tensor_list(ctx_tensors, parsed), numGraphs=len(graphs), graphs=graphs,
        platformInfo=QnnDevice._platform_info(), contextMetadataSize=len(metadata), contextMetadata=metadata)


QnnSystemContext.register_reader(describe)
