/* qnnpy — Genie/GenieTokenizer.h: a dialog's tokenizer (GenieDialog_getTokenizer), to encode
 * and decode exactly as the dialog does. Our own header (docs/genie.md). */
#ifndef GENIE_TOKENIZER_H
#define GENIE_TOKENIZER_H

#include "GenieCommon.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef const struct _GenieTokenizer_Handle_t* GenieTokenizer_Handle_t;

/* The ids of inputString (no bos-token added), numTokenIds of them, in memory the callback
 * provides (the client frees it). */
GENIE_API Genie_Status_t GenieTokenizer_encode(const GenieTokenizer_Handle_t tokenizerHandle, const char* inputString,
                                               const Genie_AllocCallback_t callback, const int32_t** tokenIds,
                                               uint32_t* numTokenIds);
/* The text of numTokenIds ids (at least one), NUL-terminated, in memory the callback provides. */
GENIE_API Genie_Status_t GenieTokenizer_decode(const GenieTokenizer_Handle_t tokenizerHandle, const int32_t* tokenIds,
                                               const uint32_t numTokenIds, const Genie_AllocCallback_t callback,
                                               const char** outputString);

#ifdef __cplusplus
}
#endif

#endif
