"""`genaccess bounds hidden-path`: HP1-HP3's numbers for HP(K, H, alpha), at any size.

  root-start (HP1)   S_T for T = --queries, and the least T with S_T >= 1 - delta
  CPS-Path (HP2)     m from the bound (or --m), H*m queries, worst-case success
  adaptive CPS       the posterior test the learner runs (odds, least lead, cap), its
                     expected queries (exact or enclosed) and at most H*cap
  logits / top-1     H queries (HP3)

Every probability is exact where that is feasible and otherwise a rigorous enclosure (an
interval guaranteed to contain the exact value), labelled as such; the least T is an exact
integer up to about 4,290 digits. Sizes beyond the limits (the options below; CPS-Path's m
at most 10^7) are refused at once with one line. See docs/bounds.md.

Example:
  genaccess bounds hidden-path --vocab 3 --horizon 20 --alpha 1/2 --delta 1/20 --queries 1000
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from genaccess.reference.commands.arguments import (
    UsageError,
    flags,
    parse_count,
    parse_fraction,
    parse_int,
    parse_probability,
    usage_error,
)
from genaccess.reference.commands.output import emit

if TYPE_CHECKING:
    from genaccess.spec.hidden_path import HiddenPathFamily
    from genaccess.spec.intervals import Interval

FAMILY = "hidden-path"
EXACT_DIGITS = 2_000
"""An exact fraction is printed when numerator and denominator have at most this many digits;
a larger exact value is shown by a decimal enclosure of it."""
EXACT_BITS = 20_000
"""Exact rationals are computed while their size (estimated from the inputs) is at most this
many bits; beyond, the value is enclosed by intervals directly (cheaper, same answer)."""
QUERIES_BITS = 14_336
"""Working-precision limit for the least root-start `T`: it is exact while it has at most
about 14,256 bits (4,290 digits, within Python's default integer-to-text limit); beyond, it is
a rigorous enclosure about `2^-190` wide relative to `T`."""
DIGITS = 17
"""Significant digits of a decimal enclosure's endpoints (rounded outwards)."""
MAX_VOCAB = 10**6
MAX_HORIZON = 10**6
MAX_QUERIES = 10**1000
MIN_DELTA = Fraction(1, 10**1000)
MAX_SAMPLES = 10**7
"""CPS-Path's `m` (from the bound or `--m`): the worst-case enclosure sums about `sqrt(m)`
terms (one second near `10^7`)."""
MAX_ADAPTIVE_MARGIN = 4_000
"""The least lead `c` of the adaptive learner's posterior test is found by a loop whose cost
grows like `c^2` (seconds beyond this): refused above it, with its estimate."""
MAX_EXPONENT = 10_000
"""A number written as `1e-N` with `N` beyond this is refused before it is read."""

Value = dict[str, Any]
"""`{"exact": "p/q"}` or `{"enclosure": ["lo", "hi"]}` (decimal strings, rounded outwards)."""


def register_family(families: Any) -> None:
    parser = families.add_parser(FAMILY, help="hidden-path family HP(K, H, alpha) (HP1-HP3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab", required=True, metavar="K",
                        help=f"vocabulary size 2 <= K <= {MAX_VOCAB}")
    parser.add_argument("--horizon", required=True, metavar="H",
                        help=f"horizon 1 <= H <= {MAX_HORIZON}")
    parser.add_argument("--alpha", required=True, metavar="A",
                        help="path-token probability in (1/K, 1), e.g. 1/2")
    parser.add_argument("--delta", required=True, metavar="D",
                        help="target failure probability in [1e-1000, 1), e.g. 1/20 or 1e-300")
    parser.add_argument("--queries", required=True, metavar="T",
                        help="root-start query budget 0 <= T <= 1e1000 (1e15 is read as "
                             "10^15) for root_start_success")
    parser.add_argument("--m", default=None, metavar="M",
                        help=f"CPS-Path samples per stage, at most {MAX_SAMPLES} (default: "
                             "from the HP2 bound)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def exact_value(value: Fraction | int) -> Value:
    """An exact value, or a decimal enclosure of it when it is too long to print."""
    from genaccess.spec.intervals import decimal_bounds

    value = Fraction(value)
    if max(value.numerator.bit_length(), value.denominator.bit_length()) <= EXACT_DIGITS * 3.32:
        return {"exact": str(value)}
    return {"enclosure": list(decimal_bounds(value, DIGITS))}


def pair_value(ends: tuple[Fraction, Fraction]) -> Value:
    """Exact ends `low <= value <= high` of an enclosure: the exact value when they meet."""
    from genaccess.spec.intervals import decimal_bounds

    low, high = ends
    if low == high:
        return exact_value(low)
    return {"enclosure": [decimal_bounds(low, DIGITS)[0], decimal_bounds(high, DIGITS)[1]]}


def enclosure_value(x: Interval) -> Value:
    """A rigorous enclosure, its endpoints rounded outwards to `DIGITS` digits."""
    from genaccess.spec.intervals import decimal_bounds

    return {"enclosure": list(decimal_bounds(x, DIGITS))}


def interval_float(x: Interval) -> float:
    """The middle of an interval as a float (0.0 below the float range)."""
    import mpmath

    low, high = (mpmath.mp.make_mpf(end) for end in x._mpi_)
    return float((low + high) / 2)


def compute_bounds(family: HiddenPathFamily, delta: Fraction, queries: int,
                   samples: int | None, step: Callable[[], None] = lambda: None
                   ) -> dict[str, Any]:
    """Every number the command reports, as a JSON-ready dict (see docs/bounds.md)."""
    from genaccess.spec.adaptive_cost import compute_adaptive_cost
    from genaccess.spec.cps_enclosure import EXACT_SAMPLES, enclose_HP2_worst
    from genaccess.spec.cps_success import (
        compute_cps_m,
        compute_HP2_failure_bound,
        compute_HP2_worst_success,
    )
    from genaccess.spec.root_start_success import (
        compute_HP1_success,
        enclose_HP1,
        enclose_HP1_linear_bound,
        enclose_root_start_queries_needed,
    )
    from genaccess.spec.sequential_test import compute_posterior_parameters

    K, H, alpha = family.vocab_size, family.horizon, family.alpha
    # The cheap numbers first, so that an out-of-range size is refused at once.
    m = samples if samples is not None else compute_cps_m(family, delta)
    if m > MAX_SAMPLES:
        raise usage_error("--alpha", f"the HP2 bound asks for m = {m} samples per stage; the "
                          f"worst-case success is computed for m <= {MAX_SAMPLES} (a wider "
                          "margin alpha - beta, or --m, keeps m in range)", str(alpha))
    _check_adaptive_margin(family, delta)
    out: dict[str, Any] = {
        "family": FAMILY, "vocab": K, "horizon": H, "alpha": str(alpha),
        "delta": str(delta), "queries": str(queries), "margin_Delta": str(family.margin),
    }
    # HP1: S_T exactly while its size is small, else S_T and 1 - S_T enclosed.
    size = queries * H * alpha.denominator.bit_length() + H * K.bit_length()
    if size <= EXACT_BITS:
        exact = compute_HP1_success(family, queries)
        out["root_start_success"], out["root_start_failure"] = (exact_value(exact),
                                                                exact_value(1 - exact))
        out["root_start_success_float"] = float(exact)
    else:
        success, failure = enclose_HP1(family, queries, 64)
        out["root_start_success"] = enclosure_value(success)
        out["root_start_failure"] = enclosure_value(failure)
        out["root_start_success_float"] = interval_float(success)
    bound = enclose_HP1_linear_bound(family, queries)
    out["root_start_success_bound_float"] = min(1.0, interval_float(bound))
    step()
    low, high = enclose_root_start_queries_needed(family, 1 - delta, QUERIES_BITS)
    out["root_start_queries_needed"] = ({"exact": str(low)} if low == high else
                                        {"enclosure": [_integer_text(low, up=False),
                                                       _integer_text(high, up=True)]})
    step()
    # HP2: the worst-case success, from the exact q(K-1) for small m.
    out["cps_m"] = m
    out["cps_m_from_bound"] = samples is None
    out["cps_queries"] = H * m
    if m <= EXACT_SAMPLES and H * m * _bits(K, alpha) <= EXACT_BITS:
        worst = compute_HP2_worst_success(family, m)
        out["cps_success_worst"], out["cps_failure_worst"] = (exact_value(worst),
                                                              exact_value(1 - worst))
        out["cps_success_worst_float"] = float(worst)
    else:
        success, failure = enclose_HP2_worst(family, m, 64)
        out["cps_success_worst"] = enclosure_value(success)
        out["cps_failure_worst"] = enclosure_value(failure)
        out["cps_success_worst_float"] = interval_float(success)
    out["cps_failure_bound_float"] = float(compute_HP2_failure_bound(family, m)[1])
    step()
    # The adaptive learner's own test (what `adaptive_cps` builds), and what it costs.
    test = compute_posterior_parameters(family, delta)
    out["adaptive_cps_test"] = "posterior"
    out["adaptive_cps_odds"] = exact_value(test.odds)
    out["adaptive_cps_margin"] = test.margin
    out["adaptive_cps_cap"] = test.cap
    step()
    cost = compute_adaptive_cost(family, test)
    out["adaptive_cps_max_queries"] = cost.worst
    out["adaptive_cps_expected_queries_on_path"] = pair_value(cost.on_path)
    out["adaptive_cps_expected_queries"] = pair_value(cost.expected)
    out["adaptive_cps_expected_queries_float"] = float(sum(cost.expected) / 2)
    out["adaptive_cps_dp_samples"] = cost.levels
    out["logits_queries"] = H
    out["top1_queries"] = H
    step()
    return out


def _bits(K: int, alpha: Fraction) -> int:
    """Bits per sample of `q(K-1)`'s exact denominator."""
    return alpha.denominator.bit_length() + K.bit_length()


def _integer_text(value: int, up: bool) -> str:
    from genaccess.spec.intervals import decimal_bounds

    low, high = decimal_bounds(Fraction(value), DIGITS)
    return high if up else low


def _check_adaptive_margin(family: HiddenPathFamily, delta: Fraction) -> None:
    """Refuse before `compute_posterior_parameters` would loop for seconds: its least lead
    is the least `c` with `(beta/alpha)^c <= odds`, `odds` about `e_c = (1 - 1/32) delta/H`
    (its certification budget), so about `ln(1/e_c) / ln(alpha/beta)`."""
    from genaccess.spec.sequential_test import FALLBACK_SHARE

    H, alpha = family.horizon, family.alpha
    ratio = math.log(alpha / family.off_path)
    estimate = (math.log(H) - math.log(1 - FALLBACK_SHARE) + _log_inverse(delta)) / ratio
    if estimate > MAX_ADAPTIVE_MARGIN:
        raise usage_error("--alpha", f"the adaptive test's margin would be about "
                          f"{estimate:.3g} counts; it is computed up to {MAX_ADAPTIVE_MARGIN} "
                          "(alpha/beta too close to 1)", str(alpha))


def _log_inverse(value: Fraction) -> float:
    """`ln(1/value)` for a positive fraction of any size, as a float."""
    return (math.log(value.denominator) - math.log(value.numerator))


FIELDS = {"vocab_size": "--vocab", "horizon": "--horizon", "alpha": "--alpha",
          "delta": "--delta"}
"""The spec's field names for what the user typed as these flags."""

_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")


def _readable(text: str, flag: str) -> str:
    """Refuse a number whose written exponent alone would take long to expand."""
    for match in _EXPONENT.finditer(text):
        if abs(int(match.group(1))) > MAX_EXPONENT:
            raise usage_error(flag, f"exponents are read up to +-{MAX_EXPONENT}", text)
    if len(text) > 4 * MAX_EXPONENT:
        raise usage_error(flag, f"must be at most {4 * MAX_EXPONENT} characters long",
                          text[:20] + "...")
    return text


def parse_queries(text: str) -> int:
    """`--queries`: an integer `0 <= T <= 10^1000`, also written `1e15`."""
    value = parse_fraction(_readable(text, "--queries"), "--queries")
    if value.denominator != 1 or value < 0:
        raise usage_error("--queries", "must be an integer >= 0", text)
    if value > MAX_QUERIES:
        raise usage_error("--queries", "must be at most 1e1000", text)
    return int(value)


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.progress import Progress
    from genaccess.spec.hidden_path import HiddenPathFamily

    K = parse_count(args.vocab, "--vocab", 2)
    if K > MAX_VOCAB:
        raise usage_error("--vocab", f"must be at most {MAX_VOCAB}", K)
    H = parse_count(args.horizon, "--horizon", 1)
    if H > MAX_HORIZON:
        raise usage_error("--horizon", f"must be at most {MAX_HORIZON}", H)
    with flags(FIELDS):
        family = HiddenPathFamily(K, H, parse_fraction(_readable(args.alpha, "--alpha"),
                                                       "--alpha"))
    if max(family.alpha.numerator, family.alpha.denominator) >= 10**1000:
        raise usage_error("--alpha", "must have at most 1000 digits above and below the line",
                          args.alpha[:20])
    delta = parse_probability(_readable(args.delta, "--delta"), "--delta")
    if delta < MIN_DELTA:
        raise usage_error("--delta", "must be at least 1e-1000", args.delta)
    queries = parse_queries(args.queries)
    samples = parse_int(args.m, "--m", 1)
    if samples is not None and samples > MAX_SAMPLES:
        raise usage_error("--m", f"must be at most {MAX_SAMPLES}", samples)
    progress = Progress.for_terminal(5, "bounds", args.json)
    done = [0]

    def step() -> None:
        done[0] += 1
        progress.update(done[0])

    try:
        with flags(FIELDS):
            out = compute_bounds(family, delta, queries, samples, step)
    except ArithmeticError as err:  # a comparison no precision within the limits decides
        raise UsageError(f"cannot decide at the precision limits: {err}") from None
    finally:
        progress.close()
    return emit(out, args.json, _print)


def _shown(value: Value, failure: Value, name: str, failure_name: str) -> str:
    """`S_T = p/q ~ 0.6 (exact)`, or the enclosure of whichever of the value and its
    complement is the informative one (the failure when the value is near 1)."""
    if "exact" in value:
        exact = value["exact"]
        text = f"{name} = {exact} ~ " if len(exact) <= 40 else f"{name} ~ "
        return text + f"{float(Fraction(exact)):.6g} (exact)"
    low, high = value["enclosure"]
    if Decimal(low) >= Decimal("0.5"):  # Decimal: exponents stay exponents
        name = failure_name
        low, high = failure["enclosure"]
    return f"{name} in [{low}, {high}] (rigorous enclosure)"


def _compact(value: Fraction) -> str:
    """`value` as typed for a header: the fraction, or its decimal when that is exact and
    shorter (`1e-300`)."""
    from genaccess.spec.intervals import decimal_bounds

    text = str(value)
    if len(text) <= 40:
        return text
    low, high = decimal_bounds(value, DIGITS)
    return low if low == high else f"~{low}"


def _print(out: dict[str, Any]) -> None:
    H = out["horizon"]
    print(f"hidden-path HP(K={out['vocab']}, H={H}, alpha={_compact(Fraction(out['alpha']))}),"
          f" Delta = {_compact(Fraction(out['margin_Delta']))}, "
          f"delta = {_compact(Fraction(out['delta']))}")
    needed = out["root_start_queries_needed"]
    if "exact" in needed:
        digits = needed["exact"]
        needed_text = (f"T = {digits}" if len(digits) <= 24 else
                       f"T = {_integer_text(int(digits), up=False)[:12]}... "
                       f"({len(digits)} digits)")
        needed_note = "least T with S_T >= 1 - delta (exact" + (
            "" if len(digits) <= 24 else "; every digit in --json") + ")"
    else:
        low, high = needed["enclosure"]
        mantissa, _, exponent = low.partition("e")
        needed_text = f"T ~ {mantissa[:7]}e{exponent}" if exponent else f"T ~ {low}"
        needed_note = (f"least T with S_T >= 1 - delta in [{low}, {high}] "
                       "(rigorous enclosure)")
    queries = out["queries"]
    rows = [
        ("root-start, T queries", f"T = {queries}" if len(queries) <= 24 else
         f"T = {_integer_text(int(queries), up=False)}",
         _shown(out["root_start_success"], out["root_start_failure"], "S_T", "1 - S_T")
         + f" (HP1 upper bound T alpha^(H-1) + 1/K = "
           f"{out['root_start_success_bound_float']:.3g})"),
        ("root-start, needed", needed_text, needed_note),
        ("CPS-Path (HP2)", f"H*m = {H}*{out['cps_m']} = {out['cps_queries']}",
         _shown(out["cps_success_worst"], out["cps_failure_worst"], "worst success",
                "worst failure")
         + f", failure bound {out['cps_failure_bound_float']:.3g}"),
        ("adaptive CPS", _expected_text(out["adaptive_cps_expected_queries"]),
         _adaptive_note(out)),
        ("logits (HP3)", f"H = {out['logits_queries']}", "success 1"),
        ("top-1 (HP3)", f"H = {out['top1_queries']}", "success 1"),
    ]
    width = max(len(r[0]) for r in rows)
    qwidth = max(len(r[1]) for r in rows)
    for name, count, note in rows:
        print(f"  {name:<{width}}  {count:<{qwidth}}  {note}")
    sys.stdout.flush()


def _expected_text(value: Value) -> str:
    """`E = 905.66` (exact, rounded for the eye) or `E in [905.65, 905.66]`."""
    if "exact" in value:
        return f"E = {float(Fraction(value['exact'])):.6g}"
    return f"E in {_bracket(value)}"


def _bracket(value: Value) -> str:
    """An enclosure's ends, cut to 7 significant digits (outwards)."""
    low, high = value["enclosure"]
    return f"[{_short(low, up=False)}, {_short(high, up=True)}]"


def _short(text: str, up: bool) -> str:
    """A decimal endpoint cut to 7 significant digits, still rounded outwards."""
    from genaccess.spec.intervals import decimal_bounds

    bounds = decimal_bounds(Fraction(Decimal(text)), 7)
    return bounds[1] if up else bounds[0]


def _lower_decimal(value: Fraction) -> str:
    """`value` rounded down to `DIGITS` significant digits (any exponent)."""
    from genaccess.spec.intervals import decimal_bounds

    return decimal_bounds(value, DIGITS)[0]


def _adaptive_note(out: dict[str, Any]) -> str:
    on_path = out["adaptive_cps_expected_queries_on_path"]
    samples = out["adaptive_cps_dp_samples"]
    how = ("exact stage laws, the cap's ties aside" if samples == out["adaptive_cps_cap"] else
           f"stage laws followed for {samples} samples, the rest bounded" if samples else
           "stage laws beyond the DP's budget: between least lead and cap per stage")
    on_text = (f"H*E_on = {float(Fraction(on_path['exact'])):.6g} (exact)" if "exact" in on_path
               else f"H*E_on in {_bracket(on_path)}")
    odds = out["adaptive_cps_odds"]
    if "exact" in odds and len(odds["exact"]) <= 24:
        odds_text = odds["exact"]
    else:
        low = (odds["enclosure"][0] if "enclosure" in odds else
               _lower_decimal(Fraction(odds["exact"])))
        odds_text = "~" + _short(low, up=False)
    label = "exact" if "exact" in out["adaptive_cps_expected_queries"] else "rigorous enclosure"
    return (f"expected queries, every z ({label}; {how}); on the path {on_text}; "
            f"at most H*cap = {out['adaptive_cps_max_queries']}; posterior test: odds <= "
            f"{odds_text}, lead >= {out['adaptive_cps_margin']}, cap = "
            f"{out['adaptive_cps_cap']}; success >= 1 - delta")
