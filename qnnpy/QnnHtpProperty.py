"""HTP/QnnHtpProperty.h: the HTP backend's own capability key, answered by QnnProperty_hasCapability
(NOT_SUPPORTED, as on the real x86 backend: there is no DSP protection domain to run in)."""
from qnnpy.QnnProperty import QNN_PROPERTY_GROUP_CUSTOM

QNN_PROPERTY_CUSTOM_HTP_UNSIGNED_PD_SUPPORT = QNN_PROPERTY_GROUP_CUSTOM + 1
