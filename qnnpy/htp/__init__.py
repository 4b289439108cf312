"""The emulated HTP backend: graph IR, op kernels, executor and binary formats."""
