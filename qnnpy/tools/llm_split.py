"""Split an LLM export in Genie's conventions into parts by layer ranges (one ONNX file per
part), the way on-device LLMs ship as several ``ctx-bins``.

Part p runs layers [L·p/N, L·(p+1)/N): the first takes ``input_ids``, the last gives
``logits``, and between them the residual stream crosses as one tensor, keeping the name it
has in the export (Genie matches a part's inputs to the previous parts' outputs by name).
Every part also takes the inputs its layers read (attention_mask, position_ids_cos/sin, LoRA
alphas) and its layers' ``past_key_{i}_in`` / ``past_value_{i}_in``, with ``i`` the absolute
layer index, and gives their ``_out`` tensors.

The crossing tensor before layer k is found from the graph, not from names: it is the last
tensor every path from ``input_ids`` to layer k's new keys, and to the logits, goes through.
"""
import os
import re
import sys
from dataclasses import replace

import onnx
from onnx import utils

from qnnpy.tools import lora_names, onnx_file

_CACHE = re.compile(r"past_(key|value)_(\d+)_(in|out)$")


def add_arguments(parser) -> None:
    parser.add_argument("--input_network", "-i", required=True, help="the LLM export (ONNX, Genie I/O names)")
    parser.add_argument("--parts", type=int, required=True, help="number of parts (layer ranges)")
    parser.add_argument("--output_dir", "-o", required=True,
                        help="writes <name>_<p>_of_<N>.onnx for p = 1..N (the ctx-bins order)")
    parser.add_argument("--lora_weight_list", help="the whole model's LoRA weight list (lora-tensor-names -o): "
                        "each part gets the names it holds, in <list>_<p>_of_<N>.txt")
    parser.add_argument("--lora_map", help="the whole model's LoRA map (lora-tensor-names --map): each part gets "
                        "<map>_<p>_of_<N>.yaml, where the tensors other parts hold are marked as theirs")


class SplitError(Exception):
    pass


def layer_of(name: str) -> int | None:
    match = _CACHE.match(name)
    return int(match.group(2)) if match else None


def _graph_maps(graph):
    producer = {out: node for node in graph.node for out in node.output}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    return producer, consumers


def _ancestors(tensor: str, producer) -> set[str]:
    seen, stack = set(), [tensor]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        node = producer.get(name)
        if node is not None:
            stack.extend(i for i in node.input if i)
    return seen


def _reaches(source: str, target: str, blocked: str, consumers) -> bool:
    seen, stack = set(), [source]
    while stack:
        name = stack.pop()
        if name == target:
            return True
        if name in seen or name == blocked:
            continue
        seen.add(name)
        for node in consumers.get(name, []):
            stack.extend(o for o in node.output if o)
    return False


def crossing(graph, layer: int) -> str:
    """The residual-stream tensor entering ``layer``: the last tensor that every path from
    input_ids to layer's new keys and to the logits passes through."""
    producer, consumers = _graph_maps(graph)
    key_out, logits = f"past_key_{layer}_out", "logits"
    upstream = _ancestors(key_out, producer) & _ancestors(logits, producer)
    later_cache = set()
    for item in graph.input:
        index = layer_of(item.name)
        if index is not None and index >= layer:
            later_cache |= {item.name}
    candidates = [name for name in upstream
                  if name in producer and name != "input_ids" and not (_ancestors(name, producer) & later_cache)
                  and not _reaches("input_ids", key_out, name, consumers)
                  and not _reaches("input_ids", logits, name, consumers)]
    if not candidates:
        raise SplitError(f"no single tensor carries the model into layer {layer}: it cannot be cut there")
    return max(candidates, key=lambda name: len(_ancestors(name, producer)))


def split(model: onnx.ModelProto, parts: int) -> list[onnx.ModelProto]:
    graph = model.graph
    inputs, outputs = [i.name for i in graph.input], [o.name for o in graph.output]
    layers = sorted({layer_of(name) for name in inputs if layer_of(name) is not None})
    if not {"input_ids", "logits"} <= set(inputs) | set(outputs) or not layers:
        raise SplitError("the model is not in Genie's conventions (input_ids, logits, past_key_{i}_in/out)")
    if layers != list(range(len(layers))):
        raise SplitError(f"the cache inputs name layers {layers}, not 0..{len(layers) - 1}")
    if not 1 <= parts <= len(layers):
        raise SplitError(f"{parts} parts of a {len(layers)}-layer model: each part needs at least one layer")
    starts = [len(layers) * p // parts for p in range(parts)]
    cuts = [crossing(graph, start) for start in starts[1:]]
    shared = [name for name in inputs if name != "input_ids" and layer_of(name) is None]
    producer, _ = _graph_maps(graph)
    extractor = utils.Extractor(onnx.shape_inference.infer_shapes(model))  # types of the crossing tensors
    models = []
    for p, start in enumerate(starts):
        end = starts[p + 1] if p + 1 < parts else len(layers)
        mine = [name for name in inputs + outputs if layer_of(name) is not None and start <= layer_of(name) < end]
        head = ["input_ids"] if p == 0 else [cuts[p - 1]]
        tail = ["logits"] if p == parts - 1 else [cuts[p]]
        part_outputs = tail + [name for name in mine if name.endswith("_out")]
        needed = set().union(*(_ancestors(name, producer) for name in part_outputs))
        part_inputs = head + [name for name in shared if name in needed] + [n for n in mine if n.endswith("_in")]
        extracted = extractor.extract_model(part_inputs, part_outputs)
        extracted.graph.name = f"{graph.name}_{p + 1}_of_{parts}"
        models.append(extracted)
    return models


def lora_for_part(part: onnx.ModelProto, names: list[str], matches: list[lora_names.Match]
                  ) -> tuple[list[str], list[lora_names.Match]]:
    """The weight list and map of one part: its own LoRA weights; the rest marked as another part's."""
    held = {init.name for init in part.graph.initializer}
    return ([n for n in names if n in held],
            [m if m.onnx_name in held else replace(m, onnx_name="", transform="none", matched_by=lora_names.ANOTHER_PART)
             for m in matches])


def _suffixed(path: str, p: int, parts: int, folder: str) -> str:
    stem, ext = os.path.splitext(os.path.basename(path))
    return os.path.join(folder, f"{stem}_{p + 1}_of_{parts}{ext}")


def run(args) -> int:
    try:
        model = onnx_file.load(args.input_network)
        parts = split(model, args.parts)
        names = matches = None
        if args.lora_weight_list:
            with open(args.lora_weight_list) as f:
                names = [line.strip() for line in f if line.strip()]
        if args.lora_map:
            matches = lora_names.read_map(args.lora_map)
    except (SplitError, onnx_file.OnnxFileError, lora_names.MappingError, OSError) as err:
        print(f"qnnpy llm-split: error: {err}", file=sys.stderr)
        return 1
    os.makedirs(args.output_dir, exist_ok=True)
    for p, part in enumerate(parts):
        path = _suffixed(args.input_network, p, len(parts), args.output_dir)
        onnx.save(part, path)
        own_names, own_matches = lora_for_part(part, names or [], matches or [])
        if names is not None:
            with open(_suffixed(args.lora_weight_list, p, len(parts), args.output_dir), "w") as f:
                f.write("".join(n + "\n" for n in own_names))
        if matches is not None:
            lora_names.write_map(_suffixed(args.lora_map, p, len(parts), args.output_dir), own_matches)
        ins = [i.name for i in part.graph.input if layer_of(i.name) is None]
        outs = [o.name for o in part.graph.output if layer_of(o.name) is None]
        cache = sorted({layer_of(i.name) for i in part.graph.input if layer_of(i.name) is not None})
        print(f"wrote {path}: layers {cache[0]}..{cache[-1]}, inputs {ins}, outputs {outs}")
    return 0
