"""qnn-net-run's ``--config_file`` JSON, the ``context_configs`` part, as QnnContext_Config_t.

Keys (all optional): context_priority (low | normal | normal_high | high),
async_execute_queue_depth, enable_graphs (list of names), memory_limit_hint (MB, non-zero
turns graph switching on together with is_persistent_binary), is_persistent_binary,
cache_compatibility_mode (permissive | strict), defer_graph_init. An unknown key or a value
of the wrong kind is an error naming it, never silently ignored.
"""
from qnnpy.QnnContext import (QNN_CONTEXT_CONFIG_ASYNC_EXECUTION_QUEUE_DEPTH, QNN_CONTEXT_CONFIG_BINARY_COMPATIBILITY,
                              QNN_CONTEXT_CONFIG_ENABLE_GRAPHS, QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT,
                              QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT, QNN_CONTEXT_CONFIG_OPTION_PRIORITY,
                              QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, QnnContext_Config_t)
from qnnpy.QnnTypes import Qnn_Priority_t
from qnnpy.tools import config_files, htp_config

PRIORITIES = {"low": Qnn_Priority_t.QNN_PRIORITY_LOW, "normal": Qnn_Priority_t.QNN_PRIORITY_NORMAL,
              "normal_high": Qnn_Priority_t.QNN_PRIORITY_NORMAL_HIGH, "high": Qnn_Priority_t.QNN_PRIORITY_HIGH}
COMPATIBILITY = {"permissive": 0, "strict": 1}


class ConfigError(ValueError):
    pass


def _int(key, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"context_configs.{key} must be a non-negative integer, got {value!r}")
    return value


def _bool(key, value) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"context_configs.{key} must be true or false, got {value!r}")
    return value


def _choice(key, value, choices: dict):
    if not isinstance(value, str) or value.lower() not in choices:
        raise ConfigError(f"context_configs.{key} must be one of {sorted(choices)}, got {value!r}")
    return choices[value.lower()]


def context_configs(section: dict) -> list[QnnContext_Config_t]:
    if not isinstance(section, dict):
        raise ConfigError("context_configs must be a JSON object")
    makers = {
        "context_priority": lambda v: QnnContext_Config_t(QNN_CONTEXT_CONFIG_OPTION_PRIORITY,
                                                          priority=_choice("context_priority", v, PRIORITIES)),
        "async_execute_queue_depth": lambda v: QnnContext_Config_t(
            QNN_CONTEXT_CONFIG_ASYNC_EXECUTION_QUEUE_DEPTH, asyncExeQueueDepth=_int("async_execute_queue_depth", v)),
        "enable_graphs": lambda v: QnnContext_Config_t(QNN_CONTEXT_CONFIG_ENABLE_GRAPHS, enableGraphs=_names(v)),
        "memory_limit_hint": lambda v: QnnContext_Config_t(QNN_CONTEXT_CONFIG_MEMORY_LIMIT_HINT,
                                                           memoryLimitHint=_int("memory_limit_hint", v)),
        "is_persistent_binary": lambda v: QnnContext_Config_t(
            QNN_CONTEXT_CONFIG_PERSISTENT_BINARY, isPersistentBinary=int(_bool("is_persistent_binary", v))),
        "cache_compatibility_mode": lambda v: QnnContext_Config_t(
            QNN_CONTEXT_CONFIG_BINARY_COMPATIBILITY,
            binaryCompatibilityType=_choice("cache_compatibility_mode", v, COMPATIBILITY)),
        "defer_graph_init": lambda v: QnnContext_Config_t(
            QNN_CONTEXT_CONFIG_OPTION_DEFER_GRAPH_INIT, isGraphInitDeferred=int(_bool("defer_graph_init", v))),
    }
    unknown = sorted(set(section) - set(makers))
    if unknown:
        raise ConfigError(f"unknown context_configs keys {unknown}; known: {sorted(makers)}")
    return [makers[key](value) for key, value in section.items()]


def _names(value) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"context_configs.enable_graphs must be a non-empty list of graph names, got {value!r}")
    return list(value)


TOP_LEVEL = {"backend_extensions", "context_configs", "graph_configs", "profile_configs",
             "async_graph_execution_config"}


def read(path: str) -> list[QnnContext_Config_t]:
    """Every context config the whole ``--config_file`` asks for: ``context_configs`` plus the
    HTP custom options of the backend extension's config file (``config_file_path``, relative
    to this file's folder). ``graph_configs``, ``profile_configs`` and the async section tune
    the device and are accepted without effect."""
    doc = config_files.read(path, "--config_file", ConfigError)
    config_files.require_known_keys(doc, TOP_LEVEL, path, "the net-run config", ConfigError)
    configs = context_configs(doc.get("context_configs", {}))
    extensions = doc.get("backend_extensions", {})
    if not isinstance(extensions, dict):
        raise ConfigError(f"{path}: backend_extensions must be an object")
    if extensions.get("config_file_path"):
        htp_path = config_files.resolve(config_files.folder_of(path), extensions["config_file_path"])
        try:
            configs += htp_config.context_configs(htp_config.read(htp_path))
        except htp_config.ConfigError as err:
            raise ConfigError(str(err)) from None
    return configs
