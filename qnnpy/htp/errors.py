"""The QNN error enums the HTP backend raises, gathered from the header modules.

A real backend includes the API headers for its error codes; this is the same thing.
"""
from qnnpy.QnnCommon import QnnCommon_Error_t as CommonError  # noqa: F401
from qnnpy.QnnContext import QnnContext_Error_t as ContextError  # noqa: F401
from qnnpy.QnnGraph import QnnGraph_Error_t as GraphError  # noqa: F401
from qnnpy.QnnTensor import QnnTensor_Error_t as TensorError  # noqa: F401
from qnnpy._api import fail  # noqa: F401
