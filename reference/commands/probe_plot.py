"""`probe.png`: left, each target's per-depth `log10 p_t` and cumulative `log10 rho_t`;
right, the predicted queries of each access model side by side (log10), with the headline
ratio in the title. Every plotted number is a float rendering of an exact value of the
JSON object it is drawn from."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")
MAX_BAR_TARGETS = 3
"""Targets drawn in the cost panel (all of them are in the depth panel and the JSON)."""


def _rows(target: dict[str, Any], top_k: list[int]) -> list[tuple[str, float | None, str]]:
    """`(access model, log10 queries or None, label)` for the cost panel."""
    costs = target["costs"]

    def bar(name: str, value: int | float | None, fails: list[int] | None = None,
            prefix: str = "") -> tuple[str, float | None, str]:
        if value is None:
            if not fails:
                return name, None, "n/a"
            return name, None, f"fails at depth {fails[0]}" + ("..." if len(fails) > 1 else "")
        log = math.log10(value) if not isinstance(value, int) else (
            math.log10(value) if value < 10**300 else len(str(value)) - 1.0)
        label = f"{prefix}{value:,.0f}" if value < 1e7 else f"{prefix}10^{log:.1f}"
        return name, log, label

    root = costs["root_start"]
    rows = [("root-start", root["rollouts_log10"],
             "never" if root["rollouts"] is None else
             (f"{root['rollouts']:,}" if root["rollouts"] < 10**7
              else f"10^{root['rollouts_log10']:.1f}"))]
    walk = costs["sample_walk"]
    rows.append(bar("prefix walk (sample)", walk["queries"], walk["failing_depths"]))
    cps = costs["cps_path"]
    rows.append(bar("CPS-Path (sample)", cps["queries"], cps["failing_depths"]))
    ada = costs["adaptive"]
    rows.append(bar("adaptive (mean <=)", ada["expected_at_most_float"], ada["failing_depths"],
                    "<= "))
    rows.append(bar("logits (full)", costs["logits"]["queries"],
                    costs["logits"]["failing_depths"]))
    for k in [1, *top_k]:
        cost = costs[f"top{k}"]
        rows.append(bar(f"top-{k}", cost["queries"], cost["failing_depths"]))
    return rows


def plot(out: dict[str, Any], path: Path) -> None:
    """Write the figure (matplotlib, Agg backend) to `path`."""
    import matplotlib  # imported here: it takes about a second, and only the plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = out["targets"]
    top_k = [k for k in out["top_k"] if k != 1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2),
                                      gridspec_kw={"width_ratios": [1.1, 1]})
    for i, target in enumerate(targets):
        colour = COLOURS[i % len(COLOURS)]
        depths = [d["depth"] for d in target["depths"]]
        p = [d["p_log10"] if d["p_log10"] is not None else math.nan for d in target["depths"]]
        rho = [d["rho_log10"] if d["rho_log10"] is not None else math.nan
               for d in target["depths"]]
        left.plot(depths, rho, "-", color=colour, lw=2, label=f"target {i + 1}: log10 rho_t")
        left.plot(depths, p, "--", color=colour, lw=1, alpha=0.8,
                  label=f"target {i + 1}: log10 p_t")
        top1 = [(t, v) for t, v, d in zip(depths, p, target["depths"], strict=True) if d["top1"]]
        rest = [(t, v) for t, v, d in zip(depths, p, target["depths"], strict=True)
                if not d["top1"]]
        if top1:
            left.plot(*zip(*top1, strict=True), "o", color=colour, ms=5)
        if rest:
            left.plot(*zip(*rest, strict=True), "o", mfc="white", color=colour, ms=5)
    left.axhline(-math.log10(out["vocab"]), color="grey", lw=0.8, ls=":")
    left.text(0.99, -math.log10(out["vocab"]), " uniform 1/K", color="grey", fontsize=8,
              ha="right", va="bottom", transform=left.get_yaxis_transform())
    left.set_xlabel("depth t (response token)")
    left.set_ylabel("log10 probability")
    left.set_title("per-depth p_t (dashed; filled dot: z_t is top-1)\n"
                   "and cumulative reach rho_t (solid)", fontsize=10)
    left.grid(alpha=0.3)
    left.legend(fontsize=8, loc="best")

    shown = targets[:MAX_BAR_TARGETS]
    rows = [_rows(t, top_k) for t in shown]
    names = [name for name, _, _ in rows[0]]
    height = 0.8 / len(shown)
    for j, target_rows in enumerate(rows):
        for i, (_, value, label) in enumerate(target_rows):
            y = i + (j - (len(shown) - 1) / 2) * height
            colour = COLOURS[j % len(COLOURS)]
            if value is None:
                right.text(0.02, y, label, va="center", fontsize=8, color=colour,
                           transform=right.get_yaxis_transform())
                continue
            right.barh(y, value, height=height * 0.9, color=colour,
                       label=f"target {j + 1}" if i == 0 else None)
            right.text(value, y, " " + label, va="center", fontsize=8)
    right.set_yticks(range(len(names)), names)
    right.invert_yaxis()
    right.set_xlabel(f"log10 predicted queries (to reach the target w.p. >= 1 - "
                     f"{out['delta']})")
    right.grid(axis="x", alpha=0.3)
    xmax = max((v for r in rows for _, v, _ in r if v is not None), default=1.0)
    right.set_xlim(0, max(1.0, xmax) * 1.3)
    if len(shown) > 1:
        right.legend(fontsize=8, loc="lower right")
    headline = targets[0]["ratio"]["log10"]
    title = ("root-start / prefix access (target 1): "
             + (f"10^{headline:.1f}" if headline is not None else "n/a"))
    right.set_title(title, fontsize=10)
    planted = out.get("planted")
    fig.suptitle(f"genaccess probe: {out['model']} (K = {out['vocab']}), prompt of "
                 f"{len(out['prompt'])} token(s), tau = {out['temperature']}"
                 + (f", target 1 planted at alpha = {planted['alpha']}" if planted else ""),
                 fontsize=11)
    fig.text(0.01, 0.01, "All values are float renderings (log10) of exact values in "
             "probe.json.", fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
