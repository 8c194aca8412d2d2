"""Connected components of a pair graph: the union-find that dedupe benches, storylines and agreement share.

Example:
    >>> uf = UnionFind(["a", "b", "c", "d"])
    >>> uf.union("a", "b"); uf.union("c", "b")
    >>> uf.groups()
    [['a', 'b', 'c'], ['d']]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets over a fixed list of items, with path halving."""

    def __init__(self, items: Iterable[T]) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        """The root of x's set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> None:
        """Join the sets of a and b."""
        self.parent[self.find(a)] = self.find(b)

    def connected(self, a: T, b: T) -> bool:
        """True when a and b are in one set."""
        return self.find(a) == self.find(b)

    def groups(self) -> list[list[T]]:
        """Every set, its items in insertion order, sets ordered by their first item."""
        out: dict[T, list[T]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())
