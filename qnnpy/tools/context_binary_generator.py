"""``qnnpy context-binary-generator``: model files -> a context binary and its adapter sections.

Composes every graph of the ``--model`` files into one context through the public API, writes
``<binary_file>.bin``, then with ``--adapter_weight_config`` (the importer's
lora_output_files.yaml: ``use_case`` list of {name, graph, weights, encodings}) makes one
section per (graph, use case), ``<graph>_<use case>.bin``, plus ``<graph>_default_adapter.bin``
with all-zero LoRA weights — each by update tensors -> finalize -> getBinarySection. With
``share_adapters_between_graphs: "Yes"`` it makes one super adapter per use case over all
graphs instead, named ``<graph1>-<graph2>_<use case>.bin``. ``--config_file`` takes the HTP
backend-extension JSON; its ``context`` and ``graphs`` sections are checked (they shape the
device's preparation, which the emulator does not need). A progress line per adapter on a
terminal (a bar filling as sections are made), quiet otherwise.
"""
import os
import sys

import numpy as np

from qnnpy import QnnBackend, QnnContext, QnnGraph, QnnTensor, lora
from qnnpy.builder import make_tensor, quantize_params
from qnnpy.tools import config_files, device_flags, htp_config, model_file, progress, workers
from qnnpy.tools.converter.quantizer import QuantizationError, parse_overrides, quantize_values
from qnnpy.tools.lora_names import natural_key


class GeneratorError(Exception):
    pass


def read_adapter_config(path: str) -> tuple[list[dict], bool]:
    doc = config_files.read(path, "--adapter_weight_config", GeneratorError)
    base = config_files.folder_of(path)
    cases, problems = [], []
    for k, e in enumerate(config_files.require_list(doc, "use_case", path, GeneratorError)):
        if not isinstance(e, dict) or not all(isinstance(e.get(key), str) for key in ("name", "graph", "weights")):
            problems.append(f"use_case[{k}] needs 'name', 'graph' and 'weights'")
            continue
        case = {key: e[key] for key in ("name", "graph", "weights", "encodings") if e.get(key)}
        for key in ("weights", "encodings"):
            if key in case:
                case[key] = config_files.resolve(base, case[key])
                if not os.path.isfile(case[key]):
                    problems.append(f"use_case '{case['name']}' ({case['graph']}): {key} file {case[key]} does not exist")
        cases.append(case)
    if problems:
        raise GeneratorError(f"{path}: " + "; ".join(problems))
    share = str(doc.get("share_adapters_between_graphs", "No")).lower() in ("yes", "true")
    return cases, share


class Session:
    """The context under construction and what each graph registered."""

    def __init__(self, models: list[str]):
        _, self.backend = QnnBackend.QnnBackend_create(None, None)
        _, self.context = QnnContext.QnnContext_create(self.backend, None, None)
        self.graphs, self.handles, self.registered = {}, {}, {}
        for path in models:
            graphs, _ = model_file.load(path)
            for g in graphs:
                if g.name in self.graphs:
                    raise GeneratorError(f"graph '{g.name}' appears in more than one --model")
                _, handle = QnnGraph.QnnGraph_create(self.context, g.name, None)
                self.graphs[g.name], self.handles[g.name] = g, handle
                self.registered[g.name] = model_file.compose(handle, g)

    def updates(self, graph: str, values: dict, encodings: dict) -> list:
        """Structs that set a graph's LoRA weights (quantized with the adapter's encodings
        when the model is) and its per-adapter activation encodings."""
        g, reg = self.graphs[graph], self.registered[graph]
        structs = []
        for name in g.lora_weights:
            t, ref = g.tensors[name], reg[name].v1
            data = values[name]
            enc = encodings.get(name) or t.encoding
            quant = None
            if t.encoding is not None:
                data = quantize_values(data, enc)
                quant = quantize_params(enc.scale, enc.offset)
            t_struct = make_tensor(ref.name, ref.type, ref.dataType, ref.dimensions, np.ascontiguousarray(data), quant)
            t_struct.v1.id = ref.id
            structs.append(t_struct)
        for name, t in g.tensors.items():
            if t.updatable_encoding and name in encodings:
                ref = reg[name].v1
                s = make_tensor(ref.name, ref.type, ref.dataType, ref.dimensions, None,
                                quantize_params(encodings[name].scale, encodings[name].offset))
                s.v1.id = ref.id
                structs.append(s)
        return structs

    def update(self, graph: str, values: dict, encodings: dict) -> None:
        structs = self.updates(graph, values, encodings)
        err = QnnTensor.QnnTensor_updateGraphTensors(self.handles[graph], structs, len(structs))
        if err:
            raise GeneratorError(f"updating the LoRA tensors of '{graph}' failed ({err!r}; see the qnnpy log)")

    def finalize(self, graphs) -> None:
        for name in graphs:
            QnnGraph.QnnGraph_finalize(self.handles[name], None, None)

    def zeros(self, graph: str) -> dict:
        g = self.graphs[graph]
        return {n: np.zeros(g.tensors[n].shape, np.float32) for n in g.lora_weights}

    def close(self):
        QnnBackend.QnnBackend_free(self.backend)


def _adapter(case: dict, graph) -> tuple[dict, dict]:
    from safetensors.numpy import load_file
    values = load_file(case["weights"])
    expected, given = set(graph.lora_weights), set(values)
    if expected != given:
        raise GeneratorError(f"use_case '{case['name']}': weights for graph '{graph.name}' must name exactly its LoRA "
                             f"tensors; missing {sorted(expected - given, key=natural_key)[:5]}, unknown "
                             f"{sorted(given - expected, key=natural_key)[:5]}")
    encodings = parse_overrides(case["encodings"]) if case.get("encodings") else {}
    return {k: v.astype(np.float32) for k, v in values.items()}, {k: v for k, v in encodings.items() if v != "float"}


def generate(models: list[str], binary_file: str, output_dir: str, adapter_weight_config: str | None = None,
             config_file: str | None = None, jobs: int = 1) -> dict:
    """Returns {"base": path, "<name>": section path, ...}. Writes nothing on a bad config.
    ``jobs`` > 1 makes the sections in that many processes; the files are the same bytes."""
    if config_file:
        htp_config.read(config_file)
    workers.check_count(jobs, GeneratorError)
    cases, share = read_adapter_config(adapter_weight_config) if adapter_weight_config else ([], False)
    session = Session(models)
    try:
        unknown = sorted({c["graph"] for c in cases} - set(session.graphs))
        if unknown:
            raise GeneratorError(f"the adapter weight config names graphs {unknown}; the models have "
                                 f"{sorted(session.graphs)}")
        adapters = [(c, *_adapter(c, session.graphs[c["graph"]])) for c in cases]
        _, size = QnnContext.QnnContext_getBinarySize(session.context)
        blob = bytearray(size)
        QnnContext.QnnContext_getBinary(session.context, blob, size)
        files = {"base": (binary_file + ".bin", blob)}
        lora_graphs = [name for name, g in session.graphs.items() if g.lora_weights]
        todo = _jobs(adapters, lora_graphs, share) if cases else []
        if jobs == 1 or len(todo) < 2:
            sections = make_sections(session, lora_graphs, share, todo)
        else:
            sections = _in_processes(models, lora_graphs, share, todo, jobs)
        files.update({name: (name, data) for name, data in sections})
    finally:
        session.close()
    os.makedirs(output_dir, exist_ok=True)  # only now: a failure above leaves no partial output
    return {key: _write(output_dir, name, data) for key, (name, data) in files.items()}


def make_sections(session: Session, lora_graphs: list[str], share: bool, todo: list) -> list[tuple[str, bytes]]:
    """(file name, section bytes) for each job, every graph starting from its default."""
    sections = []
    for file_name, graphs, per_graph in progress.bar(todo, len(todo), "sections"):
        for name in lora_graphs:
            values, encodings = per_graph.get(name, (session.zeros(name), {}))
            session.update(name, values, encodings)
        session.finalize(lora_graphs)
        target = session.handles[graphs[0]] if len(graphs) == 1 and not share else None
        sections.append((file_name, lora.binary_section(session.context, target)))
    return sections


def _worker(models, lora_graphs, share, todo):
    session = Session(models)
    try:
        return make_sections(session, lora_graphs, share, todo)
    finally:
        session.close()


def _in_processes(models, lora_graphs, share, todo, jobs) -> list[tuple[str, bytes]]:
    """The jobs dealt round-robin to ``jobs`` processes, each composing its own session."""
    chunks = [todo[k::jobs] for k in range(jobs) if todo[k::jobs]]
    with workers.pool(len(chunks)) as pool:
        results = list(pool.map(_worker, [models] * len(chunks), [lora_graphs] * len(chunks), [share] * len(chunks),
                                chunks))
    made = dict(section for chunk in results for section in chunk)
    return [(file_name, made[file_name]) for file_name, _, _ in todo]


def _jobs(adapters, lora_graphs, share):
    """(file name, graphs covered, {graph: (values, encodings)}) for every section to make."""
    jobs = []
    if share:
        names = list(dict.fromkeys(c["name"] for c, _, _ in adapters))
        prefix = "-".join(lora_graphs)
        jobs.append((f"{prefix}_default_adapter.bin", lora_graphs, {}))
        for name in names:
            per_graph = {c["graph"]: (v, e) for c, v, e in adapters if c["name"] == name}
            jobs.append((f"{prefix}_{name}.bin", lora_graphs, per_graph))
        return jobs
    for graph in lora_graphs:
        jobs.append((f"{graph}_default_adapter.bin", [graph], {}))
    for case, values, encodings in adapters:
        jobs.append((f"{case['graph']}_{case['name']}.bin", [case["graph"]], {case["graph"]: (values, encodings)}))
    return jobs


def _write(folder, name, data) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def add_arguments(parser) -> None:
    parser.add_argument("--model", action="append", default=[],
                        help="a .qnnpy model (repeat for several); QAIRT's libQnnModelDlc.so is accepted with --dlc_path")
    parser.add_argument("--dlc_path", action="append", default=[], help="a .qnnpy model, as QAIRT passes its DLC")
    parser.add_argument("--binary_file", required=True, help="base name of the context binary")
    parser.add_argument("--output_dir", default="output")
    parser.add_argument("--adapter_weight_config", help="lora_output_files.yaml from the importer")
    parser.add_argument("--config_file", help="HTP backend-extension JSON, or net-run style {backend_extensions: ...}")
    parser.add_argument("--input_output_tensor_mem_type", choices=("raw", "memhandle"), default="raw")
    parser.add_argument("--jobs", type=int, default=1, help="processes that make the sections (same files)")
    device_flags.add(parser, DEVICE_FLAGS)


DEVICE_FLAGS = ("backend", "model_prefix", "op_packages", "profiling_level", "profiling_option", "set_output_tensors",
                "platform_options", "htp_socs", "vtcm_override", "enable_intermediate_outputs")


def models_of(args) -> list[str]:
    """--model files and --dlc_path files; QAIRT's model library (libQnnModelDlc.so) only
    says "the model is the DLC": qnnpy reads its own model files directly."""
    models = [m for m in args.model if not m.endswith(".so")] + list(args.dlc_path)
    library = [m for m in args.model if m.endswith(".so")]
    if library and not args.dlc_path:
        raise GeneratorError(f"--model {library[0]} is a model library; pass the model file with --dlc_path")
    if not models:
        raise GeneratorError("no model: pass --model model.qnnpy (or --dlc_path model.qnnpy)")
    return models


def run(args) -> int:
    if not device_flags.accepted(args, "context-binary-generator", DEVICE_FLAGS):
        return 1
    if args.input_output_tensor_mem_type != "raw":
        print("qnnpy context-binary-generator: error: memhandle I/O tensors are not supported", file=sys.stderr)
        return 1
    try:
        outputs = generate(models_of(args), args.binary_file, args.output_dir, args.adapter_weight_config,
                           args.config_file, args.jobs)
    except (GeneratorError, QuantizationError, htp_config.ConfigError, model_file.ModelFileError) as err:
        print(f"qnnpy context-binary-generator: error: {err}", file=sys.stderr)
        return 1
    for path in outputs.values():
        print(f"wrote {path}")
    return 0
