"""Batching rules for the linear-algebra primitives (family ``linalg``).

Their leading dimensions are batch dimensions already, so each rule moves the vmapped
axis to the front (broadcasting an unbatched ``a`` or ``b`` of ``triangular_solve``
along it) and binds the primitive unchanged; every output is batched at axis 0.
"""

from __future__ import annotations

from plax_core.extend import BATCHING
from plax_core.lax import cholesky_p, eig_p, eigh_p, lu_p, qr_p, svd_p, triangular_solve_p

from ._helpers import leading_batch_rule

PRIMITIVES = (cholesky_p, triangular_solve_p, lu_p, qr_p, eigh_p, svd_p, eig_p)


def register(registry) -> None:
    """Fill the ``batching`` table for the linear-algebra primitives."""
    table = registry.rules(BATCHING)
    for prim in PRIMITIVES:
        table[prim] = leading_batch_rule(prim)


__all__ = ["PRIMITIVES", "register"]
