/* A client linked against libGenie.so at build time (-lGenie, every symbol bound at load with
 * -z now), as an app built with the real SDK is: it must find every function it names,
 * including ones qnnpy only stubs. It prints one status per call:
 *   policy <set> <get> <value>   GenieDialog_setPerformancePolicy / get on a NULL dialog
 *   stubs <s1> <s2> <s3>         an engine, a node and an embedding function (not in qnnpy)
 * Arguments are ignored by the stubs, so NULLs are passed. */
#include <stdio.h>

#include "Genie/GenieDialog.h"

/* Functions of the real library's API that qnnpy's headers do not declare. */
Genie_Status_t GenieDialog_getEngine(const GenieDialog_Handle_t dialog, const char* engineType, void** engine);
Genie_Status_t GenieNode_create(const void* config, void** node);
Genie_Status_t GenieEmbedding_generate(const void* embedding, const char* text, void* callback, void* userData);

int main(void) {
  Genie_PerformancePolicy_t policy = GENIE_PERFORMANCE_BALANCED;
  int set = GenieDialog_setPerformancePolicy(NULL, GENIE_PERFORMANCE_BURST);
  int get = GenieDialog_getPerformancePolicy(NULL, &policy);
  printf("policy %d %d %d\n", set, get, (int)policy);
  void* out = NULL;
  printf("stubs %d %d %d\n", GenieDialog_getEngine(NULL, "draft", &out), GenieNode_create(NULL, &out),
         GenieEmbedding_generate(NULL, "x", NULL, NULL));
  return 0;
}
