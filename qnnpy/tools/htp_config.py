"""The HTP backend-extension JSON (``--config_file`` of the generator, ``config_file_path``
of net-run's ``backend_extensions``).

Sections ``graphs``, ``devices``, ``context``, ``groupContext`` and ``memory``. The ``context``
keys that have an HTP custom context option become QnnContext_Config_t (custom) for
createFromBinary: ``lora_weight_sharing`` (LORA_WEIGHT_SHARING_ENABLED — a graph runs only
once an adapter was applied), ``weight_sharing_enabled``, ``file_read_memory_budget_in_mb``,
``io_memory_estimation``, ``skip_validation_on_binary_section``. The other documented keys
tune the device's preparation and are accepted without effect; an unknown section or
context key is an error (a misspelt key silently ignored is how a device run surprises).
"""
from qnnpy.QnnContext import QNN_CONTEXT_CONFIG_OPTION_CUSTOM, QnnContext_Config_t
from qnnpy.QnnHtpContext import (QNN_HTP_CONTEXT_CONFIG_OPTION_FILE_READ_MEMORY_BUDGET,
                                 QNN_HTP_CONTEXT_CONFIG_OPTION_IO_MEM_ESTIMATION,
                                 QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED,
                                 QNN_HTP_CONTEXT_CONFIG_OPTION_SKIP_VALIDATION_ON_BINARY_SECTION,
                                 QNN_HTP_CONTEXT_CONFIG_OPTION_WEIGHT_SHARING_ENABLED, QnnHtpContext_CustomConfig_t)
from qnnpy.tools import config_files

SECTIONS = {"graphs", "devices", "context", "groupContext", "memory"}
# context key -> (HTP option, field of QnnHtpContext_CustomConfig_t)
CUSTOM = {
    "lora_weight_sharing": (QNN_HTP_CONTEXT_CONFIG_OPTION_LORA_WEIGHT_SHARING_ENABLED, "loraWeightSharingEnabled"),
    "weight_sharing_enabled": (QNN_HTP_CONTEXT_CONFIG_OPTION_WEIGHT_SHARING_ENABLED, "weightSharingEnabled"),
    "file_read_memory_budget_in_mb": (QNN_HTP_CONTEXT_CONFIG_OPTION_FILE_READ_MEMORY_BUDGET,
                                      "fileReadMemoryBudgetInMb"),
    "io_memory_estimation": (QNN_HTP_CONTEXT_CONFIG_OPTION_IO_MEM_ESTIMATION, "ioMemEstimation"),
    "skip_validation_on_binary_section": (QNN_HTP_CONTEXT_CONFIG_OPTION_SKIP_VALIDATION_ON_BINARY_SECTION,
                                          "skipValidationOnBinarySection"),
}
PREPARATION_ONLY = {"max_spill_fill_buffer_for_group", "group_id", "init_acceleration",
                    "concurrent_deserialization_patch", "lora_weight_sharing_ram_preload", "reused_io_limit_mb"}


# keys each entry of the other sections may hold (the HTP backend pages of 2.25 to 2.48);
# they tune the device's preparation and scheduling, none changes results here
GRAPH_KEYS = {"graph_names", "vtcm_mb", "fp16_relaxed_precision", "hvx_threads", "O", "dlbc", "weights_packing",
              "num_cores", "short_depth_conv_on_hmx_off", "fold_relu_activation_into_conv_off",
              "advanced_activation_fusion", "use_high_precision_fp16_sigmoid", "monolithic_lstm", "dlbc_weights",
              "slc_alloc_enable"}
DEVICE_KEYS = {"device_id", "soc_model", "soc_id", "dsp_arch", "pd_session", "profiling_level", "use_client_context",
               "cores", "core_type", "core_id"}
CORE_KEYS = {"core_id", "perf_profile", "rpc_control_latency", "rpc_polling_time", "hmx_timeout_us",
             "adaptive_polling_time"}
GROUP_CONTEXT_KEYS = {"share_resources", "reused_io_limit_mb"}
MEMORY_KEYS = {"mem_type"}


class ConfigError(ValueError):
    pass


def _known_keys(entry: dict, keys: set, where: str, path: str) -> None:
    unknown = sorted(set(entry) - keys)
    if unknown:
        raise ConfigError(f"{path}: unknown keys {unknown} in {where}; known: {sorted(keys)}")


def _objects(value, keys: set, where: str, path: str) -> list:
    """A list of objects (graphs, devices, a device's cores) with known keys only."""
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ConfigError(f"{path}: '{where}' must be a list of objects")
    for k, entry in enumerate(value):
        _known_keys(entry, keys, f"{where}[{k}]", path)
    return value


def _check_sections(doc: dict, path: str) -> None:
    for k, graph in enumerate(_objects(doc.get("graphs", []), GRAPH_KEYS, "graphs", path)):
        names = graph.get("graph_names", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{path}: graphs[{k}].graph_names must be a list of graph names")
        level = graph.get("O", 2)
        if level not in (1, 2, 3):
            raise ConfigError(f"{path}: graphs[{k}].O must be 1, 2 or 3, got {level!r}")
    for k, device in enumerate(_objects(doc.get("devices", []), DEVICE_KEYS, "devices", path)):
        _objects(device.get("cores", []), CORE_KEYS, f"devices[{k}].cores", path)
    for section, keys in (("groupContext", GROUP_CONTEXT_KEYS), ("memory", MEMORY_KEYS)):
        value = doc.get(section, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: '{section}' must be an object")
        _known_keys(value, keys, section, path)


def read(path: str) -> dict:
    """The HTP config; a net-run style file ({"backend_extensions": {"config_file_path": ...}})
    leads to the HTP config it names (relative to its folder), as QAIRT's tools accept both."""
    doc = config_files.read(path, "HTP config", ConfigError)
    if isinstance(doc, dict) and "backend_extensions" in doc:
        extensions = doc["backend_extensions"]
        if not isinstance(extensions, dict) or not isinstance(extensions.get("config_file_path"), str):
            raise ConfigError(f"{path}: backend_extensions must name config_file_path")
        return read(config_files.resolve(config_files.folder_of(path), extensions["config_file_path"]))
    config_files.require_known_keys(doc, SECTIONS, path, "an HTP config", ConfigError)
    context = doc.get("context", {})
    if not isinstance(context, dict):
        raise ConfigError(f"{path}: 'context' must be an object")
    unknown = sorted(set(context) - set(CUSTOM) - PREPARATION_ONLY)
    if unknown:
        raise ConfigError(f"{path}: unknown context keys {unknown}; known: {sorted(set(CUSTOM) | PREPARATION_ONLY)}")
    _check_sections(doc, path)
    return doc


def context_configs(doc: dict) -> list[QnnContext_Config_t]:
    """The custom context configs the ``context`` section asks for."""
    configs = []
    for key, value in doc.get("context", {}).items():
        if key not in CUSTOM:
            continue
        option, field = CUSTOM[key]
        expected = int if field == "fileReadMemoryBudgetInMb" else bool
        if not isinstance(value, expected) or (expected is int and (isinstance(value, bool) or value < 0)):
            raise ConfigError(f"context.{key} must be {'a non-negative integer' if expected is int else 'true or false'},"
                              f" got {value!r}")
        custom = QnnHtpContext_CustomConfig_t(option, **{field: value})
        configs.append(QnnContext_Config_t(QNN_CONTEXT_CONFIG_OPTION_CUSTOM, customConfig=custom))
    return configs
