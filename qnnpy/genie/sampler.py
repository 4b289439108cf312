"""The next token from a row of logits, as a Genie dialog's ``sampler`` block configures it:
a temperature of 0 or a ``top-k`` of 1 takes the largest logit; otherwise the logits are
divided by ``temp``, cut to the ``top-k`` largest (0: no cut) and then to the smallest set
whose probability reaches ``top-p``, and one token is drawn with a generator seeded by
``seed`` — the same seed gives the same tokens (not the real library's draws: its generator
is its own). A ``custom`` sampler hands the logits to the client's callback registered under
its ``callback-name`` (GenieSampler_registerCallback), looked up at each token as the real
library does: a name nobody registered fails the query, not the apply.

The block's ``greedy`` key changes nothing: the real libGenie.so samples alike with it true or
false, and takes the largest logit only with ``temp`` 0 or ``top-k`` 1 (measured on qnnpy's
A16W8 LLM binary, docs/genie.md)."""
import numpy as np


CALLBACKS: dict = {}  # callback-name -> fn(logits: float32 array) -> token id, one per process as in Genie


class SamplerError(Exception):
    """A custom sampler that cannot give a token: no such callback, or a token out of range."""


class Sampler:
    def __init__(self, temp: float = 1.0, top_k: int = 0, top_p: float = 1.0, seed: int = 0,
                 kind: str = "basic", callback_name: str | None = None):
        self.temp, self.top_k, self.top_p = temp, top_k, top_p
        self.kind, self.callback_name = kind, callback_name
        self.rng = np.random.default_rng(seed)

    @property
    def greedy(self) -> bool:
        return self.temp <= 0 or self.top_k == 1

    def apply(self, block: dict) -> None:
        """A sampler config's values (GenieSampler_applyConfig): those it sets replace these,
        the others stay. As measured on the real libGenie.so, a seed there does not start the
        generator over and ``greedy`` changes nothing."""
        self.temp = float(block.get("temp", self.temp))
        self.top_k = int(block.get("top-k", self.top_k))
        self.top_p = float(block.get("top-p", self.top_p))
        self.kind = block.get("type", self.kind)
        self.callback_name = block.get("callback-name", self.callback_name)

    def __call__(self, logits: np.ndarray) -> int:
        if self.kind == "custom":
            return self._custom(logits)
        logits = np.asarray(logits, np.float64)
        if self.greedy:
            return int(np.argmax(logits))
        order = np.argsort(-logits, kind="stable")
        if 0 < self.top_k < len(order):
            order = order[:self.top_k]
        scaled = logits[order] / self.temp
        probs = np.exp(scaled - scaled.max())
        probs /= probs.sum()
        if self.top_p < 1.0:
            keep = int(np.searchsorted(np.cumsum(probs), self.top_p) + 1)
            order, probs = order[:keep], probs[:keep] / probs[:keep].sum()
        return int(order[self.rng.choice(len(order), p=probs)])

    def _custom(self, logits: np.ndarray) -> int:
        callback = CALLBACKS.get(self.callback_name)
        if callback is None:
            raise SamplerError(f"no sampler callback is registered under the name '{self.callback_name}' "
                               "(GenieSampler_registerCallback)")
        row = np.ascontiguousarray(logits, np.float32)
        try:
            token = callback(row)
        except Exception as err:  # the client's code, not qnnpy's: the query fails as a sampler failure
            raise SamplerError(f"the sampler callback '{self.callback_name}' failed ({type(err).__name__}: {err})") from None
        if not 0 <= token < len(row):
            raise SamplerError(f"the sampler callback '{self.callback_name}' chose token {token}, outside the "
                               f"vocabulary of {len(row)}")
        return token
