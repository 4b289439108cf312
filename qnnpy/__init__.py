"""qnnpy: the QNN C API in Python, with an emulated HTP backend that really executes graphs.

Import the header modules by their C names: ``from qnnpy import QnnGraph`` then
``QnnGraph.QnnGraph_execute(...)``; every function returns its error code first.
"""
__version__ = "0.1.0"
