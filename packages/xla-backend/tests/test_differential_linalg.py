"""Linear-algebra primitives and fft: the NumPy backend and XLA (eager and jit) agree.

Factorizations with a gauge freedom (signs/phases of q, eigenvectors, singular
vectors) are compared through gauge-invariant quantities: reconstructions,
eigenvalues, singular values, |vectors|.  Matrices are well conditioned; batched
operands (leading dimensions) and both precisions are covered.
"""

import zlib

import numpy as np
import pytest

from plax_core import lax
from plax_core.config import config
from plax_xla.testing import backends_agree

pytestmark = pytest.mark.skipif(not hasattr(lax, "cholesky") or not hasattr(lax, "fft"),
                                reason="this plax-core has no linalg primitives")

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _mat(rng, shape, dtype):
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def _hpd(rng, shape, dtype):
    x = _mat(rng, shape, dtype)
    return (x @ np.conj(np.swapaxes(x, -1, -2)) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _tol(dtype):
    return 2e-3 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-9


def agree(fun, *args, dtype):
    """fun on both backends (eager and under jit) gives the same leaves."""
    with config.override(enable_x64=True):
        backends_agree(fun, *args, rtol=_tol(dtype))


SHAPES = [(3, 3), (2, 4, 4), (2, 1, 3, 3)]
RECT = [(4, 3), (2, 3, 5), (1, 2, 4, 4)]


def _h(x):
    return lax.conj(lax.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))) \
        if x.dtype.kind == "c" else lax.transpose(
            x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def _mm(a, b):
    return lax.batch_matmul(a, b) if a.ndim > 2 else lax.dot(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_cholesky(dtype, shape):
    a = _hpd(_rng("chol", shape, dtype), shape, dtype)
    agree(lambda x: lax.cholesky(x), a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("flags", [(True, True, False, False, False),
                                   (False, False, True, False, True),
                                   (True, False, True, True, False),
                                   (False, True, False, True, False)])
def test_triangular_solve(dtype, flags):
    left, lower, trans, conj, unit = flags
    rng = _rng("tsolve", flags, dtype)
    a = _mat(rng, (2, 3, 3), dtype) + 4 * np.eye(3, dtype=dtype)
    b = _mat(rng, (2, 3, 2) if left else (2, 2, 3), dtype)
    agree(lambda a, b: lax.triangular_solve(a, b, left_side=left, lower=lower,
                                            transpose_a=trans, conjugate_a=conj,
                                            unit_diagonal=unit), a, b, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + RECT)
def test_lu(dtype, shape):
    a = _mat(_rng("lu", shape, dtype), shape, dtype)
    agree(lambda x: lax.lu(x), a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + RECT)
@pytest.mark.parametrize("full_matrices", [False, True])
def test_qr(dtype, shape, full_matrices):
    a = _mat(_rng("qr", shape, dtype), shape, dtype)

    def f(x):
        q, r = lax.qr(x, full_matrices=full_matrices)
        return _mm(q, r), _mm(_h(q), q), lax.abs(r)

    agree(f, a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_eigh(dtype, shape):
    a = _hpd(_rng("eigh", shape, dtype), shape, dtype)

    def f(x):
        v, w = lax.eigh(x)
        return w, lax.abs(v)

    agree(f, a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES + RECT)
@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd(dtype, shape, full_matrices):
    a = _mat(_rng("svd", shape, dtype), shape, dtype)

    def f(x):
        s, u, vt = lax.svd(x, full_matrices=full_matrices)
        k = min(shape[-2:])
        return s, lax.svd(x, compute_uv=False), lax.abs(u)[..., :k], lax.abs(vt)[..., :k, :]

    agree(f, a, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_eig(dtype, shape):
    a = _mat(_rng("eig", shape, dtype), shape, dtype)

    def f(x):
        w, vl, vr = lax.eig(x)
        (w2,) = lax.eig(x, compute_left_eigenvectors=False, compute_right_eigenvectors=False)
        return w, w2, lax.abs(vr), lax.abs(vl)

    agree(f, a, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("case", [("fft", (2, 5), (5,)), ("ifft", (3, 4, 2), (4, 2)),
                                  ("fft", (2, 3, 2, 4), (3, 2, 4))])
def test_fft_complex(dtype, case):
    kind, shape, lengths = case
    x = _mat(_rng(case, dtype), shape, dtype)
    agree(lambda x: lax.fft(x, kind, lengths), x, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lengths", [(5,), (4,), (3, 4), (2, 3, 5)])
def test_rfft_irfft(dtype, lengths):
    x = _mat(_rng(lengths, dtype), (2,) + lengths, dtype)
    agree(lambda x: lax.fft(x, "rfft", lengths), x, dtype=dtype)
    c = np.asarray(np.fft.rfftn(x, axes=tuple(range(1, x.ndim))),
                   np.complex64 if dtype == np.float32 else np.complex128)
    agree(lambda c: lax.fft(c, "irfft", lengths), c, dtype=dtype)


def test_empty_and_registration():
    agree(lambda x: lax.lu(x), np.zeros((0, 3, 3), np.float32), dtype=np.float32)
    agree(lambda x: lax.cholesky(x), np.zeros((2, 0, 0), np.float32), dtype=np.float32)
