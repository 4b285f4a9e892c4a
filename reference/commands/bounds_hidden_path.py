"""`genaccess bounds hidden-path`: HP1-HP3's numbers for HP(K, H, alpha), computed exactly.

  root-start (HP1)   S_T for T = --queries, and the least T with S_T >= 1 - delta
  CPS-Path (HP2)     m from the bound (or --m), H*m queries, exact worst-case success
  adaptive CPS       the sequential test's margin and cap (at most H*cap queries)
  logits / top-1     H queries (HP3)

Example:
  genaccess bounds hidden-path --vocab 3 --horizon 20 --alpha 1/2 --delta 1/20 --queries 1000
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from genaccess.reference.commands.arguments import (
    flags,
    fraction_text,
    parse_count,
    parse_fraction,
    parse_int,
    parse_probability,
)
from genaccess.reference.commands.output import emit

if TYPE_CHECKING:
    from genaccess.spec.hidden_path import HiddenPathFamily

FAMILY = "hidden-path"
EXACT_DIGITS = 2_000
"""Exact fractions are printed when numerator and denominator have at most this many digits."""
EXACT_ROOT_START_LIMIT = 100_000
"""`S_T` is computed as an exact fraction while `T * H` is at most this."""


def register_family(families: Any) -> None:
    parser = families.add_parser(FAMILY, help="hidden-path family HP(K, H, alpha) (HP1-HP3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab", required=True, metavar="K", help="vocabulary size K >= 2")
    parser.add_argument("--horizon", required=True, metavar="H", help="horizon H >= 1")
    parser.add_argument("--alpha", required=True, metavar="A",
                        help="path-token probability in (1/K, 1), e.g. 1/2")
    parser.add_argument("--delta", required=True, metavar="D",
                        help="target failure probability in (0, 1), e.g. 1/20")
    parser.add_argument("--queries", required=True, metavar="T",
                        help="root-start query budget T >= 0 for root_start_success")
    parser.add_argument("--m", default=None, metavar="M",
                        help="CPS-Path samples per stage (default: from the HP2 bound)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def compute_bounds(family: HiddenPathFamily, delta: Fraction, queries: int,
                   samples: int | None) -> dict[str, Any]:
    """Every number the command reports, as a JSON-ready dict."""
    from genaccess.spec.cps_success import (
        compute_cps_m,
        compute_HP2_failure_bound,
        compute_HP2_worst_success,
    )
    from genaccess.spec.root_start_success import (
        compute_HP1_bound,
        compute_HP1_success,
        compute_HP1_success_float,
        compute_root_start_queries_needed,
    )
    from genaccess.spec.sequential_test import compute_adaptive_parameters

    K, H = family.vocab_size, family.horizon
    out: dict[str, Any] = {
        "family": FAMILY, "vocab": K, "horizon": H, "alpha": str(family.alpha),
        "delta": str(delta), "queries": queries, "margin_Delta": str(family.margin),
    }
    if queries * H <= EXACT_ROOT_START_LIMIT:
        exact = compute_HP1_success(family, queries)
        text = fraction_text(exact, EXACT_DIGITS)
        if text is not None:
            out["root_start_success"] = text
        out["root_start_success_float"] = float(exact)
    else:
        out["root_start_success_float"] = compute_HP1_success_float(family, queries)
    if queries * H <= EXACT_ROOT_START_LIMIT:
        linear = compute_HP1_bound(family, queries)[1]
    else:  # HP1's linear bound alone: its first bound's T-th power is too big to expand
        linear = queries * family.alpha ** (H - 1) + Fraction(1, K)
    out["root_start_success_bound_float"] = float(min(Fraction(1), linear))
    out["root_start_queries_needed"] = compute_root_start_queries_needed(family, 1 - delta)
    m = samples if samples is not None else compute_cps_m(family, delta)
    worst = compute_HP2_worst_success(family, m)
    out["cps_m"] = m
    out["cps_m_from_bound"] = samples is None
    out["cps_queries"] = H * m
    text = fraction_text(worst, EXACT_DIGITS)
    if text is not None:
        out["cps_success_worst"] = text
    out["cps_success_worst_float"] = float(worst)
    out["cps_failure_bound_float"] = float(compute_HP2_failure_bound(family, m)[1])
    test = compute_adaptive_parameters(family, delta)
    out["adaptive_cps_margin"] = test.margin
    out["adaptive_cps_cap"] = test.cap
    out["adaptive_cps_max_queries"] = H * test.cap
    out["logits_queries"] = H
    out["top1_queries"] = H
    return out


FIELDS = {"vocab_size": "--vocab", "horizon": "--horizon", "alpha": "--alpha",
          "delta": "--delta"}
"""The spec's field names for what the user typed as these flags."""


def run(args: argparse.Namespace) -> int:
    from genaccess.spec.hidden_path import HiddenPathFamily

    K = parse_count(args.vocab, "--vocab", 2)
    H = parse_count(args.horizon, "--horizon", 1)
    with flags(FIELDS):
        family = HiddenPathFamily(K, H, parse_fraction(args.alpha, "--alpha"))
    delta = parse_probability(args.delta, "--delta")
    queries = parse_count(args.queries, "--queries", 0)
    samples = parse_int(args.m, "--m", 1)
    with flags(FIELDS):
        out = compute_bounds(family, delta, queries, samples)
    return emit(out, args.json, _print)


def _print(out: dict[str, Any]) -> None:
    H = out["horizon"]
    print(f"hidden-path HP(K={out['vocab']}, H={H}, alpha={out['alpha']}), "
          f"Delta = {out['margin_Delta']}, delta = {out['delta']}")
    exact = out.get("root_start_success")
    shown = exact if exact is not None and len(exact) <= 40 else None
    rows = [
        ("root-start, T queries", f"T = {out['queries']}",
         (f"S_T = {shown} ~ " if shown else "S_T ~ ") + f"{out['root_start_success_float']:.6g}"
         f" (HP1 upper bound T alpha^(H-1) + 1/K = "
         f"{out['root_start_success_bound_float']:.3g})"),
        ("root-start, needed", f"T = {out['root_start_queries_needed']}",
         "least T with S_T >= 1 - delta"),
        ("CPS-Path (HP2)", f"H*m = {H}*{out['cps_m']} = {out['cps_queries']}",
         f"worst success {out['cps_success_worst_float']:.6g} "
         f"(failure bound {out['cps_failure_bound_float']:.3g})"),
        ("adaptive CPS", f"<= H*cap = {out['adaptive_cps_max_queries']}",
         f"margin c = {out['adaptive_cps_margin']}, cap = {out['adaptive_cps_cap']}, "
         f"success >= 1 - delta"),
        ("logits (HP3)", f"H = {out['logits_queries']}", "success 1"),
        ("top-1 (HP3)", f"H = {out['top1_queries']}", "success 1"),
    ]
    width = max(len(r[0]) for r in rows)
    qwidth = max(len(r[1]) for r in rows)
    for name, queries, note in rows:
        print(f"  {name:<{width}}  {queries:<{qwidth}}  {note}")
