"""The presentation of `genaccess gap` (GAP): the table (terminal and markdown), the
log-scale plot, and the three output files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any


def _count(value: float) -> str:
    """An integer count, in scientific notation once it is long."""
    if value >= 1e7:
        return f"{value:.3e}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


NEAR = 0.1
"""The policy-gradient baseline counts as near `pstar` when its SubOpt is below this share of
SubOpt(pref) (the plot's filled markers)."""


def _share(value: float) -> str:
    if value < 0.001:
        return "<0.1%"
    return f"{value:.1%}" if value < 0.1 else f"{value:.0%}"


def _ratio(value: float) -> str:
    return f"{value:.3g}" if value < 1e5 else f"{value:.2e}"


HEADERS = ("H", "root-start needed", "CPS H*m", "adaptive mean", "logits", "RS/CPS",
           "RS/adaptive", "PG SubOpt (share of pref's; #rewarded)", "RS sim T", "S_T",
           "RS measured [CI]")


def table_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """One tuple of cells per `H` (blank cells where a learner was not run)."""
    rows: list[tuple[str, ...]] = []
    for row in result["rows"]:
        pg = row["policy_gradient"]
        sim = row["root_start_simulation"]
        pg_cell = "" if pg is None else (
            f"{pg['subopt']:.3g} ({_share(pg['subopt_fraction'])}; {pg['rewarded_rollouts']})")
        if sim is None:
            sim_cells = ("", "", "")
        else:
            low, high = sim["interval"]
            sim_cells = (str(sim["queries"]) + ("*" if sim["capped"] else ""),
                         f"{sim['exact_success']:.3f}",
                         f"{sim['success_rate']:.2f} [{low:.2f}, {high:.2f}]")
        rows.append((str(row["H"]), _count(row["root_start_needed"]),
                     _count(row["cps_queries"]), _count(row["adaptive_mean_queries"]),
                     _count(row["logits_queries"]), _ratio(row["ratio_root_start_over_cps"]),
                     _ratio(row["ratio_root_start_over_adaptive"]), pg_cell, *sim_cells))
    return rows


def _notes(result: dict[str, Any]) -> list[str]:
    p = result["parameters"]
    level = Fraction(p["interval_level"])
    return [
        f"HP(K={p['vocab']}, H, alpha={p['alpha']}), delta = {p['delta']}, "
        f"{p['runs']} runs per H, seed {p['seed']}.",
        "root-start needed: least T with S_T >= 1 - delta (HP1, exact); CPS H*m: m from HP2's "
        "bound; adaptive mean: measured through a local-reset/sample oracle; logits: measured "
        "(local-reset/full).",
        f"PG: KL-regularised policy gradient, {p['pg_queries']} root-start/logprob rollouts "
        f"(batch {p['pg_batch_size']}, step {p['pg_step_size']}); SubOpt = beta_H "
        "KL(pi_theta || pstar_z), its share of SubOpt(pref) (100% = never moved), and how many "
        "rollouts were rewarded.",
        f"RS sim: the Bayes-optimal root-start learner with T rollouts (* = capped at "
        f"{p['root_start_max_queries']}), exact S_T, measured success with its "
        f"{float(level):.0%} Clopper-Pearson interval.",
    ]


def format_text(result: dict[str, Any]) -> str:
    """The table for a terminal."""
    rows = table_rows(result)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    lines = ["genaccess gap: " + _notes(result)[0], ""]
    lines.append("  ".join(h.rjust(w) for h, w in zip(HEADERS, widths, strict=True)))
    lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                 for r in rows)
    lines.append("")
    lines.extend(_notes(result)[1:])
    return "\n".join(lines)


def format_markdown(result: dict[str, Any]) -> str:
    """The table as markdown (written to gap.md beside gap.json)."""
    rows = table_rows(result)
    notes = _notes(result)
    out = [f"`genaccess gap`: {notes[0]} Wall time {result['timings']['wall_seconds']:.1f} s "
           f"({result['timings']['workers']} worker processes).", ""]
    out.append("| " + " | ".join(HEADERS) + " |")
    out.append("|" + "|".join("---:" for _ in HEADERS) + "|")
    out.extend("| " + " | ".join(r) + " |" for r in rows)
    out.append("")
    out.extend(f"- {note}" for note in notes[1:])
    return "\n".join(out) + "\n"


def plot(result: dict[str, Any], path: Any) -> None:
    """Write the log-scale plot of queries against `H` (matplotlib, Agg backend)."""
    import matplotlib  # imported here: it takes about a second, and only the plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = result["parameters"]
    rows = result["rows"]
    H = [r["H"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 6), dpi=110)
    ax.plot(H, [r["root_start_needed"] for r in rows], "o-", color="tab:red", ms=4,
            label=r"root-start needed: least $T$ with $S_T \geq 1-\delta$ (HP1, exact)")
    ax.plot(H, [r["root_start_lower_bound_3_4"] for r in rows], "--", color="tab:red",
            alpha=0.6, label=r"theory: $T \geq (3/4 - 1/K)\,\alpha^{-(H-1)}$ (HP1)")
    ax.plot(H, [r["cps_queries"] for r in rows], "s--", color="tab:blue", ms=3,
            label=r"CPS-Path $H m$, $m$ from the HP2 bound")
    ax.plot(H, [r["adaptive_mean_queries"] for r in rows], "^-", color="tab:green", ms=4,
            label=f"adaptive CPS, measured mean ({p['runs']} runs per $H$)")
    ax.plot(H, [r["logits_queries"] for r in rows], "d-", color="tab:purple", ms=3,
            label="logits at chosen prefixes, measured ($= H$, HP3)")
    sims = [r for r in rows if r["root_start_simulation"] is not None]
    if sims:
        ax.plot([r["H"] for r in sims], [r["root_start_simulation"]["queries"] for r in sims],
                "x", color="black", ms=6,
                label=f"root-start learner simulated: $T$ used (capped at "
                      f"{p['root_start_max_queries']}); success in gap.json")
    pgs = [r for r in rows if r["policy_gradient"] is not None]
    if pgs:
        queries = p["pg_queries"]
        ax.axhline(queries, color="tab:orange", ls=":", lw=1.5,
                   label=f"KL-regularised policy gradient: {queries} root-start rollouts")
        near = [r["H"] for r in pgs if r["policy_gradient"]["subopt_fraction"] < NEAR]
        stuck = [r["H"] for r in pgs if r["policy_gradient"]["subopt_fraction"] >= NEAR]
        ax.plot(near, [queries] * len(near), "o", color="tab:orange", ms=7,
                label=f"  policy gradient near $p^*$ (SubOpt < {NEAR:.0%} of SubOpt(pref))")
        ax.plot(stuck, [queries] * len(stuck), "o", mfc="white", mec="tab:orange", ms=7,
                label="  policy gradient stuck (too few rewarded rollouts)")
    ax.set_yscale("log")
    ax.set_xlabel("horizon $H$")
    ax.set_ylabel("queries to the oracle (log scale)")
    ax.set_title(f"Root-start vs prefix access on HP(K={p['vocab']}, H, "
                 f"$\\alpha$={p['alpha']}), $\\delta$={p['delta']}, "
                 f"{p['runs']} runs per $H$, seed {p['seed']}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def write_outputs(result: dict[str, Any], directory: Any) -> list[str]:
    """Write gap.json, gap.md and gap.png into `directory`; return the file names."""
    target = Path(directory)
    (target / "gap.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (target / "gap.md").write_text(format_markdown(result), encoding="utf-8")
    plot(result, target / "gap.png")
    return ["gap.json", "gap.md", "gap.png"]
