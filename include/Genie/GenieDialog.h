/* qnnpy — Genie/GenieDialog.h: text generation with an LLM, configured by a JSON string
 * (docs/genie.md). A query streams its reply through a callback, piece by piece, with a
 * sentence code saying where the piece falls (BEGIN, CONTINUE, END). Adapters are switched
 * by name and their strength set per alpha input; both act from the next query on. Our own
 * header. */
#ifndef GENIE_DIALOG_H
#define GENIE_DIALOG_H

#include "GenieCommon.h"
#include "GenieLog.h"
#include "GenieProfile.h"
#include "GenieSampler.h"
#include "GenieTokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef const struct _GenieDialogConfig_Handle_t* GenieDialogConfig_Handle_t;
typedef const struct _GenieDialog_Handle_t* GenieDialog_Handle_t;

typedef enum {
  GENIE_DIALOG_SENTENCE_COMPLETE = 0, /* a whole query, or a whole reply */
  GENIE_DIALOG_SENTENCE_BEGIN = 1,
  GENIE_DIALOG_SENTENCE_CONTINUE = 2,
  GENIE_DIALOG_SENTENCE_END = 3,
  GENIE_DIALOG_SENTENCE_ABORT = 4,
  GENIE_DIALOG_SENTENCE_REWIND = 5,
  GENIE_DIALOG_SENTENCE_RESUME = 6
} GenieDialog_SentenceCode_t;

/* Parameters GenieDialog_getValue reads: the positions of the context in use
 * (GENIE_DATATYPE_UINT_32), and the name of the adapter applied last (GENIE_DATATYPE_STRING,
 * "" for none; the call needs an allocation callback for it). Key 2, which this enum does not
 * name, is answered too, as by the real library: the tokens the last query sampled
 * (GENIE_DATATYPE_UINT_32; an eos-token or a stop sequence's last token included). */
typedef enum {
  GENIE_DIALOG_PARAM_CONTEXT_OCCUPANCY = 0,
  GENIE_DIALOG_PARAM_APPLIED_LORA_ADAPTER = 1
} GenieDialog_Param_t;

/* What GenieDialog_signal asks of the running query. */
typedef enum {
  GENIE_DIALOG_ACTION_ABORT = 0x01, /* stop it; its reply ends with END */
  GENIE_DIALOG_ACTION_PAUSE = 0x02  /* stop it until a GENIE_DIALOG_SENTENCE_RESUME query */
} GenieDialog_Action_t;

/* Context priorities for GenieDialog_setPriority (the two highest may be reserved on a device). */
typedef enum {
  GENIE_DIALOG_PRIORITY_LOW = 0,
  GENIE_DIALOG_PRIORITY_NORMAL = 100, /* the default */
  GENIE_DIALOG_PRIORITY_NORMAL_HIGH = 150,
  GENIE_DIALOG_PRIORITY_HIGH = 200
} GenieDialog_Priority_t;

typedef void (*GenieDialog_QueryCallback_t)(const char* response, const GenieDialog_SentenceCode_t sentenceCode,
                                            const void* userData);
/* GenieDialog_tokenQuery's stream: numTokens token ids (one per call; none, NULL, with END). */
typedef void (*GenieDialog_TokenQueryCallback_t)(const uint32_t* response, const uint32_t numTokens,
                                                 const GenieDialog_SentenceCode_t sentenceCode, const void* userData);

GENIE_API Genie_Status_t GenieDialogConfig_createFromJson(const char* str, GenieDialogConfig_Handle_t* configHandle);
GENIE_API Genie_Status_t GenieDialogConfig_free(const GenieDialogConfig_Handle_t configHandle);
/* Dialogs created from the config afterwards log to logHandle (a second bind replaces the
 * first) and report their timings to profileHandle. */
GENIE_API Genie_Status_t GenieDialogConfig_bindLogger(const GenieDialogConfig_Handle_t configHandle,
                                                      const GenieLog_Handle_t logHandle);
GENIE_API Genie_Status_t GenieDialogConfig_bindProfiler(const GenieDialogConfig_Handle_t configHandle,
                                                        const GenieProfile_Handle_t profileHandle);

GENIE_API Genie_Status_t GenieDialog_create(const GenieDialogConfig_Handle_t configHandle,
                                            GenieDialog_Handle_t* dialogHandle);
/* queryStr is appended to the conversation; the reply is streamed to callback, which gets
 * userData back. A reply that fills the context ends with END and the call returns
 * GENIE_STATUS_WARNING_CONTEXT_EXCEEDED. */
GENIE_API Genie_Status_t GenieDialog_query(const GenieDialog_Handle_t dialogHandle, const char* queryStr,
                                           const GenieDialog_SentenceCode_t sentenceCode,
                                           const GenieDialog_QueryCallback_t callback, const void* userData);
/* A query given as token ids, its reply streamed as token ids. */
GENIE_API Genie_Status_t GenieDialog_tokenQuery(const GenieDialog_Handle_t dialogHandle, const uint32_t* inputTokens,
                                                const uint32_t numTokens,
                                                const GenieDialog_SentenceCode_t sentenceCode,
                                                const GenieDialog_TokenQueryCallback_t callback,
                                                const void* userData);
/* Write the conversation into the folder path (created as needed); read it back. */
GENIE_API Genie_Status_t GenieDialog_save(const GenieDialog_Handle_t dialogHandle, const char* path);
GENIE_API Genie_Status_t GenieDialog_restore(const GenieDialog_Handle_t dialogHandle, const char* path);
/* Abort or pause the query running on the dialog (callable from another thread). */
GENIE_API Genie_Status_t GenieDialog_signal(const GenieDialog_Handle_t dialogHandle,
                                            const GenieDialog_Action_t action);
GENIE_API Genie_Status_t GenieDialog_setPriority(const GenieDialog_Handle_t dialogHandle, const char* engineRole,
                                                 const GenieDialog_Priority_t priority);
GENIE_API Genie_Status_t GenieDialog_setOemKey(const GenieDialog_Handle_t dialogHandle, const char* oemKey);
/* Stop sequences as {"stop-sequence": ["...", ...]} (NULL clears them): a text reply ends
 * where one appears, without it. */
GENIE_API Genie_Status_t GenieDialog_setStopSequence(const GenieDialog_Handle_t dialogHandle,
                                                     const char* newStopSequences);
/* Record the performance policy asked of the accelerator (HIGH_PERFORMANCE until set); read it back. */
GENIE_API Genie_Status_t GenieDialog_setPerformancePolicy(const GenieDialog_Handle_t dialogHandle,
                                                          const Genie_PerformancePolicy_t perfProfile);
GENIE_API Genie_Status_t GenieDialog_getPerformancePolicy(const GenieDialog_Handle_t dialogHandle,
                                                          Genie_PerformancePolicy_t* perfProfile);
/* Forget the conversation (the KV cache). */
GENIE_API Genie_Status_t GenieDialog_reset(const GenieDialog_Handle_t dialogHandle);
/* engine: the role of the engine ("primary" or "target"; "secondary" or "draft" for a
 * speculative decoder's draft). */
GENIE_API Genie_Status_t GenieDialog_applyLora(const GenieDialog_Handle_t dialogHandle, const char* engine,
                                               const char* loraAdapterName);
GENIE_API Genie_Status_t GenieDialog_setLoraStrength(const GenieDialog_Handle_t dialogHandle, const char* engine,
                                                     const char* tensorName, const float alpha);
/* Drop what an adapter applied before holds; applying it again reads its files again. */
GENIE_API Genie_Status_t GenieDialog_releaseLoraMemory(const GenieDialog_Handle_t dialogHandle, const char* engine,
                                                       const char* loraAdapterName);
/* Stop a reply after maxNumTokens tokens (0: the reply is empty; without a call, replies run
 * until an end-of-sequence token or the context's end). */
GENIE_API Genie_Status_t GenieDialog_setMaxNumTokens(const GenieDialog_Handle_t dialogHandle,
                                                     const uint32_t maxNumTokens);
/* One parameter's value and its type; a string goes into memory from callback. */
GENIE_API Genie_Status_t GenieDialog_getValue(const GenieDialog_Handle_t dialogHandle, const GenieDialog_Param_t key,
                                              Genie_AllocCallback_t callback, Genie_DataType_t* dataType,
                                              Genie_Value_t* value);
/* The dialog's sampler, for GenieSampler_applyConfig (one handle per dialog, gone with it). */
GENIE_API Genie_Status_t GenieDialog_getSampler(const GenieDialog_Handle_t dialogHandle,
                                                GenieSampler_Handle_t* dialogSamplerHandle);
/* The dialog's tokenizer, for GenieTokenizer_encode/decode (one handle per dialog, gone with it). */
GENIE_API Genie_Status_t GenieDialog_getTokenizer(const GenieDialog_Handle_t dialogHandle,
                                                  GenieTokenizer_Handle_t* tokenizerHandle);
GENIE_API Genie_Status_t GenieDialog_free(const GenieDialog_Handle_t dialogHandle);

#ifdef __cplusplus
}
#endif

#endif
