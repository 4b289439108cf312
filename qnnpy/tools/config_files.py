"""Reading the tools' YAML and JSON files the same way everywhere: an error naming the flag
and the file, top-level shape checked, relative paths taken from the file's folder. Each
tool passes its own error type, so its command line reports the problem as its own."""
import json
import os

import yaml


def read(path: str, flag: str, error: type[Exception]) -> dict:
    """The file's top-level mapping (JSON for ``.json``, YAML otherwise)."""
    try:
        with open(path) as f:
            doc = json.load(f) if path.endswith(".json") else yaml.safe_load(f)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise error(f"cannot read {flag} {path}: {err}") from None
    if not isinstance(doc, dict):
        raise error(f"{path}: expected a mapping at the top, got {type(doc).__name__}")
    return doc


def require_list(doc: dict, key: str, path: str, error: type[Exception]) -> list:
    if not isinstance(doc.get(key), list) or not doc[key]:
        raise error(f"{path}: needs a non-empty '{key}' list")
    return doc[key]


def require_known_keys(doc: dict, known: set, path: str, what: str, error: type[Exception]) -> None:
    if not set(doc) <= known:
        raise error(f"{path}: {what} has the keys {sorted(known)}; got unknown {sorted(set(doc) - known)}")


def folder_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def resolve(folder: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(folder, path))
