"""``qnnpy net-run``: run a context binary on raw input files, with and without adapters, the
way qnn-net-run does.

The graphs and their I/O come from QnnSystemContext_getBinaryInfo, so any context binary
works, not only ours. Inputs are float32 raw files quantized with the input's current encoding
(``--use_native_input_files``: already in the tensor's own type); outputs are written
dequantized as float32 (``--use_native_output_files``: the tensor's own type, ``_native``
suffix). Results go to ``<output_dir>/Result_<i>/<tensor>.raw`` (``Result_<i>/<graph>/`` when
several graphs run). With ``--binary_updates`` each section in the YAML is applied in turn
(``graph: [a.bin, b.bin]`` for one graph, ``graph: [{group: [super.bin]}]`` for a super
adapter over every graph it covers), the I/O encodings are refreshed from the section's
binary info, and every input line is run again into ``<output_dir>/<graph or group>_update<k>/``
(k counts from 1 per entry). ``execution_metadata.yaml`` lists each graph's outputs.
Several graphs take one input list each (comma-separated, in the context's graph order) unless
they agree on their inputs. A context with LoRA weight sharing (the HTP config's
``lora_weight_sharing``) cannot run without an adapter, so only the updates are run.
"""
import itertools
import mmap
import os
import re
import sys
import time
from dataclasses import dataclass

import numpy as np
import yaml

from qnnpy import QnnBackend, QnnContext, QnnGraph, lora
from qnnpy.builder import io_tensor
from qnnpy.htp import dtypes
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_ENABLE_GRAPHS, QNN_CONTEXT_SECTION_UPDATABLE
from qnnpy.QnnTypes import QNN_QUANTIZATION_ENCODING_SCALE_OFFSET
from qnnpy.tools import config_files, device_flags, input_list, netrun_config


class NetRunError(Exception):
    pass


@dataclass
class Update:
    label: str           # the graph or group name the output folders carry
    graph: str | None    # the graph a plain entry targets; None for a group (super adapter)
    files: list[str]


@dataclass
class Schedule:
    """qnn-net-run's --num_inferences (cycling over the input list), --duration (seconds,
    cycling until they have passed, a whole list at least) and --keep_num_outputs (only the
    first inferences' outputs are written; the rest still run)."""
    count: int | None = None
    seconds: float | None = None
    keep: int | None = None

    def inferences(self, samples: list):
        if self.count is not None:
            yield from ((i, samples[i % len(samples)]) for i in range(self.count))
            return
        if self.seconds is None:
            yield from enumerate(samples)
            return
        end = time.monotonic() + self.seconds
        for i in itertools.count():
            if i >= len(samples) and time.monotonic() >= end:
                return
            yield i, samples[i % len(samples)]


@dataclass
class RunGraph:
    name: str
    handle: int
    inputs: list         # Qnn_Tensor_t from the binary info, encodings refreshed as sections apply
    outputs: list


def read_updates(path: str) -> list[Update]:
    """``--binary_updates``: ``version: 1`` and ``graphs``, a list of {graph: [files]} or
    {graph: [{group: [files]}]}; file paths relative to the YAML's folder. The inline form
    ``graph,a.bin;b.bin`` (a graph and its sections, paths relative to the working
    directory) is read too."""
    if not os.path.isfile(path) and "," in path:
        graph, _, files = path.partition(",")
        resolved = [f for f in files.split(";") if f]
        missing = [f for f in resolved if not os.path.isfile(f)]
        if not graph or not resolved or missing:
            raise NetRunError(f"--binary_updates '{path}': expected graph,section.bin[;section.bin...] of existing "
                              f"files{f'; missing {missing}' if missing else ''}")
        return [Update(graph, graph, resolved)]
    doc = config_files.read(path, "--binary_updates", NetRunError)
    entries = config_files.require_list(doc, "graphs", path, NetRunError)
    if doc.get("version", 1) != 1:
        raise NetRunError(f"{path}: version {doc['version']!r} is not supported (1 is)")
    base = config_files.folder_of(path)
    updates, problems = [], []

    def files_of(where, value):
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            problems.append(f"{where} must be a non-empty list of section files")
            return []
        resolved = [config_files.resolve(base, v) for v in value]
        problems.extend(f"{where}: {p} does not exist" for p in resolved if not os.path.isfile(p))
        return resolved

    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or len(entry) != 1:
            problems.append(f"graphs[{k}] must map one graph name to its sections")
            continue
        (graph, value), = entry.items()
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for group in value:
                for name, files in group.items():
                    updates.append(Update(str(name), None, files_of(f"graphs[{k}].{graph}.{name}", files)))
        else:
            updates.append(Update(str(graph), str(graph), files_of(f"graphs[{k}].{graph}", value)))
    if problems:
        raise NetRunError(f"{path}: " + "; ".join(problems))
    return updates


def _file_name(tensor_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", tensor_name)


def _check_encoding(tensor) -> None:
    if tensor.v2.quantizeParams.quantizationEncoding != QNN_QUANTIZATION_ENCODING_SCALE_OFFSET:
        raise NetRunError(f"tensor '{tensor.v2.name}' has an encoding net-run cannot convert float files with; "
                          "use --use_native_input_files / --use_native_output_files")


def to_native(tensor, values: np.ndarray) -> np.ndarray:
    """Float input values -> the tensor's storage (quantized with its current encoding)."""
    storage = dtypes.storage(tensor.v2.dataType)
    if dtypes.is_fixed(tensor.v2.dataType):
        _check_encoding(tensor)
        return lora.quantize(values, tensor, storage)
    return values.astype(storage)


def to_float(tensor, raw: np.ndarray) -> np.ndarray:
    if dtypes.is_fixed(tensor.v2.dataType):
        _check_encoding(tensor)
        return lora.dequantize(raw, tensor)
    return raw.astype(np.float32)


class Runner:
    """The loaded context, its graphs and the output layout."""

    def __init__(self, binary, configs, native_inputs: "bool | set[str]", native_outputs: bool,
                 float_outputs: bool | None = None, schedule: "Schedule | None" = None):
        """``native_outputs`` / ``float_outputs``: which files each output gets (qnn-net-run's
        --output_data_type); ``schedule``: how many inferences run and which are written."""
        self.binary, self.native_inputs, self.native_outputs = binary, native_inputs, native_outputs
        self.float_outputs = not native_outputs if float_outputs is None else float_outputs
        self.schedule = schedule or Schedule()
        info = lora.binary_info(binary).contextBinaryInfoV3
        enabled = next((c.enableGraphs for c in configs if c.option == QNN_CONTEXT_CONFIG_ENABLE_GRAPHS), None)
        _, self.backend = QnnBackend.QnnBackend_create(None, None)
        err, self.context = QnnContext.QnnContext_createFromBinary(self.backend, None, configs, binary, len(binary),
                                                                  None)
        if err:
            QnnBackend.QnnBackend_free(self.backend)
            raise NetRunError(f"QnnContext_createFromBinary failed ({err!r}; see the qnnpy log line)")
        # LoRA weight sharing: a graph cannot execute before a section is applied to it
        self.needs_adapter = any(getattr(c.customConfig, "loraWeightSharingEnabled", False) for c in configs)
        self.graphs = []
        for g in (graph.graphInfoV3 for graph in info.graphs):
            if enabled is None or g.graphName in enabled:
                _, handle = QnnGraph.QnnGraph_retrieve(self.context, g.graphName)
                self.graphs.append(RunGraph(g.graphName, handle, list(g.graphInputs), list(g.graphOutputs)))

    def is_native(self, graph: str, tensor: str) -> bool:
        """``native_inputs``: True (every input) or a set of "graph:tensor" / "tensor" names."""
        if isinstance(self.native_inputs, bool):
            return self.native_inputs
        return f"{graph}:{tensor}" in self.native_inputs or tensor in self.native_inputs

    def input_spec(self, graphs: list[RunGraph]) -> dict:
        """The inputs of ``graphs``, which one input list serves (they must agree on them),
        each with its own native flag (read_input_list's per-input override)."""
        spec = {}
        for g in graphs:
            for t in g.inputs:
                shape = tuple(t.v2.dimensions)
                native = self.is_native(g.name, t.v2.name)
                real = dtypes.is_real(t.v2.dataType) and not native  # float files, quantized later
                dtype = np.dtype(np.float32) if real else dtypes.storage(t.v2.dataType)
                if spec.setdefault(t.v2.name, (shape, dtype, native)) != (shape, dtype, native):
                    raise NetRunError(f"graphs disagree on input '{t.v2.name}': pass one input list per graph "
                                      "(comma-separated, in the context's graph order) or enable one graph")
        return spec

    def read_inputs(self, paths: list[str]) -> dict[str, list[dict]]:
        """{graph: samples}: one list for every graph, or one list per graph in order."""
        if len(paths) not in (1, len(self.graphs)):
            raise NetRunError(f"{len(paths)} input lists for {len(self.graphs)} graphs "
                              f"{[g.name for g in self.graphs]}: give one, or one per graph")
        try:
            if len(paths) == 1:
                samples = input_list.read_input_list(paths[0], self.input_spec(self.graphs))
                return {g.name: samples for g in self.graphs}
            return {g.name: input_list.read_input_list(p, self.input_spec([g])) for g, p in zip(self.graphs, paths)}
        except input_list.InputListError as err:
            raise NetRunError(str(err)) from None

    def run(self, graph: RunGraph, sample: dict, folder: str | None) -> None:
        """Execute on one sample; write its outputs into ``folder`` (None: keep none)."""
        feeds = [io_tensor(t, np.ascontiguousarray(sample[t.v2.name] if self.is_native(graph.name, t.v2.name)
                                                   else to_native(t, sample[t.v2.name]))) for t in graph.inputs]
        outs = [np.zeros(tuple(t.v2.dimensions), dtypes.storage(t.v2.dataType)) for t in graph.outputs]
        err = QnnGraph.QnnGraph_execute(graph.handle, feeds, len(feeds),
                                        [io_tensor(t, o) for t, o in zip(graph.outputs, outs)], len(outs), None, None)
        if err:
            raise NetRunError(f"QnnGraph_execute of '{graph.name}' failed ({err!r}; see the qnnpy log line)")
        if folder is None:
            return
        os.makedirs(folder, exist_ok=True)
        for t, raw in zip(graph.outputs, outs):
            name = _file_name(t.v2.name)
            if self.native_outputs:
                raw.tofile(os.path.join(folder, name + "_native.raw"))
            if self.float_outputs:
                to_float(t, raw).tofile(os.path.join(folder, name + ".raw"))

    def run_all(self, graphs: list[RunGraph], samples: dict[str, list[dict]], folder: str) -> None:
        for g in graphs:
            for i, sample in self.schedule.inferences(samples[g.name]):
                kept = self.schedule.keep is None or i < self.schedule.keep
                self.run(g, sample, os.path.join(folder, f"Result_{i}", *([g.name] if len(self.graphs) > 1 else []))
                         if kept else None)

    def apply(self, update: Update, section) -> list[RunGraph]:
        """Apply one section; returns the graphs it covers, their I/O encodings refreshed."""
        info = lora.binary_info(section)  # read once: which graphs it covers and their new I/O encodings
        covered = {g.graphInfoV3.graphName for g in info.contextBinaryInfoV3.graphs}
        by_name = {g.name: g for g in self.graphs}
        if update.graph is not None and update.graph not in by_name:
            raise NetRunError(f"--binary_updates names graph '{update.graph}'; the context has {sorted(by_name)}")
        handle = by_name[update.graph].handle if update.graph is not None else None
        err = QnnContext.QnnContext_applyBinarySection(self.context, handle, QNN_CONTEXT_SECTION_UPDATABLE,
                                                       lora.section_buffer(section), None, None)
        if err:
            raise NetRunError(f"applying a section of '{update.label}' failed ({err!r}; see the qnnpy log line)")
        graphs = [g for g in self.graphs if g.name in covered]
        for g in graphs:
            lora.refresh_io_encodings(g.inputs + g.outputs, lora.io_encodings(info, g.name))
        return graphs

    def metadata(self) -> dict:
        return {"graphs": [{"graph_name": g.name, "output_tensors": [
            {"tensor_name": t.v2.name, "dimensions": [int(d) for d in t.v2.dimensions],
             "datatype": dtypes.storage(t.v2.dataType).name if self.native_outputs else "float32"}
            for t in g.outputs]} for g in self.graphs]}

    def close(self):
        QnnContext.QnnContext_free(self.context, None)
        QnnBackend.QnnBackend_free(self.backend)


def _read(path: str, use_mmap: bool):
    try:
        with open(path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if use_mmap else bytearray(f.read())
    except (OSError, ValueError) as err:
        raise NetRunError(f"cannot read {path}: {err}") from None


def net_run(retrieve_context: str, input_list_path: str, output_dir: str, binary_updates: str | None = None,
            config_file: str | None = None, use_mmap: bool = False, native_inputs: "bool | set[str]" = False,
            native_outputs: bool = False, float_outputs: bool | None = None, schedule: Schedule | None = None) -> dict:
    """Run; returns the execution metadata. Inputs and configs are checked before anything is
    written."""
    try:
        configs = netrun_config.read(config_file) if config_file else []
    except netrun_config.ConfigError as err:
        raise NetRunError(str(err)) from None
    updates = read_updates(binary_updates) if binary_updates else []
    runner = Runner(_read(retrieve_context, use_mmap), configs, native_inputs, native_outputs, float_outputs, schedule)
    try:
        samples = runner.read_inputs(input_list_path.split(","))
        if not runner.needs_adapter:
            runner.run_all(runner.graphs, samples, output_dir)
        for update in updates:
            for k, path in enumerate(update.files, 1):
                graphs = runner.apply(update, _read(path, use_mmap))
                runner.run_all(graphs, samples, os.path.join(output_dir, f"{update.label}_update{k}"))
        metadata = runner.metadata()
        with open(os.path.join(output_dir, "execution_metadata.yaml"), "w") as f:
            yaml.safe_dump(metadata, f, sort_keys=False)
        return metadata
    finally:
        runner.close()


def add_arguments(parser) -> None:
    parser.add_argument("--retrieve_context", help="the context binary")
    parser.add_argument("--model", help="a model library: refused (qnnpy runs context binaries; make one with "
                                        "qnn-context-binary-generator)")
    parser.add_argument("--input_list", required=True,
                        help="raw input files, one inference a line; comma-separated: one list per graph")
    parser.add_argument("--output_dir", default="output")
    parser.add_argument("--binary_updates", help="YAML: the sections to apply, per graph or group")
    parser.add_argument("--config_file", help="net-run JSON: context_configs, backend_extensions")
    parser.add_argument("--use_mmap", action="store_true", help="map the binaries instead of reading them")
    parser.add_argument("--use_native_input_files", action="store_true", help="inputs are in the tensors' own types")
    parser.add_argument("--use_native_output_files", action="store_true", help="write outputs in their own types")
    parser.add_argument("--native_input_tensor_names", help="comma-separated graph:tensor (or tensor) names whose "
                                                           "files hold their own type")
    parser.add_argument("--input_data_type", choices=("float", "native"), default="float",
                        help="native: as --use_native_input_files")
    parser.add_argument("--output_data_type", choices=("float_only", "native_only", "float_and_native"),
                        help="which files each output gets (native_only: as --use_native_output_files)")
    parser.add_argument("--num_inferences", type=int, help="run this many inferences, cycling over the input list")
    parser.add_argument("--duration", type=float, help="run for this many seconds, cycling over the input list")
    parser.add_argument("--keep_num_outputs", type=int, help="write the outputs of the first N inferences only")
    parser.add_argument("--debug", action="store_true", help="every layer's output: refused (qnnpy writes graph "
                                                             "outputs only)")
    device_flags.add(parser, DEVICE_FLAGS)


DEVICE_FLAGS = ("backend", "perf_profile", "profiling_level", "profiling_option", "platform_options", "model_prefix",
                "timeout", "max_input_cache_tensor_sets", "max_input_cache_size_mb", "shared_buffer", "synchronous",
                "systemlib", "io_tensor_mem_handle_type", "graph_profiling_start_delay",
                "graph_profiling_num_executions", "batch_multiplier", "op_packages", "set_output_tensors")


def _options(args) -> tuple[bool, bool, Schedule]:
    """(native outputs, float outputs, schedule) from the flags, each checked."""
    if args.debug:
        raise NetRunError("--debug cannot be honoured: qnnpy writes graph outputs only, not every layer's")
    if args.model:
        raise NetRunError("--model (a model library) cannot be honoured: qnnpy runs context binaries; make one with "
                          "qnn-context-binary-generator and pass --retrieve_context")
    if not args.retrieve_context:
        raise NetRunError("--retrieve_context (the context binary to run) is required")
    kind = args.output_data_type or ("native_only" if args.use_native_output_files else "float_only")
    if args.use_native_output_files and kind != "native_only":
        raise NetRunError(f"--use_native_output_files contradicts --output_data_type {kind}")
    if args.num_inferences is not None and args.duration is not None:
        raise NetRunError("--num_inferences and --duration are exclusive")
    for name in ("num_inferences", "keep_num_outputs"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            raise NetRunError(f"--{name} must not be negative")
    if args.duration is not None and args.duration <= 0:
        raise NetRunError("--duration must be a positive number of seconds")
    return (kind != "float_only", kind != "native_only",
            Schedule(args.num_inferences, args.duration, args.keep_num_outputs))


def run(args) -> int:
    if not device_flags.accepted(args, "net-run", DEVICE_FLAGS):
        return 1
    native = args.use_native_input_files or args.input_data_type == "native" or (
        set(args.native_input_tensor_names.split(",")) if args.native_input_tensor_names else False)
    try:
        native_outputs, float_outputs, schedule = _options(args)
        metadata = net_run(args.retrieve_context, args.input_list, args.output_dir, args.binary_updates,
                           args.config_file, args.use_mmap, native, native_outputs, float_outputs, schedule)
    except NetRunError as err:
        print(f"qnnpy net-run: error: {err}", file=sys.stderr)
        return 1
    print(f"ran {', '.join(g['graph_name'] for g in metadata['graphs'])}; results in {args.output_dir}")
    return 0
