"""`genaccess simulate leader-trie`: run a leader-trie learner on one trie of
LT(K, H, lambda) many times and report the mean number of queries and the success rate
with its Clopper-Pearson interval.

  --learner bfs     LT2's BFS with m chosen-prefix samples per node (local-reset/sample);
                    m defaults to ceil(ln(2SK/delta) / (2 gamma^2)), S to |internal nodes|
  --learner logits  one full query per internal node (local-reset/full)
  --learner top1    the greedy top-1 learner (local-reset/top1); fails on every trie that
                    is not the closure of its own greedy path (LT3)

Example:
  genaccess simulate leader-trie --learner bfs --vocab 3 --horizon 3 --lambda 1/2 \\
      --responses "0,0,0;1,0,0" --delta 0.1 --runs 200 --seed 1
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from genaccess.reference.commands.arguments import (
    flags,
    parse_count,
    parse_fraction,
    parse_int,
    parse_probability,
    usage_error,
)
from genaccess.reference.commands.output import emit, rate_summary

if TYPE_CHECKING:
    from genaccess.spec.oracle import Oracle

FAMILY = "leader-trie"
FIELDS = {"vocab_size": "--vocab", "horizon": "--horizon", "lambda": "--lambda",
          "responses": "--responses", "delta": "--delta", "S": "--cap"}
"""The spec's field names for what the user typed as these flags."""


def register_family(families: Any) -> None:
    """Add `leader-trie` to the `simulate` command's family sub-parsers."""
    parser = families.add_parser(FAMILY, help="leader-trie family LT(K, H, lambda) (LT2, LT3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learner", default="bfs", metavar="NAME",
                        help="bfs, logits or top1 (default bfs)")
    parser.add_argument("--vocab", required=True, metavar="K", help="vocabulary size K >= 3")
    parser.add_argument("--horizon", required=True, metavar="H", help="horizon H >= 1")
    parser.add_argument("--lambda", dest="lam", required=True, metavar="L",
                        help="leader probability, in (1/K, 1/2], e.g. 1/2 or 0.4")
    parser.add_argument("--responses", required=True, metavar="Y",
                        help='the distinct responses, tokens separated by "," and responses '
                             'by ";", e.g. "0,0,0;1,0,0"')
    parser.add_argument("--delta", default="1/10", metavar="D",
                        help="bfs: target failure probability, in (0, 1) (default 1/10)")
    parser.add_argument("--cap", default=None, metavar="S",
                        help="bfs: cap on processed prefixes (default |internal nodes|)")
    parser.add_argument("--samples", default=None, metavar="M",
                        help="bfs: samples per node (default LT2's m)")
    parser.add_argument("--runs", default="100", metavar="N",
                        help="independent runs (default 100)")
    parser.add_argument("--seed", default="0", metavar="SEED", help="random seed (default 0)")
    parser.add_argument("--level", default="0.95", metavar="C",
                        help="confidence level of the Clopper-Pearson interval (default 0.95)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def parse_responses(text: str, field: str = "--responses") -> list[tuple[int, ...]]:
    """`"0,0,0;1,0,0"` as `[(0, 0, 0), (1, 0, 0)]`; malformed text or a response given twice
    is a `UsageError` (the spec takes Y as a set and would drop the repeat silently)."""
    pieces = [p.strip() for p in text.split(";")]
    if not text.strip() or any(not p for p in pieces):
        raise usage_error(field, 'must be responses like "0,0,0;1,0,0" (tokens separated '
                          'by ",", responses by ";")', text)
    responses: list[tuple[int, ...]] = []
    for piece in pieces:
        tokens = [t.strip() for t in piece.split(",")]
        if any(not t.lstrip("-").isdigit() for t in tokens):
            raise usage_error(field, f"tokens must be integers ({piece!r} is not)", text)
        response = tuple(int(t) for t in tokens)
        if response in responses:
            raise usage_error(field, f"responses must be distinct ({piece!r} is given twice)",
                              text)
        responses.append(response)
    return responses


MAX_STEPS = 20_000_000
"""The largest simulation accepted, in oracle steps (as `genaccess simulate hidden-path`:
each token the oracle handles is a step, each query `QUERY_STEPS` more); about a minute
here. The trie's own prefix sets are held to it too (`LeaderTrie` keeps every prefix)."""
QUERY_STEPS = 16
EXACT_WORK = 10_000_000
"""BFS's exact success (a count DP per leader count, `K m^2` big-integer steps, one
recursion level per token) is computed when `K m^2` is at most this and `K <= EXACT_VOCAB`."""
EXACT_VOCAB = 400


def _check_trie_size(vocab_size: int, horizon: int, responses: list[tuple[int, ...]]) -> None:
    """Refuse at once a trie whose prefixes, or whose every run, are over `MAX_STEPS`
    (a run queries at least one prefix of each depth `< H`)."""
    deepest = horizon * (QUERY_STEPS + horizon)
    if deepest > MAX_STEPS:
        raise usage_error("--horizon", f"one run queries a prefix of every depth below H, "
                          f"about {deepest:.2g} oracle steps, over the limit of "
                          f"{MAX_STEPS:.0e} (about a minute)", horizon)
    held = sum(len(y) ** 2 for y in responses) // 2
    if held > MAX_STEPS:
        raise usage_error("--responses", f"the trie's prefixes would hold about {held:.2g} "
                          f"tokens, over the limit of {MAX_STEPS:.0e}", f"{len(responses)} "
                          "responses")


def _check_runs(name: str, per_run: float, runs: int, flag: str, value: object) -> None:
    if per_run > MAX_STEPS:
        raise usage_error(flag, f"one run of {name} would take about {per_run:.2g} oracle "
                          f"steps, over the limit of {MAX_STEPS:.0e} (about a minute)", value)
    if runs * per_run > MAX_STEPS:
        raise usage_error("--runs", f"{runs} runs of about {per_run:.3g} oracle steps each "
                          f"are over the limit of {MAX_STEPS:.0e} steps (about a minute); "
                          f"use at most {max(1, int(MAX_STEPS // per_run))} runs", runs)


def learner_names() -> tuple[str, ...]:
    """The leader-trie learners of the learner table."""
    from genaccess.reference.learners import learners

    return tuple(entry.name for entry in learners(FAMILY))


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.learners import learner as table_learner
    from genaccess.spec.leader_classification import (
        bfs_success_probability,
        compute_samples_per_node,
    )
    from genaccess.spec.leader_trie import (
        LeaderTrie,
        compute_theta,
        internal_nodes,
        leader_trie_generator,
        trie_nodes,
    )
    from genaccess.spec.oracle import Oracle

    names = learner_names()
    if args.learner not in names:
        raise usage_error("--learner", f"must be one of {', '.join(names)}", args.learner)
    entry = table_learner(FAMILY, args.learner)
    K = parse_count(args.vocab, "--vocab", 3)
    H = parse_count(args.horizon, "--horizon", 1)
    responses = parse_responses(args.responses)
    _check_trie_size(K, H, responses)
    with flags(FIELDS):
        trie = LeaderTrie(K, H, parse_fraction(args.lam, "--lambda"), responses)
    runs = parse_count(args.runs, "--runs", 1)
    seed = parse_count(args.seed, "--seed", 0)
    cap_given = parse_int(args.cap, "--cap", 1)
    samples = parse_int(args.samples, "--samples", 1)
    level = parse_probability(args.level, "--level")
    delta = parse_probability(args.delta, "--delta")
    lam = trie.lam
    theta = compute_theta(K, lam)
    size = len(internal_nodes(trie))
    cap = cap_given if cap_given is not None else size
    summary: dict[str, Any] = {
        "family": FAMILY, "learner": args.learner, "access": entry.access,
        "vocab": K, "horizon": trie.horizon, "lambda": str(lam),
        "responses": [list(y) for y in trie.responses], "internal_nodes": size,
        "theta": str(theta), "runs": runs, "seed": seed,
    }
    function = entry.function
    learner: Callable[[Oracle], Any]
    step = QUERY_STEPS + 2 * H  # a query at a prefix of depth below H
    if args.learner == "bfs":
        with flags(FIELDS):
            m = samples if samples is not None else compute_samples_per_node(K, lam, cap, delta)
        _check_runs("bfs", min(cap, size) * m * step, runs,
                    "--samples" if samples is not None else "--delta",
                    m if samples is not None else str(delta))
        summary.update({"delta": str(delta), "S": cap, "m": m, "S_times_m": cap * m})
        if K <= EXACT_VOCAB and K * m * m <= EXACT_WORK:
            summary["exact_success"] = float(bfs_success_probability(trie, m, cap))

        def learner(oracle: Oracle) -> Any:
            return function(oracle, theta=theta, samples=m, cap=cap)
    elif args.learner == "logits":
        _check_runs("logits", size * (step + K), runs, "--horizon", H)
        summary["exact_success"] = 1.0

        def learner(oracle: Oracle) -> Any:
            return function(oracle, theta=theta)
    else:
        _check_runs("top1", H * step, runs, "--horizon", H)
        learner = function
    generator = leader_trie_generator(trie)
    rng = random.Random(seed)
    truth = trie_nodes(trie)
    queries = successes = failures = 0
    for _ in range(runs):
        oracle = Oracle(generator, entry.access_model, rng=rng)
        result = learner(oracle)
        queries += oracle.queries_used
        successes += result.recovers(truth)
        failures += result.failed
    summary.update({**rate_summary(queries, successes, runs, level), "cap_failures": failures})
    return emit(summary, args.json, _print)


def _print(summary: dict[str, Any]) -> None:
    low, high = summary["success_interval"]
    print(f"leader-trie LT({summary['vocab']}, {summary['horizon']}, {summary['lambda']}), "
          f"learner {summary['learner']} ({summary['access']}), "
          f"{summary['internal_nodes']} internal nodes")
    if "m" in summary:
        exact = (f"exact success = {summary['exact_success']:.6f}" if "exact_success" in summary
                 else f"exact success not computed (K m^2 > {EXACT_WORK} or K > {EXACT_VOCAB})")
        print(f"  S = {summary['S']}, m = {summary['m']}, S*m = {summary['S_times_m']}, "
              f"delta = {summary['delta']}, {exact}")
    print(f"  mean_queries = {summary['mean_queries']:.2f}")
    print(f"  success_rate = {summary['success_rate']:.4f}  "
          f"({summary['interval_level']:.0%} Clopper-Pearson [{low:.4f}, {high:.4f}], "
          f"{summary['runs']} runs, seed {summary['seed']})")
