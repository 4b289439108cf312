"""A Genie dialog: a checked config (qnnpy.genie.config), a tokenizer read from
``tokenizer.json`` with the ``tokenizers`` library, the primary engine (qnnpy.genie.engine)
on its context binary, a sampler, and the conversation so far.

A query appends its text's tokens to the conversation, then generates until an ``eos-token``
or until the context is full, streaming the text as it grows. The first query of a
conversation opens with ``bos-token`` (unless -1); each later one, as the real libGenie.so
feeds it (recorded through qnnpy's shim), with the previous reply's last token when a
``setMaxNumTokens`` cut left it unfed, then the (first) ``eos-token`` closing that reply, then
``bos-token``. The KV cache is kept between queries until ``reset``. ``apply_lora`` applies, for the one context binary, the adapter's binary section
named in the config (an empty name applies nothing and leaves the weights as they are; the
generator's ``default_adapter`` section, listed as an adapter, restores the base);
``set_lora_strength`` sets an alpha input,
applied from the next call on. Relative paths resolve against the process's working
directory, as Genie resolves them.
"""
import json
import os

import numpy as np

from qnnpy import QnnBackend, _log
from qnnpy.genie.config import utf8
from qnnpy.genie.engine import MASK, EngineError, LlmEngine
from qnnpy.genie.profile import now_us
from qnnpy.genie.sampler import Sampler, SamplerError
from qnnpy.genie.stream import TextStream, TokenStream, reply_text


STATE_FILE = "qnnpy-dialog-state.npz"  # what GenieDialog_save writes into its folder
STATE_FORMAT = "qnnpy-genie-dialog-state-1"


class DialogError(Exception):
    """A failed dialog operation: ``status`` is the Genie_Status_t it is reported as."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class ContextExceeded(DialogError):
    pass


class Dialog:
    def __init__(self, cfg: dict, statuses):
        self.status = statuses
        engine = cfg["engine"]  # a basic dialog's one engine: the primary
        binary = engine["model"]["binary"]
        self.ctx_bins = binary["ctx-bins"]
        if not self.ctx_bins:
            raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL, "ctx-bins is empty: the model has no context binary")
        for adapter in binary.get("lora", {}).get("adapters", []):
            if len(adapter.get("bin-sections", [""] * len(self.ctx_bins))) != len(self.ctx_bins):
                raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL,
                                  f"adapter '{adapter['name']}': bin-sections must align with ctx-bins "
                                  f"({len(self.ctx_bins)}), one file or \"\" (none) per context binary")
        context = cfg["context"]
        eos = context.get("eos-token", [])
        self.eos_list = [t for t in (eos if isinstance(eos, list) else [eos]) if t >= 0]
        self.eos = set(self.eos_list)
        self.bos = context.get("bos-token", -1)
        self.tokenizer = _tokenizer(cfg["tokenizer"]["path"], statuses)
        sampler = cfg.get("sampler", {})
        self.sampler = Sampler(sampler.get("temp", 1.0), sampler.get("top-k", 0), sampler.get("top-p", 1.0),
                               sampler.get("seed", 0), sampler.get("type", "basic"), sampler.get("callback-name"))
        self.lora = binary.get("lora", {"adapters": []})
        self.adapters = {a["name"]: a for a in self.lora["adapters"]}
        alphas = {self.lora["alpha-tensor-name"]} if "alpha-tensor-name" in self.lora else set()
        for adapter in self.lora["adapters"]:
            alphas.update(adapter.get("alphas", []))
        rope = engine["model"].get("positional-encoding", {})
        if rope.get("type", "rope") != "rope":
            raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL,
                              f"positional-encoding type '{rope['type']}': qnnpy feeds RoPE positions only")
        _check_extensions(engine["backend"].get("extensions"))
        binaries = [_read(path, "context binary", statuses) for path in self.ctx_bins]
        err, self.backend = QnnBackend.QnnBackend_create(None, None)
        if err:
            raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL, f"the QNN backend cannot be created ({int(err)})")
        try:
            self.engine = LlmEngine(self.backend, binaries, rope.get("rope-theta", 10000.0),
                                    MASK, tuple(sorted(alphas)), rope.get("rope-dim"),
                                    engine["backend"]["QnnHtp"].get("enable-graph-switching", False),
                                    context.get("pad-token", self.eos_list[0] if self.eos_list else 0))
        except EngineError as err:
            QnnBackend.QnnBackend_free(self.backend)
            raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL, f"{', '.join(self.ctx_bins)}: {err}") from None
        if not 0 < context["size"] <= self.engine.size:
            QnnBackend.QnnBackend_free(self.backend)
            raise DialogError(statuses.GENIE_STATUS_ERROR_INVALID_CONFIG,
                              f"dialog.context.size {context['size']} is not within the model's context of "
                              f"{self.engine.size} positions")
        self.size = context["size"]
        self.vocab = context["n-vocab"]
        self.stops: list[str] = list(cfg.get("stop-sequence", []))
        self.held = ""  # reply text a stop sequence's prefix held back when the reply was cut
        self.applied = ""
        self.read_adapters: dict[str, tuple] = {}  # name -> (its sections' bytes, their I/O encodings), until released
        self.strength_unset = True  # no setLoraStrength yet: warned about at the first query with an adapter
        self.max_tokens = None
        self.pending: list[int] = []  # a reply's last token, not yet in the cache
        self.queries = 0  # since creation or reset
        self.history: list[int] = []  # the tokens in the cache, in order
        self.running = False  # a query is generating (a signal's ABORT then stops it)
        self.signalled: str | None = None  # "ABORT" or "PAUSE", taken by the running (or, PAUSE, next) query
        self.paused: int | None = None  # a paused query's next token: a RESUME query streams it first
        self.handles: dict[str, int] = {}  # kind -> the sampler or tokenizer handle handed out for it, once asked for
        self.logger = None  # the GenieLog its config was bound to: the dialog's lines go there too
        self.performance = 30  # GenieDialog_setPerformancePolicy's, HIGH_PERFORMANCE until set (recorded only)
        self.timings = None  # its component of the GenieProfile its config was bound to
        # the last query's numbers: prompt tokens fed, when the first token was sampled
        # (monotonic us), tokens generated (for a bound GenieProfile), tokens sampled (an eos or
        # a stop sequence's last token included: GenieDialog_getValue's key 2)
        self.stats = _stats()

    def free(self) -> None:
        QnnBackend.QnnBackend_free(self.backend)

    # -- conversation ------------------------------------------------------------------
    def reset(self) -> None:
        self.engine.reset()
        self.stats = _stats()
        self.pending = []
        self.queries = 0
        self.history = []
        self.paused = self.signalled = None
        self.held = ""

    def signal(self, action: str) -> None:
        """ABORT stops the running query after the token it is streaming (the reply ends with
        END, the query returns WARNING_ABORTED; with no query running it does nothing); PAUSE
        stops it before its next token is fed (no END; WARNING_PAUSED) and, with none running,
        pauses the next query as soon as it has read its prompt — as the real libGenie.so does."""
        if action == "PAUSE" or self.running:
            self.signalled = action

    def query(self, text: str, emit, piece: str = "COMPLETE") -> int:
        """Generate a reply to ``text``; ``emit(piece, code)`` streams its text (see _query)."""
        return self._query(self.encode(text, "the query"), TextStream(self.tokenizer, emit, self), piece, "text")

    def encode(self, text: str, what: str) -> list[int]:
        """The token ids of ``text``; text that is not valid UTF-8 is GENERAL, as the real
        libGenie.so fails to tokenize it."""
        try:
            return self.tokenizer.encode(utf8(text, what), add_special_tokens=False).ids
        except ValueError as err:
            raise DialogError(self.status.GENIE_STATUS_ERROR_GENERAL, str(err)) from None

    def token_query(self, tokens: list[int], emit, piece: str = "COMPLETE") -> int:
        """The same with token ids in and out: ``emit(tokens, code)`` gets each generated token
        alone (BEGIN, then CONTINUE) and ``([], END)`` to close, as the real libGenie.so's
        GenieDialog_tokenQuery streams them. Ids outside the vocabulary are refused (GENERAL)
        before anything is fed: on the device the embedding lookup would read past its table."""
        bad = [t for t in tokens if not 0 <= t < self.vocab]
        if bad:
            raise DialogError(self.status.GENIE_STATUS_ERROR_GENERAL,
                              f"token {bad[0]} is outside the vocabulary (dialog.context.n-vocab {self.vocab})")
        return self._query(list(tokens), TokenStream(emit), piece, "tokens")

    def _query(self, ids: list[int], stream, piece: str, kind: str) -> int:
        """Feed ``ids`` and generate a reply, streamed by ``stream`` (BEGIN, CONTINUE…, END).
        Returns the status: SUCCESS, WARNING_CONTEXT_EXCEEDED when the context filled,
        WARNING_ABORTED / WARNING_PAUSED after a signal. Text is streamed a piece per token
        (empty while a character's bytes are still coming: stream.TextStream); a reply cut by
        ``max_tokens`` or an ABORT leaves its last token to open the next query.

        ``piece`` is the sentence code given to GenieDialog_query, as the real libGenie.so
        reads it (measured through qnnpy's shim): a COMPLETE query, or its BEGIN (opened like
        a complete one), CONTINUE (appended) and END (appended, then the reply) pieces — BEGIN
        and CONTINUE feed their tokens and stream nothing; REWIND starts the conversation over
        from ``bos-token`` but keeps the cache up to the first token that differs (at least
        one token is fed again; when the whole query is in the cache, the token after it there
        is fed and opens the reply); ABORT is taken as CONTINUE; RESUME continues a paused
        query: the token it stopped at is streamed (BEGIN) and fed, then generation goes on with
        a new ``max_tokens`` budget (the query's text is not read). While a query is paused
        every other query fails (QUERY_FAILED), as on the real library; a RESUME of either kind
        (text or tokens) continues either kind of paused query. ``kind``: "text", or
        "tokens" for token queries, whose REWIND is matched as given (no ``bos-token`` in
        front); a REWIND whose first token differs from the cache's rewinds nothing and is fed
        after it."""
        S = self.status
        # GenieDialog_getValue's key 2 counts the tokens sampled since a COMPLETE or BEGIN query
        # (or a REWIND that starts over, below); the other pieces go on counting (measured)
        sampled = 0 if piece in ("COMPLETE", "BEGIN") else self.stats["sampled"]
        self.stats = _stats(sampled)
        if self.applied and self.strength_unset and self.engine.alphas:
            self.strength_unset = False  # said once
            _log.emit(_log.WARN, f"adapter '{self.applied}' is applied but no strength was set: qnnpy feeds "
                                 f"{sorted(self.engine.alphas)} as 1.0, the real libGenie.so leaves those inputs as "
                                 "whatever their buffers hold (zeros when measured: the adapter then has no effect); "
                                 "call GenieDialog_setLoraStrength")
        follow_up = self.queries > 0
        if piece == "RESUME" and self.paused is None:
            raise DialogError(S.GENIE_STATUS_ERROR_QUERY_FAILED,
                              "RESUME needs a paused query and none is paused (the real libGenie.so then "
                              "fails every later query of this dialog with QUERY_FAILED; qnnpy's goes on)")
        if piece != "RESUME" and self.paused is not None:
            raise DialogError(S.GENIE_STATUS_ERROR_QUERY_FAILED,
                              "the dialog's last query was paused: continue it with a RESUME query (or reset)")
        if piece == "RESUME":
            logits, boundary = self._feed([self.paused]), self.paused
            self.paused = None
            return self._generate(stream, logits, boundary)
        opening = []
        if piece in ("COMPLETE", "BEGIN"):
            opening = [] if self.queries == 0 else self.pending + self.eos_list[:1]
            opening += [self.bos] if self.bos >= 0 else []
        elif piece == "REWIND":  # a new conversation that reuses the cache up to where it differs
            opening = [self.bos] if self.bos >= 0 and kind == "text" else []
        tokens = opening + ids
        boundary = None
        kept = 0
        while piece == "REWIND" and kept < min(len(tokens), len(self.history)) and tokens[kept] == self.history[kept]:
            kept += 1
        if piece == "REWIND" and (kept or not self.history):
            self.pending, self.queries, follow_up = [], 0, False
            self.stats["sampled"] = 0
            if kept == len(tokens) and kept < len(self.history):
                # the whole query is in the cache: the token after it there opens the reply, fed
                # now (and counted as sampled, as the real library counts it)
                boundary = self.history[kept]
                tokens = [boundary]
                self.stats["sampled"] = 1
            else:
                kept = min(kept, len(tokens) - 1)  # at least one token is fed again, for its logits
                tokens = tokens[kept:]
            self.engine.rewind(kept)
            del self.history[kept:]
        self.queries += 1
        if not tokens:
            raise DialogError(S.GENIE_STATUS_ERROR_GENERAL, f"the {piece} query piece has no tokens to feed")
        # Measured on the real libGenie.so: a conversation's first prompt may end at position
        # size - AR + 1 of the prompt graph, a later one a position earlier; past that the
        # query is refused and the conversation left as it was.
        limit = self.size - self.engine.prompt_graph.ar + 1
        used = self.engine.filled + (1 if follow_up else 0)
        if used + len(tokens) > limit:
            raise ContextExceeded(S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED,
                                  f"the query's {len(tokens)} tokens do not fit the context: a prompt may end at "
                                  f"position {limit} and {used} are in use")
        logits = self._feed(tokens)
        self.stats["prompt"] = len(tokens)
        if opening:
            self.pending = []
        if piece in ("BEGIN", "CONTINUE", "ABORT") or self.max_tokens == 0:
            return S.GENIE_STATUS_SUCCESS  # (a limit of 0 tokens: nothing is sampled or streamed)
        return self._generate(stream, logits, boundary)

    def _feed(self, tokens: list[int]):
        logits = self.engine.process(tokens)
        self.history += tokens
        return logits

    def _generate(self, stream, logits, boundary: int | None) -> int:
        """Sample from ``logits`` and stream until an end: an eos token, the context's end,
        ``max_tokens``, or a signal. ``boundary``: a token already chosen and fed (the one the
        logits follow), streamed first."""
        S = self.status
        self.running = True
        try:
            generated = []
            if boundary is not None:
                generated.append(boundary)
                stream.show(generated)
            status = S.GENIE_STATUS_SUCCESS
            while True:
                try:
                    token = self.sampler(logits)
                except SamplerError as err:
                    raise DialogError(S.GENIE_STATUS_ERROR_GENERAL, str(err)) from None
                if self.stats["first"] is None:
                    self.stats["first"] = now_us()
                self.stats["sampled"] += 1
                if self.signalled == "PAUSE":  # stopped before this token shows
                    self.signalled, self.paused = None, token
                    return S.GENIE_STATUS_WARNING_PAUSED
                if token in self.eos:
                    break
                generated.append(token)
                if stream.show(generated):  # a stop sequence: this token is not fed, nor the stop's text kept
                    self._drop_stop_tokens(generated, stream.stop_at)
                    break
                if self.signalled is not None:  # signalled while it streamed: it is not fed
                    action, self.signalled = self.signalled, None
                    if action == "PAUSE":
                        self.paused = token
                        return S.GENIE_STATUS_WARNING_PAUSED
                    self.pending = [token]
                    status = S.GENIE_STATUS_WARNING_ABORTED
                    break
                if self.engine.filled + 1 >= self.size:
                    status = S.GENIE_STATUS_WARNING_CONTEXT_EXCEEDED
                    break
                if self.max_tokens is not None and len(generated) >= self.max_tokens:
                    self.pending = [token]
                    break
                logits = self._feed([token])
            stream.close(generated)
            self.stats["generated"] = len(generated)
            return status
        finally:
            self.running = False
            if self.signalled == "ABORT":
                self.signalled = None  # an ABORT that came too late has nothing to stop

    def set_stop_sequences(self, stops: list[str]) -> None:
        self.stops = list(stops)

    def _drop_stop_tokens(self, generated: list[int], stop_at: int) -> None:
        """Take out of the cache the fed tokens whose text a stop sequence covers (the token
        that completed it was never fed): the conversation keeps the reply up to the stop. The
        real libGenie.so takes out one token more than that (measured: after a one-token stop
        sequence it drops the reply's previous token; see docs/genie.md)."""
        first = next(j for j in range(len(generated))
                     if len(reply_text(self.tokenizer, generated[:j + 1])) > stop_at)
        dropped = len(generated) - 1 - first
        if dropped > 0:
            self.engine.rewind(self.engine.filled - dropped)
            del self.history[-dropped:]

    # -- saved state -------------------------------------------------------------------
    def save(self, path: str) -> None:
        """The conversation into the folder ``path`` (created as needed): the KV cache, the
        tokens in it, the token a cut reply left, the query count, a paused query's token, text
        held back for a stop sequence and the sampler's generator, in one file of qnnpy's own (STATE_FILE). As on the real
        libGenie.so, a dialog with no query since creation or reset has nothing to save, and
        a path that is a file is refused (QUERY_FAILED both)."""
        S = self.status
        if self.queries == 0:
            raise DialogError(S.GENIE_STATUS_ERROR_QUERY_FAILED,
                              "nothing to save: no query since the dialog was created or reset")
        meta = {"format": STATE_FORMAT, "history": self.history, "pending": self.pending, "queries": self.queries,
                "paused": self.paused, "held": self.held, "sampler": self.sampler.rng.bit_generator.state,
                "sampled": self.stats["sampled"]}
        caches = self.engine.cache_state()
        try:
            os.makedirs(path, exist_ok=True)
            target = os.path.join(path, STATE_FILE)
            with open(target + ".tmp", "wb") as f:
                np.savez(f, meta=np.array(json.dumps(meta)), **{f"cache_{i}": c for i, c in enumerate(caches)})
            os.replace(target + ".tmp", target)
        except OSError as err:
            raise DialogError(S.GENIE_STATUS_ERROR_QUERY_FAILED,
                              f"cannot save the dialog into {path} ({err.strerror or err})") from None

    def restore(self, path: str) -> None:
        """Take a saved conversation back (QUERY_FAILED, and nothing changed, when the folder
        holds none or one of another model — the real libGenie.so then also empties the
        conversation)."""
        S = self.status
        try:
            with np.load(os.path.join(path, STATE_FILE), allow_pickle=False) as saved:
                meta = json.loads(str(saved["meta"]))
                caches = [saved[f"cache_{i}"] for i in range(len(saved.files) - 1)]
            if meta.get("format") != STATE_FORMAT:
                raise ValueError(f"format {meta.get('format')!r} is not {STATE_FORMAT!r}")
            history, pending, paused = meta["history"], meta["pending"], meta["paused"]
            if not all(isinstance(t, int) and 0 <= t < self.vocab for t in history + pending + [paused or 0]):
                raise ValueError("it holds tokens outside this model's vocabulary")
            rng = np.random.default_rng()
            rng.bit_generator.state = meta["sampler"]
            sampled = meta.get("sampled", 0)
            if not isinstance(sampled, int) or sampled < 0:
                raise ValueError(f"its count of sampled tokens {sampled!r} is not a count")
            if len(history) != (caches[0].shape[-1] if caches else 0) or len(history) > self.size:
                raise ValueError(f"its token history ({len(history)}) and its cache disagree or exceed "
                                 f"dialog.context.size {self.size}")
            self.engine.load_cache_state(caches)
        except (OSError, ValueError, KeyError, TypeError, EngineError) as err:
            raise DialogError(S.GENIE_STATUS_ERROR_QUERY_FAILED,
                              f"cannot restore a dialog from {path}: {getattr(err, 'strerror', None) or err}") from None
        self.history, self.pending, self.queries, self.paused = list(history), list(pending), int(meta["queries"]), paused
        self.sampler.rng = rng
        self.signalled = None
        self.held = str(meta.get("held", ""))
        self.stats = _stats(sampled)

    # -- adapters ----------------------------------------------------------------------
    def apply_lora(self, name: str) -> None:
        S = self.status
        if name == "":
            self.applied = ""
            return
        if name not in self.adapters:
            raise DialogError(S.GENIE_STATUS_ERROR_GENERAL,
                              f"LoRA: no adapter named '{name}' in the config (adapters: {sorted(self.adapters)})")
        held = self.read_adapters.get(name)
        if held is None:  # read once, kept until releaseLoraMemory, as the real library keeps them
            paths = self.adapters[name].get("bin-sections", [""] * len(self.ctx_bins))
            sections = [(part, _read(path, "adapter file", S)) for part, path in enumerate(paths) if path]
            held = (sections, self.engine.section_encodings(sections))
        try:
            self.engine.apply_sections(*held)
        except EngineError as err:
            raise DialogError(S.GENIE_STATUS_ERROR_GENERAL, f"LoRA: adapter '{name}': {err}") from None
        self.read_adapters[name] = held
        self.applied = name

    def release_lora(self, name: str) -> None:
        if name not in self.adapters:
            raise DialogError(self.status.GENIE_STATUS_ERROR_GENERAL,
                              f"LoRA: no adapter named '{name}' in the config (adapters: {sorted(self.adapters)})")
        self.read_adapters.pop(name, None)
        if name == self.applied:
            self.applied = ""
            self.engine.release_sections()

    def set_lora_strength(self, tensor: str, alpha: float) -> None:
        try:
            self.engine.set_alpha(tensor, alpha)
            self.strength_unset = False
        except EngineError as err:
            raise DialogError(self.status.GENIE_STATUS_ERROR_GENERAL, f"LoRA: {err}") from None


def _stats(sampled: int = 0) -> dict:
    """A query's numbers before it runs (Dialog.stats)."""
    return {"prompt": 0, "first": None, "generated": 0, "sampled": sampled}


def _check_extensions(path: str | None) -> None:
    """The backend extensions file (HTP settings for a device: perf profiles, VTCM, weight
    sharing) changes nothing on the emulator; as on the real libGenie.so, one that cannot be
    read is a warning, not a failure."""
    if path is None:
        return
    try:
        with open(path) as f:
            json.load(f)
    except (OSError, ValueError) as err:
        _log.emit(_log.WARN, f"Unable to load backend extensions config {os.path.abspath(path)} ({err}); the dialog "
                             "goes on without it, as on the real libGenie.so")


def _read(path: str, what: str, statuses) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as err:
        raise DialogError(statuses.GENIE_STATUS_ERROR_GENERAL,
                          f"LoRA: Can't access adapter file {path} ({err.strerror})" if what == "adapter file"
                          else f"cannot read the {what} {os.path.abspath(path)} ({err.strerror})") from None


def _tokenizer(path: str, statuses):
    from tokenizers import Tokenizer
    try:
        return Tokenizer.from_file(path)
    except Exception as err:  # tokenizers raises its own exception types for unreadable files
        raise DialogError(statuses.GENIE_STATUS_ERROR_INVALID_CONFIG,
                          f"the tokenizer {os.path.abspath(path)} cannot be read ({err})") from None
