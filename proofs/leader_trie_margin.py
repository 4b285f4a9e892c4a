"""LT1 for symbolic `lambda`: the margin, proved by z3 and derived with sympy.

Over the reals: `K >= 3`, `1/K < lambda <= 1/2` (as `K lambda > 1`), and a leader count `l`
with `1 <= l` and `l lambda <= 1` (for an integer `l` this is exactly `l <= floor(1/lambda)`).
The statement is proved for every real `K` and `l` in that range, which covers every integer
instance. The non-leader probability `q = (1 - l lambda) / (K - l)` enters as a variable
with `q (K - l) = 1 - l lambda` (z3 needs no division), after `K - l > 0` is itself proved.
"""

from __future__ import annotations

import sympy
import z3

from genaccess.proofs.result import ProofResult, prove


def _symbols() -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef, z3.ArithRef]:
    """`K`, `lambda`, the leader count `l` and the non-leader probability `q`."""
    return z3.Real("K"), z3.Real("lam"), z3.Real("l"), z3.Real("q")


def _range(K: z3.ArithRef, lam: z3.ArithRef, leaders: z3.ArithRef, *,
           admissible: bool = True) -> tuple[z3.BoolRef, ...]:
    base = (K >= 3, K * lam > 1, lam <= z3.RealVal("1/2"), leaders >= 1)
    return (*base, leaders * lam <= 1) if admissible else (*base, leaders <= K - 1)


def prove_LT1_fewer_leaders_than_tokens() -> ProofResult:
    """LT1: an admissible leader count leaves at least one non-leader, `l < K`."""
    K, lam, leaders, _ = _symbols()
    return prove("LT1", "l lambda <= 1 and K lambda > 1 imply l < K", leaders < K,
                 hypotheses=_range(K, lam, leaders))


def prove_LT1_margin(admissible: bool = True) -> ProofResult:
    """LT1: `q >= 0`, the row sums to 1, `lambda >= theta + gamma` and `q <= theta - gamma`,
    with `theta = (lambda + 1/K)/2`, `gamma = (lambda - 1/K)/2`.

    `admissible=False` replaces `l lambda <= 1` by `l <= K - 1` (the power check: z3 must
    then refute the statement, since the row stops being a distribution).
    """
    K, lam, leaders, q = _symbols()
    theta = (lam + 1 / K) / 2
    gamma = (lam - 1 / K) / 2
    claim = z3.And(q >= 0, leaders * lam + (K - leaders) * q == 1, lam >= theta + gamma,
                   q <= theta - gamma)
    return prove(
        "LT1",
        "leaders >= theta + gamma, non-leaders <= theta - gamma, row a distribution"
        + ("" if admissible else " (admissibility dropped)"),
        claim,
        hypotheses=(*_range(K, lam, leaders, admissible=admissible), K - leaders > 0,
                    q * (K - leaders) == 1 - leaders * lam),
    )


def prove_LT1_uniform_rows() -> ProofResult:
    """LT1: at a prefix outside the trie every token has `1/K <= theta - gamma`."""
    K, lam, _, _ = _symbols()
    return prove("LT1", "1/K <= theta - gamma off the trie",
                 ((lam + 1 / K) / 2) - ((lam - 1 / K) / 2) >= 1 / K,
                 hypotheses=(K >= 3, K * lam > 1, lam <= z3.RealVal("1/2")))


def sympy_LT1_identities() -> dict[str, bool]:
    """LT1 (sympy): `theta + gamma = lambda`, `theta - gamma = 1/K`, and
    `(theta - gamma) - q = l (K lambda - 1) / (K (K - l))`, a product of factors that are
    `>= 0` on the admissible range; each entry is `True` when sympy confirms it."""
    K, lam, leaders = sympy.symbols("K lambda l", positive=True)
    theta = (lam + 1 / K) / 2
    gamma = (lam - 1 / K) / 2
    q = (1 - leaders * lam) / (K - leaders)
    gap = leaders * (K * lam - 1) / (K * (K - leaders))
    return {
        "theta + gamma == lambda": sympy.simplify(theta + gamma - lam) == 0,
        "theta - gamma == 1/K": sympy.simplify(theta - gamma - 1 / K) == 0,
        "theta - gamma - q == l (K lambda - 1) / (K (K - l))":
            sympy.simplify(theta - gamma - q - gap) == 0,
        "l lambda + (K - l) q == 1": sympy.simplify(leaders * lam + (K - leaders) * q - 1) == 0,
    }
