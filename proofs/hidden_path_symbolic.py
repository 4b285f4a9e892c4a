"""HP1 and HP2 with a symbolic `alpha` (sympy).

- HP1: for symbolic `alpha` the Bayes-optimal root-start success, enumerated over every `z`
  and every transcript of `T` canonical rollouts, equals the closed form `S_T`; every
  transcript's nonzero likelihoods are the same polynomial in `alpha`, so "the MAP" does not
  depend on `alpha`. The symbolic observation model is cross-checked against the oracle at a
  rational `alpha`.
- HP1: the identity `1 - S_T = (1 - 1/K) sum_{d<H} P(D<=d) K^-(H-1-d)` (symbolic `alpha` and
  `T`), on which the interval evaluation for large `T` and the corollary bound rest.
- HP2: solving `H (K-1) exp(-m Delta^2 / 2) = delta` for `m` gives
  `m* = (2/Delta^2) ln(H(K-1)/delta)`, and the bound decreases in `m`, so every `m >= m*`
  (in particular the `ceil`) gives failure `<= delta`.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from genaccess.spec.garbling import root_start_law
from genaccess.spec.hidden_path import HiddenPathFamily
from genaccess.spec.observation import Full, FullReport

ALPHA = sympy.Symbol("alpha", positive=True)
T_SYMBOL = sympy.Symbol("T", positive=True, integer=True)

# Symbolic canonical observation of one rollout: (y, revealed) where revealed[t] is the
# path token z_t when y_<t is on the path (the distribution shown is the stage of z_t), and
# None when it is off the path (uniform).
SymbolicObservation = tuple[tuple[int, ...], tuple[int | None, ...]]


def symbolic_rollouts(vocab_size: int, horizon: int, path: tuple[int, ...], alpha: sympy.Expr
                      ) -> dict[SymbolicObservation, sympy.Expr]:
    """HP1: the law of one canonical rollout under `pi_z`, with `alpha` symbolic."""
    beta = (1 - alpha) / (vocab_size - 1)
    law: dict[SymbolicObservation, sympy.Expr] = {}
    for y in itertools.product(range(vocab_size), repeat=horizon):
        p: sympy.Expr = sympy.Integer(1)
        revealed: list[int | None] = []
        for t in range(horizon):
            if y[:t] == path[:t]:
                revealed.append(path[t])
                p *= alpha if y[t] == path[t] else beta
            else:
                revealed.append(None)
                p *= sympy.Rational(1, vocab_size)
        law[(y, tuple(revealed))] = p
    return law


def symbolic_closed_form(vocab_size: int, horizon: int, queries: sympy.Expr | int,
                         alpha: sympy.Expr) -> sympy.Expr:
    """HP1's `S_T` with symbolic `alpha` (and possibly symbolic `T >= 1`)."""
    def cdf(d: int) -> sympy.Expr:
        return sympy.Integer(1) if d >= horizon else (1 - alpha**d) ** queries

    return sum((cdf(d) - cdf(d - 1)) * sympy.Rational(1, vocab_size ** (horizon - d))
               for d in range(1, horizon + 1))


def cross_check_observation_model(vocab_size: int, horizon: int, alpha: Fraction) -> bool:
    """The symbolic rollout law at a rational `alpha` equals the oracle's exact law."""
    family = HiddenPathFamily(vocab_size, horizon, alpha)
    for z in family.paths():
        oracle_law = root_start_law(family.generator(z), Full(), 1)
        mapped: dict[SymbolicObservation, Fraction] = {}
        for (reports,), p in oracle_law.items():
            y = tuple(r.sampled for r in reports if isinstance(r, FullReport))
            revealed = tuple(
                None if len(set(r.dist.probs)) == 1 else r.dist.argmax()
                for r in reports if isinstance(r, FullReport))
            mapped[(y, revealed)] = mapped.get((y, revealed), Fraction(0)) + p
        symbolic = symbolic_rollouts(vocab_size, horizon, z, sympy.Rational(alpha.numerator,
                                                                            alpha.denominator))
        if mapped != {k: Fraction(int(sympy.numer(v)), int(sympy.denom(v)))
                      for k, v in symbolic.items()}:
            return False
    return True


def check_HP1_symbolic_map(vocab_size: int, horizon: int, queries: int) -> bool:
    """HP1: for symbolic `alpha`, sum over transcripts of `max_z P(z, tr)` equals `S_T`.

    Raises `AssertionError` if some transcript has two different nonzero likelihoods (the
    MAP would then depend on `alpha`)."""
    K, H = vocab_size, horizon
    laws = [symbolic_rollouts(K, H, z, ALPHA) for z in itertools.product(range(K), repeat=H)]
    likelihood: dict[tuple[SymbolicObservation, ...], sympy.Expr] = {}
    for law in laws:
        for transcript in itertools.product(law, repeat=queries):
            value = sympy.Integer(1)
            for obs in transcript:
                value *= law[obs]
            if transcript in likelihood:
                assert sympy.expand(likelihood[transcript] - value) == 0, (
                    f"HP1: transcript {transcript} has two different likelihoods")
            else:
                likelihood[transcript] = value
    total = sum(likelihood.values(), sympy.Integer(0)) / K**H
    return bool(sympy.expand(total - symbolic_closed_form(K, H, queries, ALPHA)) == 0)


def check_HP1_abel_identity(vocab_size: int, horizon: int) -> bool:
    """HP1: `1 - S_T = (1 - 1/K) sum_{d=0}^{H-1} P(D<=d) K^-(H-1-d)`, symbolic `alpha`, `T`
    (`P(D <= 0) = 0` for `T >= 1`)."""
    K, H = vocab_size, horizon

    def cdf(d: int) -> sympy.Expr:
        if d <= 0:
            return sympy.Integer(0)
        return sympy.Integer(1) if d >= H else (1 - ALPHA**d) ** T_SYMBOL

    right = (1 - sympy.Rational(1, K)) * sum(
        (cdf(d) * sympy.Rational(1, K ** (H - 1 - d)) for d in range(H)), sympy.Integer(0))
    left = 1 - symbolic_closed_form(K, H, T_SYMBOL, ALPHA)
    return bool(sympy.simplify(sympy.expand(left - right)) == 0)


def check_HP2_m_from_bound() -> bool:
    """HP2: `m* = (2/Delta^2) ln(H(K-1)/delta)` solves `H(K-1) exp(-m Delta^2/2) = delta`,
    it is the only solution, and the bound strictly decreases in `m`."""
    m, H, K, delta, margin = sympy.symbols("m H K delta Delta", positive=True)
    bound = H * (K - 1) * sympy.exp(-m * margin**2 / 2)
    solutions = sympy.solve(sympy.Eq(bound, delta), m)
    expected = 2 / margin**2 * sympy.log(H * (K - 1) / delta)
    if len(solutions) != 1:
        return False
    same = sympy.simplify(sympy.expand_log(solutions[0] - expected, force=True)) == 0
    decreasing = sympy.simplify(sympy.diff(bound, m) + margin**2 / 2 * bound) == 0
    return bool(same and decreasing)
