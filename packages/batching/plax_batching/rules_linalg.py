"""Batching rules for the linear-algebra primitives and ``fft``.

Their leading dimensions are batch dimensions already, so each rule moves the vmapped
axis to the front (broadcasting an unbatched ``a`` or ``b`` of ``triangular_solve``
along it) and binds the primitive unchanged; every output is batched at axis 0.
"""

from __future__ import annotations

from .batching import axis_size_of, bdim_at_front

PRIMITIVES = ("cholesky", "triangular_solve", "lu", "qr", "eigh", "svd", "eig", "fft")


def leading_batch_rule(prim):
    """Move every operand's batch axis to 0 (broadcasting unbatched ones), bind."""

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        args = [bdim_at_front(x, d, size) for x, d in zip(args, dims)]
        out = prim.bind(*args, **params)
        if prim.multiple_results:
            return out, [0] * len(out)
        return out, 0

    return rule


def register_linalg_rules(table, primitives: dict) -> None:
    """Fill ``table`` for the primitives of ``PRIMITIVES`` present in ``primitives``."""
    for name in PRIMITIVES:
        if name in primitives:
            table[primitives[name]] = leading_batch_rule(primitives[name])


__all__ = ["PRIMITIVES", "leading_batch_rule", "register_linalg_rules"]
