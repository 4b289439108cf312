/* Harness: one Genie dialog from C, through any libGenie.so (dlopen'ed, so the same program
 * runs on qnnpy's and on the wheel's).
 *
 * Usage: genie_dialog libGenie.so dialog.json PROMPT [ADAPTER ALPHA_NAME ALPHA]
 * Creates the dialog, applies the adapter and its strength when given, queries PROMPT and
 * prints the streamed reply, then "status <query status>" and "pieces <count>" lines, then
 * what GenieDialog_getValue reads ("occupancy <type> <n>", "adapter <type> <name>"), and,
 * with an adapter, "release <status>" for GenieDialog_releaseLoraMemory of it followed by the
 * adapter line again. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "Genie/GenieDialog.h"

#define LOAD(name) name##_t name = (name##_t)dlsym(lib, #name)

typedef Genie_Status_t (*GenieDialogConfig_createFromJson_t)(const char*, GenieDialogConfig_Handle_t*);
typedef Genie_Status_t (*GenieDialogConfig_free_t)(const GenieDialogConfig_Handle_t);
typedef Genie_Status_t (*GenieDialog_create_t)(const GenieDialogConfig_Handle_t, GenieDialog_Handle_t*);
typedef Genie_Status_t (*GenieDialog_query_t)(const GenieDialog_Handle_t, const char*, const GenieDialog_SentenceCode_t,
                                              const GenieDialog_QueryCallback_t, const void*);
typedef Genie_Status_t (*GenieDialog_applyLora_t)(const GenieDialog_Handle_t, const char*, const char*);
typedef Genie_Status_t (*GenieDialog_setLoraStrength_t)(const GenieDialog_Handle_t, const char*, const char*,
                                                        const float);
typedef Genie_Status_t (*GenieDialog_free_t)(const GenieDialog_Handle_t);
typedef Genie_Status_t (*GenieDialog_getValue_t)(const GenieDialog_Handle_t, const GenieDialog_Param_t,
                                                 Genie_AllocCallback_t, Genie_DataType_t*, Genie_Value_t*);
typedef Genie_Status_t (*GenieDialog_releaseLoraMemory_t)(const GenieDialog_Handle_t, const char*, const char*);

static void allocate(const size_t size, const char** data) { *data = malloc(size); }

static void print_adapter(GenieDialog_getValue_t get, GenieDialog_Handle_t dialog) {
  Genie_DataType_t type = 0;
  Genie_Value_t value = {0};
  Genie_Status_t status = get(dialog, GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER, allocate, &type, &value);
  printf("adapter %d %d [%s]\n", status, (int)type, status == GENIE_STATUS_SUCCESS ? value.stringValue : "");
  if (status == GENIE_STATUS_SUCCESS) free((void*)value.stringValue);
}

static void on_reply(const char* piece, const GenieDialog_SentenceCode_t code, const void* data) {
  (void)code;
  ++*(int*)data;
  fputs(piece, stdout);
}

static char* read_text(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = calloc((size_t)size + 1, 1);
  if (text != NULL && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  fclose(f);
  return text;
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 7) {
    fprintf(stderr, "usage: %s libGenie.so dialog.json PROMPT [ADAPTER ALPHA_NAME ALPHA]\n", argv[0]);
    return 2;
  }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "%s\n", dlerror());
    return 2;
  }
  LOAD(GenieDialogConfig_createFromJson);
  LOAD(GenieDialogConfig_free);
  LOAD(GenieDialog_create);
  LOAD(GenieDialog_query);
  LOAD(GenieDialog_applyLora);
  LOAD(GenieDialog_setLoraStrength);
  LOAD(GenieDialog_free);
  LOAD(GenieDialog_getValue);
  LOAD(GenieDialog_releaseLoraMemory);
  char* json = read_text(argv[2]);
  GenieDialogConfig_Handle_t config = NULL;
  GenieDialog_Handle_t dialog = NULL;
  Genie_Status_t status = GenieDialogConfig_createFromJson(json, &config);
  if (status == GENIE_STATUS_SUCCESS) status = GenieDialog_create(config, &dialog);
  if (status == GENIE_STATUS_SUCCESS && argc == 7) {
    status = GenieDialog_applyLora(dialog, "primary", argv[4]);
    if (status == GENIE_STATUS_SUCCESS) status = GenieDialog_setLoraStrength(dialog, "primary", argv[5], strtof(argv[6], NULL));
  }
  if (status != GENIE_STATUS_SUCCESS) {
    printf("setup %d\n", status);
    return 1;
  }
  int pieces = 0;
  status = GenieDialog_query(dialog, argv[3], GENIE_DIALOG_SENTENCE_COMPLETE, on_reply, &pieces);
  printf("\nstatus %d\npieces %d\n", status, pieces);
  Genie_DataType_t type = 0;
  Genie_Value_t value = {0};
  status = GenieDialog_getValue(dialog, GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY, NULL, &type, &value);
  printf("occupancy %d %d %u\n", status, (int)type, value.uint32Value);
  print_adapter(GenieDialog_getValue, dialog);
  if (argc == 7) {
    printf("release %d\n", GenieDialog_releaseLoraMemory(dialog, "primary", argv[4]));
    print_adapter(GenieDialog_getValue, dialog);
  }
  GenieDialog_free(dialog);
  GenieDialogConfig_free(config);
  free(json);
  return 0;
}
