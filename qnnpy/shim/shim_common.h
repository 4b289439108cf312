/* Shared by both shim libraries' hand-written C: making libpython's symbols global, and
 * calling a client's va_list log callback with a message Python formatted. */
#ifndef QNNPY_SHIM_COMMON_H
#define QNNPY_SHIM_COMMON_H

#include <dlfcn.h>
#include <stdarg.h>

#include "QnnLog.h"

/* Python extension modules (numpy, cffi's backend) resolve libpython's symbols globally; a
 * client that dlopen()s a shim library RTLD_LOCAL would hide them, so promote libpython. */
__attribute__((constructor)) static void qnnpy_promote_libpython(void) {
  dlopen(QNNPY_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

/* The embedded interpreter keeps pointers into this library (its cffi module, the callbacks it
 * registered, an atexit entry), so a client's dlclose must not unmap it: pin it. */
__attribute__((constructor)) static void qnnpy_pin_library(void) {
  Dl_info self;
  if (dladdr((void*)qnnpy_pin_library, &self) && self.dli_fname != NULL) {
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  }
}

static void qnnpy_forward_log(QnnLog_Callback_t callback, QnnLog_Level_t level, uint64_t timestamp,
                              const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  callback(fmt, level, timestamp, args);
  va_end(args);
}

/* Set (from Python's atexit) once the interpreter is shutting down: the provider tables' entries
 * then answer without entering Python, as a host process's static destructors (ONNX Runtime's
 * shared contexts) may still free contexts after Python has finalized. */
static volatile int qnnpy_python_gone = 0;
static void qnnpy_mark_python_gone(void) { qnnpy_python_gone = 1; }

/* Called from Python (declared to cffi); the client's callback sees fmt "%s". */
__attribute__((unused)) static void qnnpy_emit_log(void* callback, const char* message, QnnLog_Level_t level,
                                                  uint64_t timestamp) {
  if (callback != NULL) {
    qnnpy_forward_log((QnnLog_Callback_t)callback, level, timestamp, "%s", message);
  }
}

#endif
