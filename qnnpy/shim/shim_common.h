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

static void qnnpy_forward_log(QnnLog_Callback_t callback, QnnLog_Level_t level, uint64_t timestamp,
                              const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  callback(fmt, level, timestamp, args);
  va_end(args);
}

/* Called from Python (declared to cffi); the client's callback sees fmt "%s". */
static void qnnpy_emit_log(void* callback, const char* message, QnnLog_Level_t level, uint64_t timestamp) {
  if (callback != NULL) {
    qnnpy_forward_log((QnnLog_Callback_t)callback, level, timestamp, "%s", message);
  }
}

#endif
