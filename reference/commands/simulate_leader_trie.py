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
import json
import random
from collections.abc import Callable
from typing import Any

from genaccess.spec.access import access_model
from genaccess.spec.leader_trie import (
    LeaderTrie,
    bfs_success_probability,
    compute_samples_per_node,
    compute_theta,
    internal_nodes,
    leader_trie_generator,
    trie_nodes,
)
from genaccess.spec.numbers import to_fraction
from genaccess.spec.oracle import Oracle
from genaccess.spec.stats import clopper_pearson

FAMILY = "leader-trie"
LEARNERS = ("bfs", "logits", "top1")
ACCESS = {"bfs": "local-reset/sample", "logits": "local-reset/full", "top1": "local-reset/top1"}


def register_family(families: Any) -> None:
    """Add `leader-trie` to the `simulate` command's family sub-parsers."""
    parser = families.add_parser(FAMILY, help="leader-trie family LT(K, H, lambda) (LT2, LT3)",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learner", choices=LEARNERS, default="bfs",
                        help="which learner to run (default bfs)")
    parser.add_argument("--vocab", type=int, required=True, metavar="K", help="vocabulary size")
    parser.add_argument("--horizon", type=int, required=True, metavar="H", help="horizon")
    parser.add_argument("--lambda", dest="lam", required=True, metavar="L",
                        help="leader probability, in (1/K, 1/2], e.g. 1/2 or 0.4")
    parser.add_argument("--responses", required=True, metavar="Y",
                        help='the responses, tokens separated by "," and responses by ";", '
                             'e.g. "0,0,0;1,0,0"')
    parser.add_argument("--delta", default="1/10", metavar="D",
                        help="bfs: target failure probability, in (0, 1) (default 1/10)")
    parser.add_argument("--cap", type=int, default=None, metavar="S",
                        help="bfs: cap on processed prefixes (default |internal nodes|)")
    parser.add_argument("--samples", type=int, default=None, metavar="M",
                        help="bfs: samples per node (default LT2's m)")
    parser.add_argument("--runs", type=int, default=100, metavar="N",
                        help="independent runs (default 100)")
    parser.add_argument("--seed", type=int, default=0, metavar="SEED", help="random seed")
    parser.add_argument("--level", default="0.95", metavar="C",
                        help="confidence level of the Clopper-Pearson interval (default 0.95)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(run=run)


def parse_responses(text: str, field: str = "--responses") -> list[tuple[int, ...]]:
    """`"0,0,0;1,0,0"` as `[(0, 0, 0), (1, 0, 0)]`; malformed text is a `UsageError`."""
    from genaccess.reference.cli import UsageError

    pieces = [p.strip() for p in text.split(";")]
    if not text.strip() or any(not p for p in pieces):
        raise UsageError(f'{field}: expected responses like "0,0,0;1,0,0" (tokens separated '
                         f'by ",", responses by ";"), got {text!r}')
    responses = []
    for piece in pieces:
        tokens = [t.strip() for t in piece.split(",")]
        if any(not t.lstrip("-").isdigit() for t in tokens):
            raise UsageError(f"{field}: tokens must be integers, got {piece!r} in {text!r}")
        responses.append(tuple(int(t) for t in tokens))
    return responses


def _positive(value: int | None, option: str) -> None:
    from genaccess.reference.cli import UsageError

    if value is not None and value < 1:
        raise UsageError(f"{option}: must be an integer >= 1, got {value}")


def run(args: argparse.Namespace) -> int:
    from genaccess.reference.cli import UsageError

    trie = LeaderTrie(args.vocab, args.horizon, to_fraction(args.lam, "--lambda"),
                      parse_responses(args.responses))
    for value, option in ((args.runs, "--runs"), (args.cap, "--cap"),
                          (args.samples, "--samples")):
        _positive(value, option)
    level = to_fraction(args.level, "--level")
    if not 0 < level < 1:
        raise UsageError(f"--level: must lie in (0, 1), got {args.level}")
    delta = to_fraction(args.delta, "--delta")
    K, lam = trie.vocab_size, trie.lam
    theta = compute_theta(K, lam)
    size = len(internal_nodes(trie))
    cap = args.cap if args.cap is not None else size
    summary: dict[str, Any] = {
        "family": FAMILY, "learner": args.learner, "access": ACCESS[args.learner],
        "vocab": K, "horizon": trie.horizon, "lambda": str(lam),
        "responses": [list(y) for y in trie.responses], "internal_nodes": size,
        "theta": str(theta), "runs": args.runs, "seed": args.seed,
    }
    learner: Callable[[Oracle], Any]
    if args.learner == "bfs":
        from genaccess.reference.bfs_trie import bfs_trie

        m = args.samples if args.samples is not None else compute_samples_per_node(
            K, lam, cap, delta)
        summary.update({"delta": str(delta), "S": cap, "m": m, "S_times_m": cap * m,
                        "exact_success": float(bfs_success_probability(trie, m, cap))})

        def learner(oracle: Oracle) -> Any:
            return bfs_trie(oracle, theta=theta, samples=m, cap=cap)
    elif args.learner == "logits":
        from genaccess.reference.trie_logits_learner import logits_trie

        summary["exact_success"] = 1.0

        def learner(oracle: Oracle) -> Any:
            return logits_trie(oracle, theta=theta)
    else:
        from genaccess.reference.trie_top1_learner import top1_trie

        learner = top1_trie
    generator = leader_trie_generator(trie)
    access = access_model(ACCESS[args.learner])
    rng = random.Random(args.seed)
    truth = trie_nodes(trie)
    queries = successes = failures = 0
    for _ in range(args.runs):
        oracle = Oracle(generator, access, rng=rng)
        result = learner(oracle)
        queries += oracle.queries_used
        successes += result.recovers(truth)
        failures += result.failed
    low, high = clopper_pearson(successes, args.runs, 1 - level)
    summary.update({
        "mean_queries": queries / args.runs,
        "success_rate": successes / args.runs,
        "success_interval": [float(low), float(high)],
        "interval_level": float(level),
        "cap_failures": failures,
    })
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print(summary)
    return 0


def _print(summary: dict[str, Any]) -> None:
    low, high = summary["success_interval"]
    print(f"leader-trie LT({summary['vocab']}, {summary['horizon']}, {summary['lambda']}), "
          f"learner {summary['learner']} ({summary['access']}), "
          f"{summary['internal_nodes']} internal nodes")
    if "m" in summary:
        print(f"  S = {summary['S']}, m = {summary['m']}, S*m = {summary['S_times_m']}, "
              f"delta = {summary['delta']}, exact success = {summary['exact_success']:.6f}")
    print(f"  mean_queries = {summary['mean_queries']:.2f}")
    print(f"  success_rate = {summary['success_rate']:.4f}  "
          f"({summary['interval_level']:.0%} Clopper-Pearson [{low:.4f}, {high:.4f}], "
          f"{summary['runs']} runs, seed {summary['seed']})")
