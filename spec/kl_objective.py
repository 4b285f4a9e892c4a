"""KL1, KL2 (docs/theory.md, KL1 and KL2): KL-regularised outcome-reward post-training, the
objective `J`, the tilted optimum `pstar`, `SubOpt` and KL, exactly (sympy) on laws over
`V^H` (the total variation of exact laws is `genaccess.spec.reach.total_variation`).

`J(p) = E_{y~p}[r(y)] - beta KL(p || pref)`, `pstar(y) = pref(y) exp(r(y)/beta) / Z`,
`Z = E_pref[exp(r/beta)]`, `J* = beta ln Z`, `SubOpt(p) = J* - J(p)`.

Values are sympy expressions so identities with logarithms and exponentials can be decided
exactly; with `beta_H = 1/(H ln(1/alpha))` in the hidden-path family every tilt
`exp(1/beta_H) = alpha^-H` is rational and sympy keeps it so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

import sympy

from genaccess.spec.generator import Generator, response_law
from genaccess.spec.prefix import Prefix, Response, all_prefixes, is_prefix_of

Y = TypeVar("Y", bound=Hashable)
Law = Mapping[Y, sympy.Expr]
Reward = Callable[[Response], object]


def as_expr(value: object) -> sympy.Expr:
    """A sympy expression for an int, Fraction, string or sympy value (exactly)."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.sympify(value)


def tilt(reward: object, beta: object) -> sympy.Expr:
    """`exp(r / beta)`."""
    return sympy.exp(as_expr(reward) / as_expr(beta))


def expected_reward(p: Law[Y], reward: Callable[[Y], object]) -> sympy.Expr:
    """`E_{y~p}[r(y)]`."""
    return sympy.Add(*(as_expr(q) * as_expr(reward(y)) for y, q in p.items()))


def kl_divergence(p: Law[Y], q: Law[Y]) -> sympy.Expr:
    """`KL(p || q) = sum_{p(y)>0} p(y) ln(p(y)/q(y))` (`oo` if `q(y) = 0 < p(y)`)."""
    terms = []
    for y, py in p.items():
        px = as_expr(py)
        if px == 0:
            continue
        qx = as_expr(q.get(y, 0))
        if qx == 0:
            return sympy.oo
        terms.append(px * sympy.log(px / qx))
    return sympy.Add(*terms)


def partition_function(pref: Law[Y], reward: Callable[[Y], object], beta: object) -> sympy.Expr:
    """`Z = E_pref[exp(r/beta)]`."""
    return sympy.Add(*(as_expr(p) * tilt(reward(y), beta) for y, p in pref.items()))


def tilted_law(pref: Law[Y], reward: Callable[[Y], object], beta: object) -> dict[Y, sympy.Expr]:
    """`pstar(y) = pref(y) exp(r(y)/beta) / Z`."""
    Z = partition_function(pref, reward, beta)
    return {y: as_expr(p) * tilt(reward(y), beta) / Z for y, p in pref.items()}


def objective(p: Law[Y], pref: Law[Y], reward: Callable[[Y], object], beta: object
              ) -> sympy.Expr:
    """`J(p) = E_p[r] - beta KL(p || pref)`."""
    return expected_reward(p, reward) - as_expr(beta) * kl_divergence(p, pref)


def optimal_value(pref: Law[Y], reward: Callable[[Y], object], beta: object) -> sympy.Expr:
    """`J* = beta ln Z`."""
    return as_expr(beta) * sympy.log(partition_function(pref, reward, beta))


def suboptimality(p: Law[Y], pref: Law[Y], reward: Callable[[Y], object], beta: object
                  ) -> sympy.Expr:
    """`SubOpt(p) = J* - J(p)`."""
    return optimal_value(pref, reward, beta) - objective(p, pref, reward, beta)


def reference_law(generator: Generator) -> dict[Response, sympy.Expr]:
    """`pref` as an exact law on `V^H` (every response)."""
    return {y: as_expr(p) for y, p in response_law(generator).items()}


def continuation_weight(generator: Generator, reward: Reward, beta: object, prefix: Sequence[int]
                        ) -> sympy.Expr:
    """`W(u) = E_pref[exp(r(y)/beta) | y starts with u]` (for `|u| <= H`)."""
    u = tuple(prefix)
    law = response_law(generator)
    mass = sum((p for y, p in law.items() if is_prefix_of(u, y)), Fraction(0))
    if mass == 0:
        return sympy.Integer(1)  # an unreachable prefix: any positive weight will do
    return sympy.Add(*(as_expr(p) * tilt(reward(y), beta)
                       for y, p in law.items() if is_prefix_of(u, y))) / as_expr(mass)


def tilted_next_token(generator: Generator, reward: Reward, beta: object, prefix: Prefix
                      ) -> tuple[sympy.Expr, ...]:
    """KL2's autoregressive form: `pstar(a|u) = pref(a|u) W(u·a) / W(u)`."""
    W = continuation_weight(generator, reward, beta, prefix)
    dist = generator.next_token(prefix)
    return tuple(as_expr(dist[a]) * continuation_weight(generator, reward, beta, (*prefix, a)) / W
                 for a in range(generator.vocab_size))


def _log_of_rational(value: sympy.Rational) -> sympy.Expr:
    # log(p/q) as a sum of prime logarithms: one canonical form per rational.
    terms = [e * sympy.log(prime) for prime, e in sympy.factorint(value.p).items()]
    terms += [-e * sympy.log(prime) for prime, e in sympy.factorint(value.q).items()]
    return sympy.Add(*terms)


def _canonical_log(argument: sympy.Expr) -> sympy.Expr:
    """`log(argument)` for a positive rational function with rational coefficients, written
    as prime logarithms plus logs of monic polynomials, so equal arguments give equal atoms
    (left alone when the argument is not such a function)."""
    numerator, denominator = sympy.fraction(sympy.together(argument))
    result = sympy.Integer(0)
    for part, sign in ((numerator, 1), (denominator, -1)):
        if part.is_Rational:
            result += sign * _log_of_rational(sympy.Rational(part))
            continue
        try:
            poly = sympy.Poly(part, *sorted(part.free_symbols, key=sympy.default_sort_key))
        except sympy.PolynomialError:
            return sympy.log(argument)
        lead = poly.LC()
        if not lead.is_Rational:
            return sympy.log(argument)
        result += sign * (_log_of_rational(sympy.Rational(lead))
                          + sympy.log(poly.monic().as_expr()))
    return result


def is_zero(expr: sympy.Expr) -> bool:
    """Proved exactly zero by sympy. `False` means sympy could not show it is zero, never a
    numerical guess.

    After `log(exp(c)) = c`, every `exp(c)` atom becomes a positive symbol and every
    logarithm is put in a canonical form (prime logarithms plus logs of monic polynomials).
    The result is a rational function of symbols and log atoms, zero when the numerator of
    its one-fraction form expands to zero; treating the atoms as independent can only miss
    a zero, never invent one. If that route fails, sympy's general `simplify` gets a try.

    Answers are remembered per expression up to sign (a check often proves `x = 0` and
    `-x = 0` of the same `x`, e.g. KL1's identity and `SubOpt = beta KL`).
    """
    e = sympy.sympify(expr)
    return _is_zero(-e if e.could_extract_minus_sign() else e)


@functools.lru_cache(maxsize=1024)
def _is_zero(expr: sympy.Expr) -> bool:
    expanded = sympy.expand_log(expr, force=True)
    exps = sorted(expanded.atoms(sympy.exp), key=sympy.default_sort_key)
    atoms = tuple(sympy.Dummy(f"t{i}", positive=True) for i in range(len(exps)))
    abstracted = expanded.xreplace(dict(zip(exps, atoms, strict=True)))
    canonical = abstracted.replace(
        lambda e: isinstance(e, sympy.log) and not any(
            isinstance(x, sympy.log) for x in e.args[0].atoms(sympy.Function)),
        lambda e: _canonical_log(e.args[0]),
    )
    # One fraction over a common denominator is zero iff its numerator expands to zero:
    # several times cheaper than cancelling the expanded sum term by term.
    numerator, _denominator = sympy.fraction(sympy.together(canonical))
    if sympy.expand(numerator) == 0:
        return True
    return bool(sympy.simplify(expanded) == 0)


def is_KL1_identity(p: Law[Y], pref: Law[Y], reward: Callable[[Y], object], beta: object) -> bool:
    """KL1: `J(p) = beta ln Z - beta KL(p || pstar)` (decided exactly by sympy)."""
    pstar = tilted_law(pref, reward, beta)
    Z = partition_function(pref, reward, beta)
    b = as_expr(beta)
    rhs = b * sympy.log(Z) - b * kl_divergence(p, pstar)
    return is_zero(objective(p, pref, reward, beta) - rhs)


DIGITS = 60
"""Working precision for the numeric comparisons (Pinsker, telling two laws apart): sympy's
`evalf` returns `DIGITS` correct digits, and every compared gap must exceed `MARGIN`."""

MARGIN = sympy.Float(10, DIGITS) ** -(DIGITS - 10)


def is_KL1_pinsker(p: Law[Y], pref: Law[Y], reward: Callable[[Y], object], beta: object) -> bool:
    """KL1: `SubOpt(p) = beta KL(p || pstar) >= 2 beta TV(p, pstar)^2` (equality iff p = pstar)."""
    pstar = tilted_law(pref, reward, beta)
    kl = kl_divergence(p, pstar)
    if not is_zero(suboptimality(p, pref, reward, beta) - as_expr(beta) * kl):
        return False
    diffs = [as_expr(p.get(y, 0)) - as_expr(pstar.get(y, 0)) for y in set(p) | set(pstar)]
    gaps = [abs(d.evalf(DIGITS)) for d in diffs]
    if all(g <= MARGIN for g in gaps) and all(is_zero(d) for d in diffs):
        return True  # p = pstar: both sides are 0
    # TV from the same `DIGITS`-digit differences: sympy's `Abs` of each would ask for
    # their signs symbolically first, which costs more than the whole comparison.
    tv = sympy.Add(*gaps) / 2
    return bool(kl.evalf(DIGITS) - 2 * tv**2 > MARGIN)


NextTokenRule = Callable[[Generator, Reward, object, Prefix], tuple[sympy.Expr, ...]]


def is_KL2_autoregressive(generator: Generator, reward: Reward, beta: object,
                          rule: NextTokenRule = tilted_next_token) -> bool:
    """KL2: `pstar(a|u) = pref(a|u) W(u·a)/W(u)` is a next-token rule (sums to 1 at every
    prefix) whose product along every response `y` equals `pstar(y)`."""
    pstar = tilted_law(reference_law(generator), reward, beta)
    rows = {u: rule(generator, reward, beta, u)
            for u in all_prefixes(generator.vocab_size, generator.horizon)}
    if not all(is_zero(sympy.Add(*row) - 1) for row in rows.values()):
        return False
    return all(
        is_zero(sympy.Mul(*(rows[y[:t]][a] for t, a in enumerate(y))) - target)
        for y, target in pstar.items()
    )


def calibrated_beta(alpha: object, horizon: object) -> sympy.Expr:
    """`beta_H = 1 / (H ln(1/alpha))`, the default calibration for HP(K, H, alpha): it makes
    `exp(1/beta_H) = alpha^-H`, so the reward exactly offsets the path's prior `alpha^H`."""
    return 1 / (as_expr(horizon) * sympy.log(1 / as_expr(alpha)))


def path_reward(path: Response) -> Callable[[Response], int]:
    """The outcome reward `r(y) = 1[y = z]`."""
    return lambda y: int(tuple(y) == tuple(path))
