"""Flags of the QAIRT tools that only concern a device or the vendor's own pipeline.

A script written for QAIRT passes them; qnnpy accepts each one, checks that its value is
sane, and says once (on stderr) that it has no effect here. Flags whose effect qnnpy cannot
reproduce are refused by name instead (see ``REFUSED``), never silently ignored.
"""
import sys

PERF_PROFILES = ("low_balanced", "balanced", "default", "high_performance", "sustained_high_performance", "burst",
                 "low_power_saver", "power_saver", "high_power_saver", "extreme_power_saver", "system_settings")
LOG_LEVELS = ("error", "warn", "info", "verbose", "debug")
PROFILING_LEVELS = ("off", "basic", "detailed", "backend", "client", "linting")

# flag -> (argparse options, why it has no effect here)
FLAGS = {
    "backend": ({"help": "the backend library (libQnnHtp.so): qnnpy's emulated HTP"},
                "the backend is qnnpy's emulated HTP"),
    "perf_profile": ({"choices": PERF_PROFILES}, "the emulator runs at host speed"),
    "profiling_level": ({"choices": PROFILING_LEVELS}, "use qnnpy's QnnProfile API for timings"),
    "profiling_option": ({}, "use qnnpy's QnnProfile API for timings"),
    "htp_socs": ({"help": "target SoCs (sm8750, ...)"}, "one emulated HTP serves every SoC"),
    "vtcm_override": ({"type": int}, "the emulator has no VTCM"),
    "model_prefix": ({}, "qnnpy models carry their graph names"),
    "platform_options": ({}, "no device platform options apply"),
    "onnx_skip_simplification": ({"action": "store_true"}, "qnnpy folds constants itself and runs no simplifier"),
    "skip_validation": ({"action": "store_true"}, "qnnpy always validates; its checks are cheap"),
    "disable_transform_tracking": ({"action": "store_true"}, "qnnpy records no transform history"),
    "transforms_metadata": ({}, "qnnpy records no transform history"),
    "skip_apply_graph_transforms": ({"action": "store_true"}, "qnnpy applies no graph transforms on import"),
    "debug": ({"action": "store_true"}, "qnnpy's error lines already name the tensor and file"),
    "timeout": ({"type": int}, "the emulator's execution times are not the device's: no timeout is applied"),
    "max_input_cache_tensor_sets": ({"type": int}, "inputs are read once per inference"),
    "max_input_cache_size_mb": ({"type": int}, "inputs are read once per inference"),
    "shared_buffer": ({"action": "store_true"}, "the emulator's buffers are host memory either way"),
    "synchronous": ({"action": "store_true"}, "qnnpy's net-run executes synchronously"),
    "systemlib": ({}, "qnnpy's system library is built in"),
    "io_tensor_mem_handle_type": ({}, "the emulator's buffers are host memory either way"),
    "graph_profiling_start_delay": ({"type": float}, "use qnnpy's QnnProfile API for timings"),
    "graph_profiling_num_executions": ({"type": int}, "use qnnpy's QnnProfile API for timings"),
    "disable_onnx_simplification": ({"action": "store_true"}, "qnnpy folds constants itself and runs no simplifier"),
    "onnx_defer_loading": ({"action": "store_true"}, "qnnpy reads external weights when it needs them anyway"),
    "enable_framework_trace": ({"action": "store_true"}, "qnnpy keeps the ONNX tensor names; there is nothing to trace"),
    "dump_encodings_json": ({"action": "store_true"}, "the encodings are always written beside the model "
                            "(<output>.encodings, AIMET 1.0.0)"),
}
# flag -> why qnnpy refuses it
REFUSED = {
    "op_packages": "qnnpy has no custom op packages: its ops are the built-in qti.aisw set",
    "set_output_tensors": "qnnpy writes every graph output; selecting intermediate tensors is not supported",
    "dump_usecase_onnx": "qnnpy does not write per-adapter ONNX models",
    "dump_usecase_dlc": "qnnpy does not write DLCs",
    "enable_intermediate_outputs": "qnnpy writes graph outputs only",
    "quantization_algorithms": "qnnpy runs no quantization algorithms (CLE, AdaRound, ...): ranges come from "
                               "calibration and overrides only",
    "restrict_quantization_steps": "qnnpy uses the whole code range of each bitwidth",
    "op_package_lib": "qnnpy has no custom op packages: its ops are the built-in qti.aisw set",
    "op_package_config": "qnnpy has no custom op packages: its ops are the built-in qti.aisw set",
    "converter_op_package_lib": "qnnpy has no custom op packages: its ops are the built-in qti.aisw set",
    "package_name": "qnnpy's ops all belong to the qti.aisw package",
    "batch_multiplier": "qnnpy runs the graph at the batch it was built with",
}


def add(parser, names) -> None:
    for name in names:
        if name in FLAGS:
            parser.add_argument(f"--{name}", **FLAGS[name][0])
        else:
            parser.add_argument(f"--{name}", nargs="*", help=f"refused by qnnpy: {REFUSED[name]}")


def accepted(args, tool: str, names) -> bool:
    """Print one note per device-only flag given; on the first refused flag print the error
    line instead and return False, so that the tool stops before doing any work."""
    for name in names:
        value = getattr(args, name, None)
        if value in (None, False):
            continue
        if name in REFUSED:
            print(f"qnnpy {tool}: error: --{name} cannot be honoured: {REFUSED[name]}", file=sys.stderr)
            return False
        shown = "" if value is True else f" {value}"
        print(f"qnnpy {tool}: note: --{name}{shown} accepted; no effect here: {FLAGS[name][1]}", file=sys.stderr)
    return True
