"""The C ABI: libQnnHtp.so and libQnnSystem.so, built with cffi's embedding mode so that
unmodified C/C++ QNN clients call qnnpy (``qnnpy build-shim --output_dir DIR``).

Each library embeds the Python interpreter qnnpy was installed into; the first call starts it
and imports :mod:`qnnpy.shim.bridge`, which turns C structs into the Python API's objects and
back (see docs/shim.md).
"""
