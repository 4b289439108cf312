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


class ConfigError(ValueError):
    pass


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
