"""vmap of the linear-algebra primitives and fft against the unbatched call in a loop.

Each operand is batched at axis 0, the last axis or not at all; the primitives' own
leading (batch) dimensions are exercised by per-example operands of rank 2 and 3.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from plax_batching import vmap
from plax_core import lax


def _spd(rng, shape):
    a = rng.normal(size=shape).astype(np.float32)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1], dtype=np.float32)


def _mat(rng, shape):
    return rng.normal(size=shape).astype(np.float32)


def _cplx(rng, shape):
    return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(np.complex64)


def _tri(rng, shape):
    return _mat(rng, shape) + 4 * np.eye(shape[-1], dtype=np.float32)


CASES = {
    "cholesky": (lambda x: lax.cholesky(x), [(_spd, (3, 3))]),
    "triangular_solve": (lambda a, b: lax.triangular_solve(a, b, left_side=True, lower=True),
                         [(_tri, (3, 3)), (_mat, (3, 2))]),
    "triangular_solve_batch": (
        lambda a, b: lax.triangular_solve(a, b, left_side=False, lower=False,
                                          transpose_a=True),
        [(_tri, (2, 3, 3)), (_mat, (2, 4, 3))]),
    "lu": (lambda x: lax.lu(x), [(_mat, (4, 3))]),
    "qr": (lambda x: lax.qr(x, full_matrices=False), [(_mat, (2, 4, 3))]),
    "eigh": (lambda x: lax.eigh(x)[1], [(_spd, (3, 3))]),
    "svd": (lambda x: lax.svd(x, compute_uv=False), [(_mat, (2, 3, 4))]),
    "eig": (lambda x: lax.eig(x, compute_left_eigenvectors=False,
                              compute_right_eigenvectors=False)[0], [(_spd, (3, 3))]),
    "fft": (lambda x: lax.fft(x, "fft", (3, 2)), [(_cplx, (2, 3, 2))]),
    "rfft": (lambda x: lax.fft(x, "rfft", (4,)), [(_mat, (3, 4))]),
    "irfft": (lambda x: lax.fft(x, "irfft", (4,)), [(_cplx, (3, 3))]),
}


def _flat(out):
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.mark.parametrize("name", sorted(CASES))
def test_vmap_matches_loop(name):
    fun, makers = CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    size = 3
    examples = [[make(rng, shape) for _ in range(size)] for make, shape in makers]
    for axes in itertools.product(*[[None, 0, -1] for _ in makers]):
        if all(a is None for a in axes):
            continue
        args = [ex[0] if a is None else np.stack(ex, axis=a) for ex, a in zip(examples, axes)]
        per = [_flat(fun(*[ex[0] if a is None else ex[b] for ex, a in zip(examples, axes)]))
               for b in range(size)]
        got = _flat(vmap(fun, in_axes=axes)(*args))
        for k, g in enumerate(got):
            want = np.stack([p[k] for p in per])
            assert g.dtype == want.dtype
            np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-4, err_msg=f"{axes} {k}")
