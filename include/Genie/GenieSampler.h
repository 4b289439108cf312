/* qnnpy — Genie/GenieSampler.h: changing how a dialog picks its next token between queries.
 * A sampler config is made from the same JSON block a dialog's configuration carries, wrapped
 * as {"sampler": {...}}, and its values (temp, top-k, top-p, seed) may be edited one by one
 * from text; applying it to the dialog's sampler (GenieDialog_getSampler) replaces the values
 * it sets from the next token on, the others stay. A custom sampler is a client function
 * registered under a name; a sampler block with "type": "custom" and that "callback-name"
 * hands it each token's logits. Our own header (docs/genie.md). */
#ifndef GENIE_SAMPLER_H
#define GENIE_SAMPLER_H

#include "GenieCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef const struct _GenieSamplerConfig_Handle_t* GenieSamplerConfig_Handle_t;
typedef const struct _GenieSampler_Handle_t* GenieSampler_Handle_t;

/* A custom sampler: logits holds logitsSize bytes of float32 logits (one per vocabulary
 * entry); it writes its choice of numTokens tokens (1) into tokens. */
typedef void (*GenieSampler_ProcessCallback_t)(const uint32_t logitsSize, const void* logits,
                                               const uint32_t numTokens, int32_t* tokens);
/* The same, with the userData given at registration passed back. */
typedef void (*GenieSampler_UserDataCallback_t)(const uint32_t logitsSize, const void* logits,
                                                const uint32_t numTokens, int32_t* tokens, const void* userData);

GENIE_API Genie_Status_t GenieSamplerConfig_createFromJson(const char* str, GenieSamplerConfig_Handle_t* configHandle);
/* keyStr: "temp", "top-k", "top-p", "seed", "type" or "callback-name"; valueStr its value as
 * text ("0.8"). With keyStr NULL, valueStr is a whole sampler config replacing this one. An
 * unknown key or a value that does not read is GENIE_STATUS_ERROR_SET_PARAMS_FAILED. */
GENIE_API Genie_Status_t GenieSamplerConfig_setParam(const GenieSamplerConfig_Handle_t configHandle,
                                                     const char* keyStr, const char* valueStr);
GENIE_API Genie_Status_t GenieSamplerConfig_free(const GenieSamplerConfig_Handle_t configHandle);
GENIE_API Genie_Status_t GenieSampler_applyConfig(const GenieSampler_Handle_t samplerHandle,
                                                  const GenieSamplerConfig_Handle_t configHandle);
/* Register a custom sampler under name (a second registration under a name replaces the first). */
GENIE_API Genie_Status_t GenieSampler_registerCallback(const char* name, GenieSampler_ProcessCallback_t samplerCallback);
GENIE_API Genie_Status_t GenieSampler_registerUserDataCallback(const char* name,
                                                               GenieSampler_UserDataCallback_t samplerCallback,
                                                               const void* userData);

#ifdef __cplusplus
}
#endif

#endif
