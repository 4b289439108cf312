"""GenieTokenizer.h: the dialog's own tokenizer (GenieDialog_getTokenizer), so a client counts
or prepares tokens exactly as its dialog will.

As measured on the real libGenie.so: encode adds no ``bos-token`` and reads special tokens in
the text ("<s>" is id 0); text that encodes to nothing is GENERAL; decode writes special tokens
as their text and gives "" when the ids' bytes are not whole UTF-8 characters; a count of 0 is
INVALID_ARGUMENT. Where the real library goes wrong without a word, qnnpy refuses: an id
outside the vocabulary (the real one drops it) is GENERAL with a line naming it; and each
decode stands alone (after a decode of incomplete UTF-8 the real tokenizer returns "" for
every later decode, as if the bytes were still pending).
"""
from qnnpy.GenieCommon import Genie_Status_t as S
from qnnpy.genie.calls import Refused, api, live, need_str
from qnnpy.genie.stream import reply_text

TOKENIZER = "GenieTokenizer"


@api(outputs=1)
def GenieTokenizer_encode(tokenizerHandle, inputString):
    """The token ids of ``inputString`` (no bos-token in front)."""
    dialog = live(tokenizerHandle, TOKENIZER)
    ids = dialog.encode(need_str(inputString, "inputString"), "inputString")
    if not ids:
        raise Refused(S.GENIE_STATUS_ERROR_GENERAL, "the text encodes to no tokens")
    return S.GENIE_STATUS_SUCCESS, list(ids)


@api(outputs=1)
def GenieTokenizer_decode(tokenizerHandle, tokenIds, numTokenIds):
    """The text of the first ``numTokenIds`` of ``tokenIds``."""
    dialog = live(tokenizerHandle, TOKENIZER)
    if tokenIds is None or not isinstance(numTokenIds, int) or isinstance(numTokenIds, bool) or numTokenIds <= 0:
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "decode needs token ids and a count above 0")
    try:
        ids = [int(t) for t in list(tokenIds)[:numTokenIds]]
    except (TypeError, ValueError):
        raise Refused(S.GENIE_STATUS_ERROR_INVALID_ARGUMENT, "tokenIds must be a sequence of integers") from None
    vocabulary = dialog.tokenizer.get_vocab_size()
    wrong = [t for t in ids if not 0 <= t < vocabulary]
    if len(ids) < numTokenIds or wrong:
        raise Refused(S.GENIE_STATUS_ERROR_GENERAL, f"token ids {wrong} are outside the vocabulary of {vocabulary}"
                      if wrong else f"{len(ids)} token ids given, {numTokenIds} counted")
    text = reply_text(dialog.tokenizer, ids)
    return S.GENIE_STATUS_SUCCESS, "" if "\ufffd" in text else text
