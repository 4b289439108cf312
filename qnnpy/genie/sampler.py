"""The next token from a row of logits, as a Genie dialog's ``sampler`` block configures it:
a temperature of 0 or a ``top-k`` of 1 takes the largest logit; otherwise the logits are
divided by ``temp``, cut to the ``top-k`` largest (0: no cut) and then to the smallest set
whose probability reaches ``top-p``, and one token is drawn with a generator seeded by
``seed`` — the same seed gives the same tokens (not the real library's draws: its generator
is its own).

The block's ``greedy`` key changes nothing: the real libGenie.so samples alike with it true or
false, and takes the largest logit only with ``temp`` 0 or ``top-k`` 1 (measured on qnnpy's
A16W8 LLM binary, docs/genie.md)."""
import numpy as np


class Sampler:
    def __init__(self, temp: float = 1.0, top_k: int = 0, top_p: float = 1.0, seed: int = 0):
        self.greedy = temp <= 0 or top_k == 1
        self.temp, self.top_k, self.top_p = temp, top_k, top_p
        self.rng = np.random.default_rng(seed)

    def __call__(self, logits: np.ndarray) -> int:
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
