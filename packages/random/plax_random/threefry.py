"""``threefry2x32_p``: the Threefry-2x32 block cipher as one primitive.

Written with core's ``lax`` the cipher is ~100 uint32 operations; staged as one
equation (as JAX stages it) an eager ``normal`` dispatches one program instead of a
hundred, a jaxpr stays readable, and plax-xla lowers the equation to a call of one
private ``func.func`` per operand type (``lowering.py``), so that a program drawing
many random arrays holds the cipher once.

Operands: the key words ``k0, k1`` and the counter words ``x0, x1``, uint32 arrays;
the counters share one shape, and each key word has that shape or is a scalar (as a
key is once per draw: a scalar key reaches the compiled cipher as a scalar instead of
a counter-sized array that XLA must carry through the loop); results: the two uint32
output words of the counters' shape.  The parameter ``rounds`` is 20 for
JAX's generator (13 and 32 are Random123's other published variants); a key
injection follows every fourth round.

Rules: the outputs are integers, so the JVP is zero; batching moves every batch axis
to the front (an elementwise primitive); there is no transpose.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import (
    BATCHING,
    JVP,
    TRANSPOSE,
    MissingRuleError,
    Primitive,
    ShapedArray,
    get_aval,
)

__all__ = ["ROTATIONS", "PARITY", "threefry2x32_p"]

U32 = np.dtype(np.uint32)
# Threefry-2x32: rotation constants R_{0..7} and the key-schedule parity (Skein's C240).
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)
PARITY = 0x1BD11BDA

threefry2x32_p = Primitive("threefry2x32", multiple_results=True, family="random")


def _abstract_eval(k0, k1, x0, x1, *, rounds):
    avals = (k0, k1, x0, x1)
    if (any(a.dtype != U32 for a in avals) or x0.shape != x1.shape
            or any(k.shape not in ((), x0.shape) for k in (k0, k1))):
        raise TypeError("threefry2x32 requires uint32 counters of one shape and uint32 "
                        "keys of that shape or scalars, got "
                        + ", ".join(f"{a.dtype.name}{list(a.shape)}" for a in avals))
    return [ShapedArray(x0.shape, U32), ShapedArray(x0.shape, U32)]


def _impl(k0, k1, x0, x1, *, rounds):
    """The NumPy reference: the same schedule on 1-d copies (uint32 arrays wrap)."""
    shape = np.shape(x0)
    k0, k1, x0, x1 = (np.array(a, U32).reshape(-1) for a in (k0, k1, x0, x1))
    ks = (k0, k1, k0 ^ k1 ^ np.uint32(PARITY))
    x0 = x0 + ks[0]
    x1 = x1 + ks[1]
    for r in range(rounds):
        rot = ROTATIONS[r % 8]
        x0 = x0 + x1
        x1 = (x1 << np.uint32(rot)) | (x1 >> np.uint32(32 - rot))
        x1 = x0 ^ x1
        if (r + 1) % 4 == 0:
            i = (r + 1) // 4
            x0 = x0 + ks[i % 3]
            x1 = x1 + ks[(i + 1) % 3] + np.uint32(i)
    return [x0.reshape(shape), x1.reshape(shape)]


threefry2x32_p.def_abstract_eval(_abstract_eval)
threefry2x32_p.def_impl(_impl)


def _jvp(primals, tangents, *, rounds):
    """Integer outputs: their tangents are zero (the counter words' zero tangents)."""
    return threefry2x32_p.bind(*primals, rounds=rounds), list(tangents[2:])


def _batch(args, dims, *, rounds):
    """Every batch axis to the front; unbatched operands broadcast along it, except
    unbatched scalar keys, which stay scalars.  Batched scalar keys broadcast to the
    counters' batched shape."""
    size = next(get_aval(x).shape[d] for x, d in zip(args, dims) if d is not None)
    xdim, xval = dims[2], args[2]
    per = list(get_aval(xval).shape)
    if xdim is not None:
        del per[xdim]
    full = (size, *per)
    moved = []
    for i, (x, d) in enumerate(zip(args, dims)):
        shape = get_aval(x).shape
        if d is None:
            if not (i < 2 and shape == ()):
                x = lax.broadcast_in_dim(x, full, tuple(range(1, len(shape) + 1)))
        else:
            if d != 0:
                x = lax.transpose(x, (d,) + tuple(j for j in range(len(shape)) if j != d))
            if len(shape) < len(full):        # a batched scalar key: (size,) -> full
                x = lax.broadcast_in_dim(x, full, (0,))
        moved.append(x)
    return threefry2x32_p.bind(*moved, rounds=rounds), [0, 0]


def _transpose(cts, *args, rounds):
    raise MissingRuleError(TRANSPOSE, threefry2x32_p,
                           "the cipher is not linear in any operand, so it has no transpose")


# (the transpose entry is a refusal: it tells autodiff's coverage check the cipher is
# nonlinear on purpose)
RULES = {JVP: {threefry2x32_p: _jvp}, TRANSPOSE: {threefry2x32_p: _transpose},
         BATCHING: {threefry2x32_p: _batch}}
