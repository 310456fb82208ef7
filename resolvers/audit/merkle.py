"""A Merkle tree head over the audit trail, as RFC 6962 (Certificate Transparency) defines it.

Leaves are hashed as SHA-256(0x00 || leaf) and interior nodes as SHA-256(0x01 || left || right); a tree of
n leaves splits at the largest power of two below n; the empty tree's head is SHA-256 of nothing. The tree
is built as the leaves stream by (one range of the trail at a time), keeping one root per complete subtree
(at most log2 n of them), which gives the same head as the recursive definition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


@dataclass(frozen=True, slots=True)
class TreeHead:
    size: int
    root: str
    """Hex SHA-256."""


class MerkleTree:
    """Append leaves in order; `head()` at any point is the RFC 6962 head of the leaves so far."""

    def __init__(self) -> None:
        self.size = 0
        self._subtrees: list[tuple[int, bytes]] = []  # (leaf count, root), counts strictly decreasing

    def append(self, leaf: bytes) -> None:
        count, digest = 1, leaf_hash(leaf)
        while self._subtrees and self._subtrees[-1][0] == count:
            left_count, left = self._subtrees.pop()
            count, digest = left_count + count, node_hash(left, digest)
        self._subtrees.append((count, digest))
        self.size += 1

    def head(self) -> TreeHead:
        if not self._subtrees:
            return TreeHead(0, hashlib.sha256(b"").hexdigest())
        digest = self._subtrees[-1][1]
        for _, left in reversed(self._subtrees[:-1]):
            digest = node_hash(left, digest)
        return TreeHead(self.size, digest.hex())


def tree_head(leaves: list[bytes]) -> TreeHead:
    """The head by RFC 6962's recursive definition (the reference `MerkleTree` is checked against)."""

    def root(items: list[bytes]) -> bytes:
        if len(items) == 1:
            return leaf_hash(items[0])
        split = 1
        while split * 2 < len(items):
            split *= 2
        return node_hash(root(items[:split]), root(items[split:]))

    if not leaves:
        return TreeHead(0, hashlib.sha256(b"").hexdigest())
    return TreeHead(len(leaves), root(leaves).hex())
