"""The dialog's sampler against the distribution it should draw from, computed here from the
logits: greedy picks the largest, top-k and top-p cut the candidates, the draw follows the
tempered softmax of what is left, and a seed repeats itself."""
import numpy as np
import pytest

from qnnpy.genie.sampler import Sampler

LOGITS = np.array([2.0, 1.5, 1.0, 0.0, -1.0, 3.0])


def frequencies(sampler, n=4000):
    counts = np.bincount([sampler(LOGITS) for _ in range(n)], minlength=len(LOGITS))
    return counts / n


def tempered(logits, temp, keep):
    p = np.zeros(len(logits))
    p[keep] = np.exp(logits[keep] / temp)
    return p / p.sum()


def test_greedy_and_zero_temperature_take_the_largest():
    assert Sampler(top_k=1)(LOGITS) == 5 and Sampler(temp=0.0)(LOGITS) == 5


@pytest.mark.parametrize("temp, top_k, top_p, keep", [
    (1.0, 0, 1.0, [0, 1, 2, 3, 4, 5]),
    (0.7, 3, 1.0, [5, 0, 1]),
    (1.3, 0, 0.75, [5, 0, 1]),  # cumulative 0.47, 0.68, 0.83: the third reaches 0.75
])
def test_draws_follow_the_cut_tempered_softmax(temp, top_k, top_p, keep):
    got = frequencies(Sampler(temp=temp, top_k=top_k, top_p=top_p, seed=3))
    want = tempered(LOGITS, temp, keep)
    assert set(np.nonzero(got)[0]) == set(keep)
    np.testing.assert_allclose(got, want, atol=0.03)


def test_a_seed_repeats_its_draws():
    one, two = (Sampler(temp=1.0, seed=11) for _ in range(2))
    assert [one(LOGITS) for _ in range(50)] == [two(LOGITS) for _ in range(50)]
