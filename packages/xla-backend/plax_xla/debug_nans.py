"""``jax_debug_nans`` / ``jax_debug_infs``: find the operation that made a NaN or an inf.

With either option on, every eager primitive's outputs are checked, and so are a
jit-compiled function's.  When a compiled program's output holds one, the program
cannot say which of its operations made it, so (as JAX does) the function is run
again without ``jit``, op by op: the first primitive whose output is invalid raises
``FloatingPointError`` naming the primitive and the user's source line (the innermost
frame outside plax).  If the op-by-op run finds nothing, the original error stands.
"""

from __future__ import annotations

import sys

import numpy as np

from plax_core.config import config


def _invalid(values: np.ndarray, kind: str) -> bool:
    return bool(np.isnan(values).any() if kind == "nan" else np.isinf(values).any())


def user_line() -> str | None:
    """``file:line (function)`` of the innermost frame outside plax's packages."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not (module.startswith("plax") or module in ("contextlib", "functools")):
            code = frame.f_code
            return f"{code.co_filename}:{frame.f_lineno} ({code.co_name})"
        frame = frame.f_back
    return None


def check(what, outs) -> None:
    """Raise FloatingPointError if an output of ``what`` (a primitive, or a text) holds
    a NaN (``debug_nans``) or an infinity (``debug_infs``)."""
    kinds = [k for k, opt in (("nan", "debug_nans"), ("inf", "debug_infs"))
             if config.read(opt)]
    for o in outs:
        if not (o.dtype.kind in "fc" or o.dtype.name == "bfloat16"):
            continue
        values = np.asarray(o, dtype=np.complex128 if o.dtype.kind == "c" else np.float64)
        for kind in kinds:
            if _invalid(values, kind):
                where = user_line()
                at = f" at {where}" if where and not isinstance(what, str) else ""
                raise FloatingPointError(
                    f"invalid value ({kind}) encountered in {what}{at} (config "
                    f"debug_{kind}s is on)")


def rerun_op_by_op(jitted, args, kwargs, error: FloatingPointError):
    """Run ``jitted``'s function without jit to find the primitive behind ``error``."""
    from plax_core.eval_control import disable_jit
    with disable_jit():
        jitted._fun(*args, **kwargs)
    raise FloatingPointError(
        f"{error} in jit({jitted._name}); the function run again without jit (op by op) "
        f"produced no invalid value, so the compiled program's fusion or precision made "
        f"it") from error
