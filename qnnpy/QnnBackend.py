"""QnnBackend.h: backend lifetime, versions, supported ops and op validation."""
from dataclasses import dataclass
from enum import IntEnum

from qnnpy import QnnGlobalConfig, _handles, _log, _lookup, _marshal
from qnnpy._api import QnnError, config_list, fail, qnn_api
from qnnpy._enum import export
from qnnpy.htp import backend as htp, identity
from qnnpy.QnnTypes import Qnn_ApiVersion_t, Qnn_ErrorReportingConfig_t, Qnn_Version_t
from qnnpy.QnnCommon import QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR, QNN_API_VERSION_PATCH


class QnnBackend_Error_t(IntEnum):
    QNN_BACKEND_NO_ERROR = 0
    QNN_BACKEND_ERROR_MEM_ALLOC = 1002
    QNN_BACKEND_ERROR_UNSUPPORTED_PLATFORM = 1006
    QNN_BACKEND_ERROR_CANNOT_INITIALIZE = 4000
    QNN_BACKEND_ERROR_TERMINATE_FAILED = 4002
    QNN_BACKEND_ERROR_NOT_SUPPORTED = 4003
    QNN_BACKEND_ERROR_INVALID_ARGUMENT = 4004
    QNN_BACKEND_ERROR_OP_PACKAGE_NOT_FOUND = 4005
    QNN_BACKEND_ERROR_OP_PACKAGE_IF_PROVIDER_NOT_FOUND = 4006
    QNN_BACKEND_ERROR_OP_PACKAGE_REGISTRATION_FAILED = 4007
    QNN_BACKEND_ERROR_OP_PACKAGE_UNSUPPORTED_VERSION = 4008
    QNN_BACKEND_ERROR_OP_PACKAGE_DUPLICATE = 4009
    QNN_BACKEND_ERROR_INCONSISTENT_CONFIG = 4010
    QNN_BACKEND_ERROR_INVALID_HANDLE = 4011
    QNN_BACKEND_ERROR_INVALID_CONFIG = 4012
    QNN_BACKEND_MIN_ERROR = 4000
    QNN_BACKEND_MAX_ERROR = 4999
    QNN_BACKEND_ERROR_UNDEFINED = 0x7FFFFFFF


class QnnBackend_ConfigOption_t(IntEnum):
    QNN_BACKEND_CONFIG_OPTION_CUSTOM = 0
    QNN_BACKEND_CONFIG_OPTION_ERROR_REPORTING = 1
    QNN_BACKEND_CONFIG_OPTION_PLATFORM = 2
    QNN_BACKEND_CONFIG_OPTION_UNDEFINED = 0x7FFFFFFF


class QnnBackend_PropertyOption_t(IntEnum):
    QNN_BACKEND_PROPERTY_OPTION_CUSTOM = 0
    QNN_BACKEND_PROPERTY_OPTION_UNDEFINED = 0x7FFFFFFF


export(QnnBackend_Error_t, globals())
export(QnnBackend_ConfigOption_t, globals())
export(QnnBackend_PropertyOption_t, globals())
QNN_OP_PACKAGE_ERROR_VALIDATION_FAILURE = 3110
E = QnnBackend_Error_t
_OK = E.QNN_BACKEND_NO_ERROR
QNN_HTP_API_VERSION_MAJOR, QNN_HTP_API_VERSION_MINOR, QNN_HTP_API_VERSION_PATCH = identity.API_VERSION


@dataclass(slots=True)
class QnnBackend_Config_t:
    option: int = QnnBackend_ConfigOption_t.QNN_BACKEND_CONFIG_OPTION_UNDEFINED
    customConfig: object = None
    errorConfig: Qnn_ErrorReportingConfig_t | None = None
    platformOption: str | None = None


@dataclass(slots=True)
class QnnBackend_OperationName_t:
    packageName: str | None = None
    name: str | None = None
    target: str | None = None


@dataclass(slots=True)
class QnnBackend_Property_t:
    option: int = QnnBackend_PropertyOption_t.QNN_BACKEND_PROPERTY_OPTION_UNDEFINED
    customProperty: object = None


def QNN_BACKEND_CONFIG_INIT() -> QnnBackend_Config_t:
    return QnnBackend_Config_t()


def QNN_BACKEND_PROPERTY_INIT() -> QnnBackend_Property_t:
    return QnnBackend_Property_t()


def _check_configs(config) -> None:
    """NULL or a list of configs; the last of a repeated option wins, as in C."""
    for item in config_list(config, E.QNN_BACKEND_ERROR_INVALID_CONFIG, "config"):
        if not isinstance(item, QnnBackend_Config_t) or item.option not in (0, 1, 2):
            fail(E.QNN_BACKEND_ERROR_INVALID_CONFIG,
                 f"{item!r} is not a QnnBackend_Config_t with a known option")
        if item.option == QnnBackend_ConfigOption_t.QNN_BACKEND_CONFIG_OPTION_PLATFORM and (
                not isinstance(item.platformOption, str) or len(item.platformOption) > 1024):
            fail(E.QNN_BACKEND_ERROR_INVALID_CONFIG, "platformOption must be a string of <= 1024 chars")


@qnn_api(_OK, outputs=1)
def QnnBackend_create(logger, config):
    log_obj = None
    if not _handles.is_null(logger):
        log_obj = _handles.get(logger, _lookup.LOG)
        if log_obj is None:
            fail(E.QNN_BACKEND_ERROR_INVALID_HANDLE, _lookup._why(logger, "log", "QnnLog_create"))
    _log.route_to(log_obj)
    _check_configs(config)
    QnnGlobalConfig.check_soc_for_backend()
    backend = htp.HtpBackend(log_obj)
    _apply_platform_options(backend, config)
    QnnGlobalConfig.lock("QnnBackend_create")
    return _handles.new(_lookup.BACKEND, backend)


STRICT_IO_ENCODINGS = "qnnpy.strict_io_encodings"
ACTIVATION_BUDGET = "qnnpy.activation_budget_bytes"


def _apply_platform_options(backend, config) -> None:
    """qnnpy's own switches travel as PLATFORM "key=value" options, as vendor ones do."""
    for item in config_list(config, E.QNN_BACKEND_ERROR_INVALID_CONFIG, "config"):
        if item.option != QnnBackend_ConfigOption_t.QNN_BACKEND_CONFIG_OPTION_PLATFORM:
            continue
        key, _, value = item.platformOption.partition("=")
        if key.strip() == STRICT_IO_ENCODINGS:
            backend.strict_io_encodings = value.strip() not in ("", "0", "false", "no")
        elif key.strip() == ACTIVATION_BUDGET:
            if not value.strip().isdigit() or int(value) < 1:
                fail(E.QNN_BACKEND_ERROR_INVALID_CONFIG, f"{ACTIVATION_BUDGET} takes a positive byte count, got "
                                                         f"'{value.strip()}'")
            backend.activation_budget = int(value)


@qnn_api(_OK)
def QnnBackend_setConfig(backend, config):
    obj = _lookup.backend(backend, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    _check_configs(config)
    _apply_platform_options(obj, config)


@qnn_api(_OK, outputs=1)
def QnnBackend_getApiVersion():
    return Qnn_ApiVersion_t(Qnn_Version_t(QNN_API_VERSION_MAJOR, QNN_API_VERSION_MINOR,
                                          QNN_API_VERSION_PATCH), Qnn_Version_t(*identity.API_VERSION))


@qnn_api(_OK, outputs=1)
def QnnBackend_getBuildId():
    return htp.BUILD_ID


@qnn_api(_OK)
def QnnBackend_registerOpPackage(backend, packagePath, interfaceProvider, target):
    _lookup.backend(backend, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    if not packagePath or not interfaceProvider:
        fail(E.QNN_BACKEND_ERROR_INVALID_ARGUMENT, "packagePath and interfaceProvider are required")
    fail(E.QNN_BACKEND_ERROR_NOT_SUPPORTED,
         f"custom op packages ('{packagePath}') cannot run in the emulated HTP; only the built-in "
         "qti.aisw ops are available (see QnnBackend_getSupportedOperations)")


@qnn_api(_OK, outputs=2)
def QnnBackend_getSupportedOperations(backend):
    obj = _lookup.backend(backend, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    ops = [QnnBackend_OperationName_t(pkg, name, None) for pkg, name in obj.supported_operations()]
    return len(ops), ops


@qnn_api(_OK)
def QnnBackend_validateOpConfig(backend, opConfig):
    obj = _lookup.backend(backend, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    err = QNN_OP_PACKAGE_ERROR_VALIDATION_FAILURE
    spec = _marshal.node_spec(opConfig, err, obj.storage_dtype)
    ins, outs = _marshal.node_tensor_specs(opConfig, err, obj.storage_dtype)
    if (spec.package, spec.op_type) not in obj.supported_operations():
        fail(E.QNN_BACKEND_ERROR_OP_PACKAGE_NOT_FOUND,  # the real backend's answer for an op nobody provides
             f"no registered op package provides {spec.package!r} / {spec.op_type!r}")
    try:
        obj.validate_op_config(spec, ins, outs)
    except QnnError as exc:
        fail(err, exc.message)


@qnn_api(_OK)
def QnnBackend_getProperty(backendHandle, properties):
    _lookup.backend(backendHandle, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    if not properties:
        fail(E.QNN_BACKEND_ERROR_INVALID_ARGUMENT, "properties must be a non-empty list")
    fail(E.QNN_BACKEND_ERROR_NOT_SUPPORTED, "the emulated HTP has no custom backend properties")


@qnn_api(_OK)
def QnnBackend_free(backend):
    obj = _lookup.backend(backend, E.QNN_BACKEND_ERROR_INVALID_HANDLE)
    from qnnpy import QnnContext
    for context in list(obj.contexts):
        QnnContext.release(context)
    _handles.free(backend)
