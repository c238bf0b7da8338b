"""Lowering rules of the host-callback primitives (family ``callback``): a custom call
back into Python (``plax_xla.callbacks``); ``pure_callback_p`` has no side effect (XLA
may drop it when unused), ``debug_callback_p`` and ``io_callback_p`` have one."""

from __future__ import annotations

from plax_core.extend import LOWERING
from plax_core.prims.callback import debug_callback_p, io_callback_p, pure_callback_p

from ..callbacks import lower_callback


def _pure(ctx, *operands, callback, result_avals, vmap_method):
    return lower_callback(ctx, *operands, callback=callback, result_avals=result_avals,
                          side_effect=False)


def _effectful(ctx, *operands, callback, result_avals, ordered):
    return lower_callback(ctx, *operands, callback=callback, result_avals=result_avals,
                          side_effect=True)


RULES = {pure_callback_p: _pure, debug_callback_p: _effectful, io_callback_p: _effectful}


def register(registry) -> None:
    registry.rules(LOWERING).update(RULES)
