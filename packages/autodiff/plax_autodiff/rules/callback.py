"""JVP rules of the host-callback primitives (family ``callback``), as JAX's.

``debug_callback_p`` sees the primal values (``debug.print`` under ``grad`` prints
the point, once, in the forward pass) and has no tangent.  ``pure_callback_p`` and
``io_callback_p`` have no derivative: JAX's ValueError, pointing to ``custom_jvp``.
None is linear, so none needs a transpose rule.
"""

from __future__ import annotations

from plax_core.extend import JVP
from plax_core.prims.callback import debug_callback_p, io_callback_p, pure_callback_p


def _debug_callback_jvp(primals, tangents, **params):
    debug_callback_p.bind(*primals, **params)
    return [], []


def _pure_callback_jvp(primals, tangents, **params):
    raise ValueError("Pure callbacks do not support JVP. Please use `jax.custom_jvp` to "
                     "use callbacks while taking gradients.")


def _io_callback_jvp(primals, tangents, **params):
    raise ValueError("IO callbacks do not support JVP.")


NONLINEAR = (debug_callback_p, io_callback_p, pure_callback_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` table for the callback primitives."""
    registry.rules(JVP).update({debug_callback_p: _debug_callback_jvp,
                                pure_callback_p: _pure_callback_jvp,
                                io_callback_p: _io_callback_jvp})
