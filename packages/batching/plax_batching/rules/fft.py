"""The batching rule of ``fft`` (family ``fft``): its leading dimensions are batch
dimensions already, so the vmapped axis moves to the front and ``fft`` is bound
unchanged."""

from __future__ import annotations

from plax_core.extend import BATCHING
from plax_core.lax import fft_p

from ._helpers import leading_batch_rule


def register(registry) -> None:
    """Fill the ``batching`` table for ``fft``."""
    registry.rules(BATCHING)[fft_p] = leading_batch_rule(fft_p)


__all__ = ["register"]
