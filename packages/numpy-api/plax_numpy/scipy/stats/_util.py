"""What every distribution module shares: argument promotion and the standardized variable."""

from __future__ import annotations

import numpy as np

import plax_numpy as jnp
from plax_core import ops


def args(name, *values):
    """Promote to one inexact dtype (integers to the default float) and one shape."""
    promoted = ops.promote_args_inexact(name, *values)
    for v in promoted:
        if ops.dtype_kind(v) == "c":
            raise TypeError(f"{name} does not accept complex arguments; got dtype "
                            f"{np.dtype(v.dtype).name}.")
    return [jnp.asarray(v) for v in jnp.broadcast_arrays(*promoted)]


def standardize(name, x, loc, scale, *params):
    """``(x - loc) / scale``, the shape parameters and ``log(scale)``, all promoted."""
    x, loc, scale, *params = args(name, x, loc, scale, *params)
    return (x - loc) / scale, params, jnp.log(scale)


def log_diff_exp(a, b):
    """log(exp(a) - exp(b)) for a >= b, stable."""
    return a + jnp.log1p(-jnp.exp(b - a))


def dtypes_only(name, *values):
    """Promote to one inexact dtype, keeping each shape (for vector-valued arguments)."""
    values = [ops.operand(v, name, i) for i, v in enumerate(values)]
    return [jnp.asarray(v) for v in ops.promote_dtypes_inexact(*values)]
