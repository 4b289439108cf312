"""``qairt-quantizer`` (``qnnpy quantizer``): quantize a float model the converter wrote,
as QAIRT's converter -> quantizer -> importer chain runs. The same calibration and
quantization as ``qnnpy converter --input_list``; the updatable mode is the one the
converter recorded (``--quant_updatable_mode``)."""
import sys

from qnnpy.tools import device_flags, model_file
from qnnpy.tools.converter import (QUANTIZER_DEVICE_FLAGS, ConversionError, add_quantizer_flags,
                                   check_quantizer_options, fallback_record, quantize_graph, quantizer_extras, save)
from qnnpy.tools.converter.quantizer import QuantizationError


def quantize_model(input_dlc: str, output_dlc: str, input_list: str | None, quantization_overrides: str | None = None,
                   act_bitwidth: int = 8, weights_bitwidth: int = 8, act_quantizer_calibration: str = "min-max",
                   use_per_channel_quantization: bool = False, use_native_input_files: bool = False,
                   extras: dict | None = None):
    """``extras``: quantize()'s further options (converter.quantizer_extras)."""
    check_quantizer_options(act_bitwidth, weights_bitwidth, act_quantizer_calibration)
    (graph, *others), info = model_file.load(input_dlc)
    if others:
        raise ConversionError(f"{input_dlc} holds {len(others) + 1} graphs; the quantizer takes one")
    if any(t.encoding is not None for t in graph.tensors.values()) or \
            any(t.dtype == "FLOAT_16" for t in graph.tensors.values()):
        raise ConversionError(f"{input_dlc} is not a float32 model (already quantized, or float16): quantize the "
                              "converter's float output")
    if not input_list and not quantization_overrides:
        raise ConversionError("pass --input_list (calibration) or --quantization_overrides")
    mode = info.get("quant_updatable_mode", "adapter_only")
    if mode == "float_only":
        raise ConversionError(f"{input_dlc} was converted with --quant_updatable_mode float_only: it stays float")
    encodings = quantize_graph(graph, input_list, act_bitwidth, weights_bitwidth, mode, quantization_overrides,
                               act_quantizer_calibration, use_per_channel_quantization, use_native_input_files,
                               **(extras or {}))
    save(graph, {**info, "quantized_from": input_dlc, **fallback_record(extras)}, output_dlc, encodings)
    return graph


def add_arguments(parser) -> None:
    parser.add_argument("--input_dlc", required=True, help="the converter's float model (.qnnpy)")
    parser.add_argument("--output_dlc", required=True, help="the quantized model to write")
    add_quantizer_flags(parser)
    parser.add_argument("--float_bitwidth", type=int, default=32, choices=(16, 32),
                        help="tensors left in float: 32 only (16 is refused)")
    device_flags.add(parser, QUANTIZER_DEVICE_FLAGS)


def run(args) -> int:
    if not device_flags.accepted(args, "quantizer", QUANTIZER_DEVICE_FLAGS):
        return 1
    try:
        if args.float_bitwidth != 32:
            raise ConversionError("--float_bitwidth 16 cannot be honoured: tensors qairt-quantizer leaves in float "
                                  "stay float32 here (convert with --float_bitwidth 16 for a float16 model)")
        graph = quantize_model(args.input_dlc, args.output_dlc, args.input_list,
                               None if args.ignore_encodings else args.quantization_overrides,
                               args.act_bitwidth, args.weights_bitwidth, args.act_quantizer_calibration,
                               args.use_per_channel_quantization, args.use_native_input_files, quantizer_extras(args))
    except (ConversionError, QuantizationError, model_file.ModelFileError) as err:
        print(f"qnnpy quantizer: error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {args.output_dlc}: graph '{graph.name}', {len(graph.lora_weights)} LoRA weights")
    return 0
