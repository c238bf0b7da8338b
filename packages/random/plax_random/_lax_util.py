"""The few array algorithms the samplers need beyond core's primitive set.

JAX's samplers use ``sort_key_val``, ``top_k``, ``take``, ``cumsum``,
``while_loop``, ``cholesky`` and ``qr``.  Core does not have those primitives yet
(issues #6 and #9 add them).  Each helper here uses core's version when ``plax.lax``
has it, and otherwise a composition of existing primitives that gives the same values:

- sorting and ``top_k`` by comparison counting for short axes, and by a bitonic
  sorting network (O(n log^2 n), ties broken by position, so it is stable) for long
  ones.  Both are exact.  ``take`` and ``searchsorted`` use one-hot comparisons
  (O(len(indices) * n) memory), and ``cumsum`` uses a log-depth scan.
- ``while_loop`` as a Python loop over concrete values. It is exact eagerly, but it
  cannot run under ``jit``/``vmap`` until core has the ``while`` primitive. The error
  then says so.
- ``cholesky`` and the Q factor of ``qr`` by column recurrences. They are equal to
  LAPACK's results up to rounding, because both factors are unique once the signs are
  fixed.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax, ops
from plax_core.core import ConcretizationTypeError, get_aval

_I32 = np.dtype(np.int32)


def shape(x) -> tuple:
    return get_aval(x).shape


def dtype(x) -> np.dtype:
    return get_aval(x).dtype


def where(c, x, y):
    """NumPy's three-argument ``where`` (same dtypes for x and y, or Python scalars)."""
    c = ops.operand(c)
    x, y = ops.promote_args("where", x, y)
    out = ops.broadcast_shapes(shape(c), shape(x), shape(y))
    return lax.select(ops.broadcast_to(c, out), ops.broadcast_to(x, out),
                      ops.broadcast_to(y, out))


_PY_SCALARS = (bool, int, float, complex)


def bcast(fn, *args):
    """``fn`` (a lax function) applied after NumPy-style broadcasting of its arguments.

    Python scalars and 0-d arrays are left to lax (which gives a Python scalar the
    other operand's dtype, weakly typed, and broadcasts 0-d operands).
    """
    arrs = [a if type(a) in _PY_SCALARS else ops.operand(a) for a in args]
    shapes = [shape(a) for a in arrs if type(a) not in _PY_SCALARS]
    out = ops.broadcast_shapes(*shapes, fname=getattr(fn, "__name__", "lax"))
    return fn(*[a if type(a) in _PY_SCALARS or shape(a) in (out, ()) else
                ops.broadcast_to(a, out) for a in arrs])


def full_like(x, value, dt=None):
    return lax.full(shape(x), value, dtype(x) if dt is None else dt)


# ---------------------------------------------------------------- one-hot gathers

def _select_reduce(mask, values, axis: int):
    """Along ``axis``, the one entry of ``values`` where ``mask`` is set (exact bits)."""
    dt = dtype(values)
    if dt == np.bool_:
        return lax.reduce_or(lax.bitwise_and(mask, values), (axis,))
    if dt.kind == "c":
        re = _select_reduce(mask, lax.real(values), axis)
        im = _select_reduce(mask, lax.imag(values), axis)
        return lax.complex(re, im)
    udt = np.dtype(f"uint{dt.itemsize * 8}")
    bits = values if dt == udt else lax.bitcast_convert_type(values, udt)
    picked = lax.reduce_or(lax.select(mask, bits, lax.full(shape(bits), 0, udt)), (axis,))
    return picked if dt == udt else lax.bitcast_convert_type(picked, dt)


def _stable_ranks(keys, descending: bool = False):
    """For keys ``(..., n)``: each element's position in a stable sort along the last axis."""
    n = shape(keys)[-1]
    nd = len(shape(keys))
    full = shape(keys)[:-1] + (n, n)            # (..., i, j)
    ki = lax.broadcast_in_dim(keys, full, tuple(range(nd - 1)) + (nd - 1,))
    kj = lax.broadcast_in_dim(keys, full, tuple(range(nd - 1)) + (nd,))
    before = lax.gt(kj, ki) if descending else lax.lt(kj, ki)
    j_lt_i = lax.lt(lax.broadcasted_iota(_I32, full, nd), lax.broadcasted_iota(_I32, full, nd - 1))
    counted = lax.bitwise_or(before, lax.bitwise_and(lax.eq(kj, ki), j_lt_i))
    return lax.reduce_sum(lax.convert_element_type(counted, _I32), (nd,))


def _permute_last(values, ranks):
    """``out[..., r] = values[..., i]`` where ``ranks[..., i] == r``."""
    n = shape(values)[-1]
    nd = len(shape(values))
    full = shape(values)[:-1] + (n, n)           # (..., r, i)
    r = lax.broadcasted_iota(_I32, full, nd - 1)
    ri = lax.broadcast_in_dim(ranks, full, tuple(range(nd - 1)) + (nd,))
    vi = lax.broadcast_in_dim(values, full, tuple(range(nd - 1)) + (nd,))
    return _select_reduce(lax.eq(ri, r), vi, nd)


_RANK_LIMIT = 2 ** 22      # batch * n * n elements: above it, the O(n log^2 n) network


def _sorting_network(operands, less):
    """Sort ``operands`` (same shape ``(..., n)``) along the last axis by ``less``.

    A bitonic network: ``log2(N) * (log2(N) + 1) / 2`` compare-exchange stages over the
    length padded to a power of two ``N``.  The last operand must be the positions
    ``0..n-1`` (int32); ``less`` is a strict total order on whole elements (break ties
    by position), which makes the result the unique stable order.  Padding sorts last.
    """
    n = shape(operands[0])[-1]
    big = 1 << max(n - 1, 0).bit_length()
    nd = len(shape(operands[0]))
    batch = shape(operands[0])[:-1]
    if big != n:
        operands = [lax.pad(x, lax.full((), 0, dtype(x)), [(0, 0, 0)] * (nd - 1)
                            + [(0, big - n, 0)]) for x in operands[:-1]] + \
                   [lax.iota(_I32, big) if not batch else
                    lax.broadcasted_iota(_I32, batch + (big,), nd - 1)]

    def full_less(a, b):
        ia, ib = a[-1], b[-1]
        pad = lax.bitwise_or(lax.ge(ia, lax.full(shape(ia), n, _I32)),
                             lax.ge(ib, lax.full(shape(ib), n, _I32)))
        return lax.select(pad, lax.lt(ia, ib), less(a, b))

    k = 2
    while k <= big:
        j = k // 2
        while j >= 1:
            blocks = big // (2 * j)
            split = batch + (blocks, 2, j)
            halves = [lax.reshape(x, split) for x in operands]
            a = [lax.index_in_dim(x, 0, nd, keepdims=False) for x in halves]
            b = [lax.index_in_dim(x, 1, nd, keepdims=False) for x in halves]
            asc = (np.arange(blocks) * 2 * j) & k == 0          # static, per block
            asc = lax.broadcast_in_dim(np.asarray(asc), batch + (blocks, j), (nd - 1,))
            swap = lax.select(asc, full_less(b, a), full_less(a, b))
            operands = [lax.reshape(lax.concatenate(
                [lax.expand_dims(lax.select(swap, y, x), (nd,)),
                 lax.expand_dims(lax.select(swap, x, y), (nd,))], nd), batch + (big,))
                for x, y in zip(a, b)]
            j //= 2
        k *= 2
    if big != n:
        operands = [lax.slice_in_dim(x, 0, n, axis=nd - 1) for x in operands]
    return operands


def _positions(x):
    nd = len(shape(x))
    return lax.broadcasted_iota(_I32, shape(x), nd - 1)


def _ascending(a, b):
    return lax.bitwise_or(lax.lt(a[0], b[0]),
                          lax.bitwise_and(lax.eq(a[0], b[0]), lax.lt(a[-1], b[-1])))


def _descending(a, b):
    return lax.bitwise_or(lax.gt(a[0], b[0]),
                          lax.bitwise_and(lax.eq(a[0], b[0]), lax.lt(a[-1], b[-1])))


def sort_key_val(keys, values, axis: int = -1):
    """``values`` reordered by a stable ascending sort of ``keys`` along ``axis``.

    ``keys`` may have fewer dimensions than ``values`` when it is 1-D: the same keys
    then order every slice along ``axis`` (a permutation of whole rows).
    """
    nd = len(shape(values))
    axis = axis % nd
    if len(shape(keys)) != nd:
        keys = lax.broadcast_in_dim(keys, shape(values), (axis,))
    if hasattr(lax, "sort_key_val"):
        return lax.sort_key_val(keys, values, axis)[1]
    keys, values = ops.moveaxis(keys, axis, -1), ops.moveaxis(values, axis, -1)
    n = shape(keys)[-1]
    if n * n * max(1, int(np.prod(shape(keys)[:-1]))) <= _RANK_LIMIT:
        out = _permute_last(values, _stable_ranks(keys))
    else:
        out = _sorting_network([keys, values, _positions(keys)], _ascending)[1]
    return ops.moveaxis(out, -1, axis)


def top_k_indices(x, k: int):
    """The indices of the ``k`` largest entries along the last axis, largest first
    (ties: lower index first), as int32 (JAX's ``lax.top_k(x, k)[1]``)."""
    if hasattr(lax, "top_k"):
        return lax.top_k(x, k)[1]
    n = shape(x)[-1]
    nd = len(shape(x))
    if n * n * max(1, int(np.prod(shape(x)[:-1]))) > _RANK_LIMIT:
        idx = _sorting_network([x, _positions(x)], _descending)[-1]
        return lax.slice_in_dim(idx, 0, k, axis=nd - 1)
    ranks = _stable_ranks(x, descending=True)
    full = shape(x)[:-1] + (k, n)                # (..., r, i)
    r = lax.broadcasted_iota(_I32, full, nd - 1)
    ri = lax.broadcast_in_dim(ranks, full, tuple(range(nd - 1)) + (nd,))
    i = lax.broadcasted_iota(_I32, full, nd)
    return _select_reduce(lax.eq(ri, r), i, nd)


def take(arr, ind, axis: int = 0):
    """``jnp.take(arr, ind, axis)`` for in-range integer indices."""
    take_fn = getattr(ops, "take", None)
    if take_fn is not None:
        return take_fn(arr, ind, axis)
    arr, ind = ops.operand(arr), ops.operand(ind)
    n = shape(arr)[axis]
    a = ops.moveaxis(arr, axis, -1)              # (P..., n)
    p, i = shape(a)[:-1], shape(ind)
    full = p + i + (n,)
    np_, ni = len(p), len(i)
    av = lax.broadcast_in_dim(a, full, tuple(range(np_)) + (len(full) - 1,))
    iv = lax.broadcast_in_dim(lax.convert_element_type(ind, _I32), full,
                              tuple(range(np_, np_ + ni)))
    mask = lax.eq(iv, lax.broadcasted_iota(_I32, full, len(full) - 1))
    out = _select_reduce(mask, av, len(full) - 1)          # (P..., I...)
    # move the index dims to where ``axis`` was
    perm = list(range(axis)) + list(range(np_, np_ + ni)) + list(range(axis, np_))
    return lax.transpose(out, tuple(perm)) if perm != list(range(len(perm))) else out


def cumsum(x):
    """Cumulative sum of a 1-D array (a log-depth scan when core has no cumsum)."""
    if hasattr(lax, "cumsum"):
        return lax.cumsum(x, 0)
    n = shape(x)[0]
    zero = lax.full((), 0, dtype(x))
    step = 1
    while step < n:
        shifted = lax.pad(lax.slice_in_dim(x, 0, n - step), zero, [(step, 0, 0)])
        x = lax.add(x, shifted)
        step *= 2
    return x


def searchsorted_left(sorted_1d, v):
    """``jnp.searchsorted(sorted_1d, v)`` (side='left'), as int32."""
    n = shape(sorted_1d)[0]
    vs = shape(v)
    full = vs + (n,)
    a = lax.broadcast_in_dim(sorted_1d, full, (len(vs),))
    b = lax.broadcast_in_dim(v, full, tuple(range(len(vs))))
    return lax.reduce_sum(lax.convert_element_type(lax.lt(a, b), _I32), (len(vs),))


# ------------------------------------------------------------------ control flow

def while_loop(cond_fun, body_fun, init_val, what: str = "this sampler"):
    """``lax.while_loop`` when core has it, else a loop over concrete values."""
    if hasattr(lax, "while_loop"):
        return lax.while_loop(cond_fun, body_fun, init_val)
    val = init_val
    while True:
        try:
            go = bool(cond_fun(val))
        except ConcretizationTypeError as err:
            raise NotImplementedError(
                f"{what} needs a data-dependent loop (lax.while_loop), which plax-core "
                f"does not provide yet (issue #6); until it does, {what} runs only "
                f"eagerly on concrete values, not under jit, vmap, grad or make_jaxpr.") from err
        if not go:
            return val
        val = body_fun(val)


# ---------------------------------------------------------------- linear algebra

def _linalg(name):
    linalg = getattr(lax, "linalg", None)
    return getattr(linalg, name, None) if linalg is not None else None


def _bmm(a, b):
    """Batched matrix product ``(..., m, k) @ (..., k, n)`` (same batch shape)."""
    nb = len(shape(a)) - 2
    batch = tuple(range(nb))
    return lax.dot_general(a, b, (((nb + 1,), (nb,)), (batch, batch)))


def cholesky(a):
    """Lower Cholesky factor of a batch of symmetric positive-definite matrices."""
    fn = _linalg("cholesky")
    if fn is not None:
        return fn(a)
    n = shape(a)[-1]
    batch = shape(a)[:-2]
    nb = len(batch)
    cols = []                                       # each (..., n, 1)
    rows = lax.broadcasted_iota(_I32, batch + (n, 1), nb)
    zero = lax.full(batch + (n, 1), 0, dtype(a))
    for j in range(n):
        v = lax.slice_in_dim(a, j, j + 1, axis=nb + 1)               # (..., n, 1)
        if cols:
            lmat = lax.concatenate(cols, nb + 1)                     # (..., n, j)
            lrow = lax.slice_in_dim(lmat, j, j + 1, axis=nb)         # (..., 1, j)
            v = lax.sub(v, _bmm(lmat, lax.transpose(lrow, tuple(range(nb)) + (nb + 1, nb))))
        d = lax.sqrt(lax.slice_in_dim(v, j, j + 1, axis=nb))          # (..., 1, 1)
        col = lax.div(v, lax.broadcast_in_dim(d, batch + (n, 1), tuple(range(nb + 2))))
        cols.append(lax.select(lax.ge(rows, lax.full(shape(rows), j, _I32)), col, zero))
    return lax.concatenate(cols, nb + 1)


def qr_q(z):
    """The Q factor (``(..., m, k)``, ``m >= k``) of ``z = QR`` with ``diag(R) > 0``.

    Classical Gram-Schmidt with one re-orthogonalisation ("twice is enough").  For the
    full-rank matrices ``orthogonal`` draws this is the unique such Q, equal to
    LAPACK's Householder Q with its columns' signs fixed by ``sign(diag(R))``.
    """
    fn = _linalg("qr")
    if fn is not None:
        q, r = fn(z, full_matrices=False)
        d = lax.sign(_diagonal(r))
        return lax.mul(q, ops.broadcast_to(ops.expand_dims(d, -2), shape(q)))
    m, k = shape(z)[-2:]
    batch = shape(z)[:-2]
    nb = len(batch)
    t = tuple(range(nb)) + (nb + 1, nb)
    cols = []
    for j in range(k):
        v = lax.slice_in_dim(z, j, j + 1, axis=nb + 1)                 # (..., m, 1)
        for _ in range(2):
            if cols:
                q = lax.concatenate(cols, nb + 1)                        # (..., m, j)
                v = lax.sub(v, _bmm(q, _bmm(lax.transpose(q, t), v)))
        norm = lax.sqrt(lax.reduce_sum(lax.mul(v, v), (nb,)))           # (..., 1)
        cols.append(lax.div(v, lax.broadcast_in_dim(norm, batch + (m, 1),
                                                    tuple(range(nb)) + (nb + 1,))))
    return lax.concatenate(cols, nb + 1)


def _diagonal(r):
    k = min(shape(r)[-2:])
    full = shape(r)[:-2] + (k, k)
    r = lax.slice(r, (0,) * len(full), full)
    nb = len(full) - 2
    eye = lax.eq(lax.broadcasted_iota(_I32, full, nb), lax.broadcasted_iota(_I32, full, nb + 1))
    return lax.reduce_sum(lax.select(eye, r, lax.full(full, 0, dtype(r))), (nb + 1,))


def eigh(a):
    """``(w, v)`` of symmetric matrices, when core has an eigh primitive."""
    fn = _linalg("eigh")
    if fn is None:
        raise NotImplementedError(
            "multivariate_normal with method='eigh' or 'svd' needs a symmetric "
            "eigendecomposition, which plax-core does not provide yet (issue #9); use "
            "method='cholesky' for positive-definite covariances.")
    v, w = fn(a)                      # JAX's lax.linalg.eigh returns (v, w)
    return w, v


def svd(a):
    fn = _linalg("svd")
    if fn is None:
        eigh(a)                        # raises the explanation
    return fn(a, full_matrices=False, compute_uv=True)


def promote_inexact(*xs):
    return ops.promote_dtypes_inexact(*xs)


def canonical_float(dt, name: str, kinds: str = "f", what: str = "a float"):
    """``dt`` (None -> default float) canonicalised, or JAX's ValueError."""
    dt = dtypes.canonicalize_dtype(float if dt is None else dt)
    kind = "f" if dtypes.is_float(dt) else dt.kind
    if kind not in kinds:
        raise ValueError(f"dtype argument to `{name}` must be {what} dtype, got {dt.name}")
    return dt
