"""plax-batching's rules, one module per primitive family of core (``plax_core.extend``).

A rule is ``rule(args, dims, **params) -> (out, out_dim)``: ``args`` are batched values,
``dims`` their batch axes (an int, or None for an unbatched operand; at least one is
an int).  Rules move batch axes as little as possible.  Each family module
(``elementwise``, ``structural``, ``reductions``, ...) defines ``register(registry)``,
which fills the ``batching`` table keyed by the primitive objects it imports from
``plax_core.lax``: the rule of ``dot_general_p`` is in ``reductions.py`` because core
files ``dot_general`` under ``reductions``, as every package does.  ``_helpers`` holds
the rule builders several families share; ``higher_order`` the generic rule for every
``HigherOrderPrimitive``.
"""

from ._helpers import (
    broadcasting_rule,
    leading_batch_rule,
    per_example_rule,
    reducer_rule,
    unbatched_rule,
)

__all__ = ["broadcasting_rule", "leading_batch_rule", "per_example_rule", "reducer_rule",
           "unbatched_rule"]
