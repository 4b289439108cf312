/* Harness (fuzz): every function of the core and system tables called with hostile values
 * of each parameter's own kind (tests/shim/signatures.py gives the kinds): handles NULL,
 * live, freed or made up; pointers NULL or to zeroed memory; integers 0, small, huge; counts
 * within the memory passed. Each call runs in a forked child, so a crash is seen, not fatal.
 * Prints "entry code" per call, "entry signal N" for a child that died, "entry hang", and
 * "entry nonatomic" for a refused call after which the live context serializes to a different
 * size (a graph or tensor registered by a call that said it failed).
 * Usage: fuzz_calls libQnnHtp.so libQnnSystem.so cases seed kinds,kinds,... */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qnn_loader.h"

typedef uintptr_t (*AnyFn)(uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t, uintptr_t,
                           uintptr_t, uintptr_t);

static uint64_t state;
static uint64_t next_random(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

#define PICK(array) (array)[next_random() % (sizeof(array) / sizeof((array)[0]))]

/* What the live context holds, as far as a client can see: the size it would serialize to. */
static Qnn_ContextBinarySize_t context_footprint(const QNN_INTERFACE_VER_TYPE* qnn, Qnn_ContextHandle_t context) {
  Qnn_ContextBinarySize_t size = 0;
  Qnn_ErrorHandle_t err = qnn->contextGetBinarySize(context, &size);
  return err ? (Qnn_ContextBinarySize_t)err << 48 : size;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s libQnnHtp.so libQnnSystem.so cases seed kinds,...\n", argv[0]);
    return 2;
  }
  QNN_INTERFACE_VER_TYPE qnn = load_backend(argv[1]);
  QNN_SYSTEM_INTERFACE_VER_TYPE sys = load_system(argv[2]);
  long cases = atol(argv[3]);
  state = (uint64_t)atol(argv[4]) * 2654435761u + 1;
  char* kinds[256];
  size_t n_kinds = 0;
  for (char* k = strtok(argv[5], ","); k != NULL && n_kinds < 256; k = strtok(NULL, ",")) kinds[n_kinds++] = k;

  Qnn_BackendHandle_t backend = NULL, freed = NULL;
  Qnn_ContextHandle_t context = NULL;
  CHECK(qnn.backendCreate(NULL, NULL, &backend));
  CHECK(qnn.backendCreate(NULL, NULL, &freed));
  CHECK(qnn.backendFree(freed));
  CHECK(qnn.contextCreate(backend, NULL, NULL, &context));
  static unsigned char zeros[1 << 20];
  uintptr_t handles[] = {0, (uintptr_t)backend, (uintptr_t)context, (uintptr_t)freed, 0x1234567};
  uintptr_t pointers[] = {0, (uintptr_t)zeros};
  uintptr_t strings[] = {0, (uintptr_t)"not a name"};
  uintptr_t ints[] = {0, 1, 7, 0x7FFFFFFF, 0xFFFFFFFF};
  uintptr_t counts[] = {0, 1, 7, 64};

  AnyFn fns[sizeof qnn / sizeof(void*) + sizeof sys / sizeof(void*)];
  memcpy(fns, &qnn, sizeof qnn);
  memcpy((char*)fns + sizeof qnn, &sys, sizeof sys);
  size_t n_fns = sizeof fns / sizeof fns[0];
  if (n_fns != n_kinds) {
    fprintf(stderr, "%zu table entries but %zu kind strings\n", n_fns, n_kinds);
    return 2;
  }
  const Qnn_ContextBinarySize_t footprint = context_footprint(&qnn, context);
  for (long c = 0; c < cases; ++c) {
    size_t entry = (size_t)(next_random() % n_fns);
    const char* k = kinds[entry];
    if (fns[entry] == NULL || strchr(k, 'X') != NULL) {
      printf("%zu skipped\n", entry);
      continue;
    }
    uintptr_t a[9] = {0};
    for (size_t i = 0; k[i] && i < 9; ++i) {
      switch (k[i]) {
        case 'H': a[i] = PICK(handles); break;
        case 'P': a[i] = PICK(pointers); break;
        case 'S': a[i] = PICK(strings); break;
        case 'N': a[i] = PICK(counts); break;
        case 'I': a[i] = PICK(ints); break;
        default: a[i] = 0; /* F: a callback is NULL or a real function, never garbage */
      }
    }
    memset(zeros, 0, sizeof zeros); /* what earlier calls wrote out is gone */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
      alarm(20);
      uintptr_t code = fns[entry](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      if ((code & 0xFFFF) != 0 && context_footprint(&qnn, context) != footprint) {
        printf("%zu nonatomic\n", entry);
      } else {
        printf("%zu %lu\n", entry, (unsigned long)(code & 0xFFFF));
      }
      fflush(stdout);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) {
      printf("%zu %s %d\n", entry, WTERMSIG(status) == SIGALRM ? "hang" : "signal", WTERMSIG(status));
    }
  }
  printf("done\n");
  return 0;
}
