"""A reply as the client's callback receives it: token ids one by one (token queries), or text
in pieces, one per generated token, as the real libGenie.so streams it (measured call for call:
tests/genie/real_genie.py)."""


class TokenStream:
    """A reply's tokens one by one: BEGIN first, then CONTINUE, and END (no tokens) to close."""

    def __init__(self, emit):
        self.emit, self.shown = emit, 0

    def show(self, tokens: list[int]) -> None:
        for token in tokens[self.shown:]:
            self.emit([token], 1 if self.shown == 0 else 2)  # BEGIN, then CONTINUE
            self.shown += 1

    def close(self, tokens: list[int]) -> None:
        self.show(tokens)
        self.emit([], 3)  # END


def reply_text(tokenizer, tokens: list[int]) -> str:
    """A reply's text as the real libGenie.so shows it: special tokens as their text ("<s>")."""
    return tokenizer.decode(tokens, skip_special_tokens=False)


class TextStream:
    """A reply's text as it grows, one piece per token as on the real libGenie.so: BEGIN first,
    then CONTINUE, and END (empty) to close. A piece is empty while the reply's new bytes are
    not whole characters — a character split over tokens shows with its last byte, bytes that
    cannot be UTF-8 hold every later piece back and are dropped at the reply's end (measured).
    With stop sequences text that may begin one is held back too, given out when it turns out
    not to, and dropped with the stop sequence when it does (``show`` then returns True and
    ``stop_at`` says where in the reply's text it began). Text a cut reply still held for a
    stop sequence opens the next reply's first piece, as on the real libGenie.so."""

    def __init__(self, tokenizer, emit, dialog):
        self.tokenizer, self.emit, self.dialog = tokenizer, emit, dialog
        self.stops = [stop for stop in dialog.stops if stop]
        self.shown, self.code, self.stop_at = 0, 1, None  # BEGIN first

    def _send(self, piece: str) -> None:
        self.emit(self.dialog.held + piece, self.code)
        self.dialog.held, self.code = "", 2  # CONTINUE

    def show(self, tokens: list[int]) -> bool:
        text = reply_text(self.tokenizer, tokens)
        if "\ufffd" in text[self.shown:]:  # bytes that are not (yet) characters
            self._send("")
            return False
        starts = [i for i in (text.find(stop, self.shown) for stop in self.stops) if i >= 0]
        if starts:
            self.stop_at = min(starts)
            self._send(text[self.shown:self.stop_at])
            self.shown = len(text)
            return True
        hold = max((n for stop in self.stops for n in range(1, len(stop))
                    if text.endswith(stop[:n]) and len(text) - n >= self.shown), default=0)
        self._send(text[self.shown:len(text) - hold])
        self.shown = len(text) - hold
        return False

    def close(self, tokens: list[int]) -> None:
        rest = reply_text(self.tokenizer, tokens)[self.shown:]
        if self.stop_at is None and "\ufffd" not in rest:
            self.dialog.held += rest  # held back for a stop sequence still: the next reply shows it first
        self.emit("", 3)  # END
