"""A prefix trie of key/value states: compute only the tokens no cached prefix covers.

Each trie node is one input position of the model (the prompt's tokens from the root, by
default the BOS token alone, then the tokens of a prefix) and holds that position's
per-layer key/value states and the logits the model emits there (the next-token logits
after the prefix). A lookup of a token sequence
walks down the trie as far as it is cached, runs the model on the remaining tokens only,
with the cached states as its past, and stores one node per newly computed position. This
is the prefix sharing of vLLM's automatic prefix caching and SGLang's RadixAttention, with a
trie of single tokens instead of blocks or radix edges (the prefixes here are short and
branch at every token).

Cost model (what `forward_tokens` counts): a lookup of `s` whose longest cached prefix has
length `j` costs `len(s) - j` forward tokens. In particular a query at a prefix whose node is
cached costs 0, and one whose parent is cached costs 1. The prompt's positions are shared
by every looked-up sequence, so they are computed once.

Memory bound: at most `capacity` nodes are kept. After each lookup the least recently used
leaves are evicted until the bound holds (only leaves: a node's states are the past of every
node below it, so the cached set stays closed under taking prefixes). `capacity = 0` keeps
nothing: every lookup recomputes its whole sequence (the no-reuse baseline). Any
`capacity >= len(prompt)` keeps the prompt for good: a node on it is a leaf only once
everything below it is gone, and then at most the prompt is cached.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from genaccess.spec.errors import InvalidDefinition

ForwardFn = Callable[[Sequence[int], "KVStates | None"], tuple[Any, "KVStates"]]
"""`forward(tokens, past) -> (logits [len(tokens), V], states)`: the model run on `tokens`
after the positions whose per-layer states are `past` (`None`: from the start). `states`
holds, per layer, (keys, values) of the new positions only, shaped `[1, heads, n, dim]`."""

KVStates = tuple[tuple[Any, Any], ...]


@attrs.define(eq=False)
class _Node:
    token: int
    parent: _Node | None
    kv: KVStates
    logits: Any
    last_used: int
    children: dict[int, _Node] = attrs.field(factory=dict)
    derived: object = None


def _check_capacity(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidDefinition("capacity", "must be an integer >= 0 (cached positions)", value)


@attrs.define(eq=False)
class PrefixTrieCache:
    """Prefix-trie cache over `forward`, keeping at most `capacity` positions (LRU leaves
    are evicted first).

    `concat` joins a list of per-position states into one past (per layer, along the
    sequence axis); it is given by the adapter so this module needs no tensor library.
    """

    forward: ForwardFn
    concat: Callable[[list[KVStates]], KVStates]
    capacity: int = attrs.field(validator=_check_capacity)
    forward_tokens: int = attrs.field(default=0, init=False)
    """Positions computed by the model so far (the cost the cache saves)."""
    evictions: int = attrs.field(default=0, init=False)
    _roots: dict[int, _Node] = attrs.field(factory=dict, init=False)
    _size: int = attrs.field(default=0, init=False)
    _clock: Any = attrs.field(factory=itertools.count, init=False)
    _leaves: list[tuple[int, int, _Node]] = attrs.field(factory=list, init=False)
    _serial: Any = attrs.field(factory=itertools.count, init=False)
    _last: tuple[Sequence[int], _Node] | None = attrs.field(default=None, init=False)
    """The last lookup and its node: learners query one prefix many times in a row."""

    @property
    def size(self) -> int:
        """Positions currently cached (never above `capacity` between lookups)."""
        return self._size

    def cached_depth(self, tokens: Sequence[int]) -> int:
        """Length of the longest cached prefix of `tokens` (does not count as a use)."""
        return len(self._cached_path(tokens))

    def _cached_path(self, tokens: Sequence[int]) -> list[_Node]:
        """The cached nodes along `tokens`, from the root, as far as the trie holds them."""
        path: list[_Node] = []
        node = self._roots.get(tokens[0]) if tokens else None
        while node is not None:
            path.append(node)
            if len(path) == len(tokens):
                break
            node = node.children.get(tokens[len(path)])
        return path

    def logits(self, tokens: Sequence[int]) -> Any:
        """The model's logits at the last position of `tokens` (a non-empty sequence)."""
        return self._lookup(tokens).logits

    def derive(self, tokens: Sequence[int], fn: Callable[[Any], object]) -> object:
        """`fn(logits(tokens))`, memoised on the node for as long as it stays cached.

        One cache serves one consumer (`fn` must be the same function on every call)."""
        node = self._lookup(tokens)
        if node.derived is None:
            node.derived = fn(node.logits)
        return node.derived

    def _lookup(self, tokens: Sequence[int]) -> _Node:
        if not tokens:
            raise InvalidDefinition("tokens", "must hold at least one token (the prompt)", tokens)
        now = next(self._clock)
        # Only the node looked up is stamped (see `_evict`: LRU-of-leaves needs no more), so
        # a hit costs the walk down the trie, and a repeat of the last lookup not even that.
        last = self._last
        if last is not None and last[0] == tokens and self._holds(last[1]):
            last[1].last_used = now
            return last[1]
        path = self._cached_path(tokens)
        if len(path) == len(tokens):
            deepest = path[-1]
            deepest.last_used = now
            self._last = (tuple(tokens), deepest)
            return deepest
        start = len(path)
        past = self.concat([n.kv for n in path]) if path else None
        logits, states = self.forward(tokens[start:], past)
        self.forward_tokens += len(tokens) - start
        parent = path[-1] if path else None
        for i, token in enumerate(tokens[start:]):
            kv = tuple((k[:, :, i:i + 1, :].clone(), v[:, :, i:i + 1, :].clone())
                       for k, v in states)
            child = _Node(token, parent, kv, logits[i].clone(), now)
            if parent is None:
                self._roots[token] = child
            else:
                parent.children[token] = child
            self._size += 1
            parent = child
        assert parent is not None
        self._push_leaf(parent)
        # Hold the answer before evicting: with a small capacity it may be evicted itself.
        answer = parent
        self._last = (tuple(tokens), answer)
        self._evict()
        return answer

    def _push_leaf(self, node: _Node) -> None:
        heapq.heappush(self._leaves, (node.last_used, next(self._serial), node))

    def _evict(self) -> None:
        while self._size > self.capacity and self._leaves:
            last_used, _, node = heapq.heappop(self._leaves)
            # Lazy deletion: skip entries of nodes that gained children (they are pushed
            # again when they lose them) or are gone; requeue a leaf used since its push.
            if node.children or not self._holds(node):
                continue
            if node.last_used != last_used:
                self._push_leaf(node)
                continue
            del self._siblings(node)[node.token]
            self._size -= 1
            self.evictions += 1
            parent = node.parent
            if parent is not None:
                # Keep each stamp the latest use of the node's subtree, as eager stamping
                # would (the order of evictions does not depend on it: a parent becomes a
                # leaf just after its most recently used child leaves, so it is the oldest).
                parent.last_used = max(parent.last_used, node.last_used)
                if not parent.children:
                    self._push_leaf(parent)

    def _siblings(self, node: _Node) -> dict[int, _Node]:
        return self._roots if node.parent is None else node.parent.children

    def _holds(self, node: _Node) -> bool:
        return self._siblings(node).get(node.token) is node
