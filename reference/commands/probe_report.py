"""`genaccess probe`'s outputs: the JSON object (exact values as integers and "p/q" strings,
float renderings and rigorous enclosures labelled as such), the text layout, and
`probe.png`."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from genaccess.reference.commands.arguments import usage_error
from genaccess.reference.probe import Probe, TargetCosts
from genaccess.spec.intervals import decimal_bounds
from genaccess.spec.probe import PluralityCost, TopCost, UnseenGap, log10_of

EXACTNESS = ("Exact values are JSON integers or 'p/q' strings (one past about 3,900 digits "
             "is named by its size, 'not written out: ...'); every *_log10 and *_float "
             "field is a float rendering of the exact value beside it; every *_enclosure is "
             "a rigorous interval [low, high] (decimal endpoints rounded outwards).")

FORMULAS = {
    "root_start": ("R2", "least T with (1 - rho)^T <= delta: T = ceil(ln delta / ln(1 - rho))"),
    "unseen_gap": ("GAP, KL1, KL3", "at beta = 1/ln(1/rho): pstar(Z) = 1/(2 - rho); a "
                   "learner still at pi has SubOpt/beta = ln(2 - rho) - rho ln(1/rho) "
                   ">= 2 (pstar(Z) - rho)^2"),
    "sample_walk": ("LR, R2", "sum_t n_t, n_t = ceil(ln(delta/H) / ln(1 - p_t)); expected "
                    "sum_t 1/p_t"),
    "cps_path": ("PLANTED1, HP2", "H m, m = ceil(2 ln(H (K-1)/delta) / Delta^2), Delta = "
                 "min_t Delta_t > 0"),
    "adaptive": ("PLANTED1, HP2", "lead test for r = max_t max_b p(b)/p_t < 1: at most H cap "
                 "queries; expected at most sum_t min(cap, c / (2 p_t - 1)) + cap delta "
                 "(H - 1)/2"),
    "logits": ("HP3", "H queries when every p_t > 0"),
    "top": ("HP3, LT3", "H queries when z_t is shown at every depth"),
}


EXACT_TEXT_BITS = 13_000
"""Integers past this many bits (about 3,900 digits) are not written out in decimal: Python
refuses to (its 4,300-digit limit), the conversion is quadratic, and a reach over hundreds
of depths has tens of thousands of digits. Such a value is named by its size instead; it is
still exact in memory, and the reach is the product of the listed per-depth `p`."""


def _too_long(value: Fraction | int) -> str | None:
    """The text that stands for a value too long to write in decimal, else None."""
    parts = (value,) if isinstance(value, int) else (value.numerator, value.denominator)
    bits = [abs(part).bit_length() for part in parts]
    if max(bits) <= EXACT_TEXT_BITS:
        return None
    return (f"not written out: a {bits[0]:,}-bit integer" if len(bits) == 1 else
            f"not written out: a {bits[0]:,}-bit numerator over a {bits[1]:,}-bit denominator")


def _exact(value: Fraction | int | None) -> str | None:
    if value is None:
        return None
    return _too_long(value) or str(value)


def _integer(value: int | None) -> int | str | None:
    return value if value is None else (_too_long(value) or value)


def _float(value: Fraction | int | None) -> float | None:
    return None if value is None else float(value)


def _log10(value: Fraction | int | None) -> float | None:
    return None if value is None or value <= 0 else round(log10_of(value), 6)


def _enclosure(low: Fraction, high: Fraction) -> list[str]:
    return [decimal_bounds(low, 8)[0], decimal_bounds(high, 8)[1]]


def _claim(name: str) -> dict[str, Any]:
    claim, formula = FORMULAS[name]
    return {"claim": claim, "formula": formula}


def _unseen(gap: UnseenGap | None) -> dict[str, Any]:
    out = _claim("unseen_gap")
    if gap is None:
        return {**out, "applies": False}
    return {**out, "applies": True, "beta_enclosure": _enclosure(*gap.beta),
            "target_mass": _exact(gap.target_mass), "target_mass_float": float(gap.target_mass),
            "suboptimality_over_beta_at_least": _exact(gap.lower_bound),
            "suboptimality_over_beta_at_least_float": float(gap.lower_bound),
            "suboptimality_over_beta_enclosure": _enclosure(*gap.value)}


def _plurality(name: str, cost: PluralityCost) -> dict[str, Any]:
    out: dict[str, Any] = {**_claim(name), "failing_depths": list(cost.failing_depths)}
    if name == "cps_path":
        return {**out, "queries": cost.queries, "samples_per_depth": cost.samples}
    return {**out, "queries_at_most": cost.queries, "cap": cost.samples,
            "lead": None if cost.test is None else cost.test.margin,
            "expected_at_most": _exact(cost.expected_at_most),
            "expected_at_most_float": _float(cost.expected_at_most), "note": cost.note}


def _top(name: str, cost: TopCost) -> dict[str, Any]:
    return {**_claim(name), "queries": cost.queries, "failing_depths": list(cost.failing_depths)}


def _target(index: int, costs: TargetCosts, top_k: tuple[int, ...]) -> dict[str, Any]:
    profile = costs.profile
    depths = []
    for t, (d, rho) in enumerate(zip(profile.depths, profile.reach, strict=True)):
        depths.append({
            "depth": t + 1, "token": d.token, "p": _exact(d.probability),
            "p_log10": _log10(d.probability), "rank": d.rank, "rival": d.rival,
            "rival_p": _exact(d.rival_probability), "margin": _exact(d.margin),
            "margin_float": float(d.margin), "top1": d.is_top1,
            "top_k": {str(k): d.in_top(k) for k in top_k},
            "rho": _exact(rho), "rho_log10": _log10(rho)})
    walk = costs.walk
    return {
        "index": index, "tokens": list(profile.tokens), "length": profile.length,
        "depths": depths, "reach": _exact(profile.rho), "reach_log10": _log10(profile.rho),
        "costs": {
            "root_start": {**_claim("root_start"), "rollouts": _integer(costs.root_start),
                           "rollouts_log10": _log10(costs.root_start)},
            "unseen_gap": _unseen(costs.unseen),
            "sample_walk": {**_claim("sample_walk"), "queries": walk.queries,
                            "per_depth": list(walk.per_depth),
                            "expected": _exact(walk.expected),
                            "expected_float": _float(walk.expected),
                            "failing_depths": list(walk.failing_depths)},
            "cps_path": _plurality("cps_path", costs.cps),
            "adaptive": _plurality("adaptive", costs.adaptive),
            "logits": _top("logits", costs.logits),
            **{f"top{k}": _top("top", cost) for k, cost in costs.top.items()},
        },
        "ratio": {"root_start_over_sample_walk": _exact(costs.ratio),
                  "log10": _log10(costs.ratio)},
    }


def report(result: Probe, meta: dict[str, Any]) -> dict[str, Any]:
    """The probe as one JSON-ready object."""
    union = result.union
    return {
        "command": "probe", **meta, "delta": str(result.delta), "top_k": list(result.top_k),
        "exactness": EXACTNESS,
        "targets": [_target(i + 1, c, result.top_k) for i, c in enumerate(result.targets)],
        "set": {
            "targets": len(result.targets), "deciding": [i + 1 for i in union.minimal],
            "reach": _exact(union.reach), "reach_log10": _log10(union.reach),
            "root_start": {**_claim("root_start"), "rollouts": _integer(union.root_start),
                           "rollouts_log10": _log10(union.root_start)},
            "unseen_gap": _unseen(union.unseen),
            "cheapest_walk": None if union.cheapest is None else union.cheapest + 1,
            "walk_queries": union.walk_queries,
            "ratio": {"root_start_over_sample_walk": _exact(union.ratio),
                      "log10": _log10(union.ratio)},
        },
    }


def depth_list(depths: list[int]) -> str:
    """`1, 3-5, 9`."""
    runs: list[list[int]] = []
    for d in depths:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _count(value: int | str | None, log10: float | None) -> str:
    if value is None:
        return "never (rho = 0)"
    if isinstance(value, int) and value < 10**18:
        return f"{value:,}"
    assert log10 is not None  # a count >= 10^18 (or too long to write) has its log10
    return f"10^{log10:.2f} ({math.floor(log10) + 1:,} digits)"


def _row(name: str, value: str, claim: str) -> str:
    return f"    {name:<22} {value:<46} {claim}"


def _fails(cost: dict[str, Any], what: str) -> str:
    return f"fails: {what} at depth(s) {depth_list(cost['failing_depths'])}"


def _print_costs(costs: dict[str, Any], top_k: list[int], length: int) -> None:
    root = costs["root_start"]
    print(_row("root-start rollouts", _count(root["rollouts"], root["rollouts_log10"]),
               "R2: ceil(ln delta / ln(1 - rho))"))
    gap = costs["unseen_gap"]
    if gap["applies"]:
        low, high = gap["suboptimality_over_beta_enclosure"]
        print(_row("KL-reg., target unseen", f"SubOpt/beta in [{low}, {high}]",
                   "GAP, KL1, KL3 at beta = 1/ln(1/rho)"))
        print(_row("", f">= {gap['suboptimality_over_beta_at_least_float']:.6g} "
                   f"(pstar(Z) = {gap['target_mass_float']:.6g})", ""))
    walk = costs["sample_walk"]
    value = (_fails(walk, "p_t = 0") if walk["queries"] is None else
             f"{walk['queries']:,} (expected {walk['expected_float']:,.1f})")
    print(_row("prefix walk, sample", value, "LR, R2: sum_t ceil(ln(delta/H)/ln(1-p_t))"))
    cps = costs["cps_path"]
    value = (_fails(cps, "z_t not the plurality winner") if cps["queries"] is None else
             f"{cps['queries']:,} (m = {cps['samples_per_depth']:,} per depth)")
    print(_row("CPS-Path, sample", value, "PLANTED1, HP2"))
    ada = costs["adaptive"]
    if ada["queries_at_most"] is not None:
        value = (f"<= {ada['queries_at_most']:,}, expected <= "
                 f"{ada['expected_at_most_float']:,.1f} (lead {ada['lead']})")
    elif ada["failing_depths"]:
        value = _fails(ada, "z_t not the plurality winner")
    else:
        value = "not computed: " + ada["note"]
    print(_row("adaptive, sample", value, "PLANTED1, HP2 (lead test)"))
    logits = costs["logits"]
    print(_row("logits (full)", f"{length}" if logits["queries"] is not None else
               _fails(logits, "p_t = 0"), "HP3"))
    for k in [1, *top_k]:
        cost = costs[f"top{k}"]
        print(_row(f"top-{k}", f"{length}" if cost["queries"] is not None
                   else _fails(cost, f"z_t not in the top {k}" if k > 1 else "z_t not top-1"),
                   "HP3, LT3"))


def print_report(out: dict[str, Any]) -> None:
    """The text layout."""
    prompt = out["prompt"]
    shown = ",".join(map(str, prompt[:12])) + (",..." if len(prompt) > 12 else "")
    seed = f", seed {out['model_seed']}" if out.get("model_seed") is not None else ""
    print(f"probe of {out['model']} (K={out['vocab']}{seed}), prompt {len(prompt)} token(s) "
          f"[{shown}], tau={out['temperature']}, delta={out['delta']}, "
          f"torch threads {out['threads']}")
    seconds = out["seconds"]
    print(f"  {seconds['probe']:.2f} s to score and predict ({seconds['total']:.2f} s with "
          f"loading the model); exact values, log10 columns are float renderings of them")
    top_k = [k for k in out["top_k"] if k != 1]
    for target in out["targets"]:
        tokens = target["tokens"]
        planted = out.get("planted")
        note = (f"  (planted, alpha = {planted['alpha']})"
                if planted and target["index"] == planted["target"] else "")
        print(f"target {target['index']}: {target['length']} token(s) "
              f"[{','.join(map(str, tokens[:16]))}{',...' if len(tokens) > 16 else ''}]{note}")
        heads = "".join(f" top{k:<3}" for k in top_k)
        print(f"  {'depth':>5} {'token':>7} {'log10 p_t':>10} {'rank':>7} {'margin':>10} "
              f"{'top1':>4}{heads} {'log10 rho_t':>11}")
        for d in target["depths"]:
            flags = "".join(f" {'yes' if d['top_k'][str(k)] else 'no':<6}" for k in top_k)
            p = "-inf" if d["p_log10"] is None else f"{d['p_log10']:.4f}"
            rho = "-inf" if d["rho_log10"] is None else f"{d['rho_log10']:.4f}"
            print(f"  {d['depth']:>5} {d['token']:>7} {p:>10} {d['rank']:>7} "
                  f"{d['margin_float']:>10.4g} {'yes' if d['top1'] else 'no':>4}{flags} "
                  f"{rho:>11}")
        print(f"  predicted costs for delta = {out['delta']}:")
        _print_costs(target["costs"], top_k, target["length"])
        ratio = target["ratio"]
        if ratio["log10"] is not None:
            print(f"  headline: root-start / prefix sample walk = 10^{ratio['log10']:.2f}")
    union = out["set"]
    if union["targets"] > 1:
        root = union["root_start"]
        ratio = union["ratio"]
        print(f"set of {union['targets']} targets (a reward accepting any; decided by "
              f"{', '.join(map(str, union['deciding']))}): reach 10^{union['reach_log10']:.3f}"
              f", root-start {_count(root['rollouts'], root['rollouts_log10'])} rollouts, "
              f"cheapest walk (target {union['cheapest_walk']}) {union['walk_queries']} queries"
              + (f", ratio 10^{ratio['log10']:.2f}" if ratio["log10"] is not None else ""))
    if out.get("files"):
        print(f"  wrote {', '.join(out['files'])}")


def write_outputs(out: dict[str, Any], directory: Path) -> None:
    """`probe.json` and `probe.png` in `directory` (created if needed)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        files = [str(directory / "probe.json"), str(directory / "probe.png")]
        out["files"] = files
        from genaccess.reference.commands.probe_plot import plot

        plot(out, directory / "probe.png")
        (directory / "probe.json").write_text(json.dumps(out, indent=2) + "\n")
    except OSError as err:
        raise usage_error("--out", f"cannot write there ({err.strerror or err})",
                          str(directory)) from None
