"""Autodiff support every package may use: ``stop_gradient``.

``stop_gradient_p`` is the identity on values whose derivative is zero.  It lives in
core (not in plax-autodiff) so that ``plax.lax.stop_gradient`` and library code such
as ``logsumexp`` work without autodiff installed, and so that every transformation
(autodiff, batching, backends) can register a rule for it.
"""

from __future__ import annotations

import numpy as np

from . import dtypes, tree_util
from .core import Primitive, get_aval

__all__ = ["stop_gradient", "stop_gradient_p"]

stop_gradient_p = Primitive("stop_gradient", family="elementwise")
stop_gradient_p.def_abstract_eval(lambda x: x)
stop_gradient_p.def_impl(lambda x: np.array(x, copy=True))


def stop_gradient(x):
    """``x`` (any pytree) unchanged, but treated as a constant by differentiation.

    Only floating and complex leaves are wrapped; integer and boolean values have no
    derivative anyway.
    """
    def stop(leaf):
        if dtypes.is_inexact(get_aval(leaf).dtype):
            return stop_gradient_p.bind(leaf)
        return leaf
    return tree_util.tree_map(stop, x)


def all_primitives() -> list[Primitive]:
    """The primitives this module defines (for core's built-in plugin)."""
    return [stop_gradient_p]
