"""Linear-algebra primitives and fft on the NumPy backend: values against NumPy/SciPy
(reconstructions for factorizations), abstract evaluation, batching dims, jaxprs and
errors naming the primitive."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

import plax_core
from plax_core import lax
from plax_core.config import config
from plax_core.core import ShapedArray

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


def _mat(rng, shape, dtype):
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def _tol(dtype):
    return 1e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def _h(x):
    return np.conj(np.swapaxes(x, -1, -2))


@pytest.fixture(params=DTYPES, ids=lambda d: np.dtype(d).name)
def dtype(request):
    with config.override(enable_x64=True):
        yield np.dtype(request.param)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 2, 2)])
def test_cholesky(dtype, shape):
    rng = np.random.default_rng(0)
    a = _mat(rng, shape, dtype)
    a = (a @ _h(a) + shape[-1] * np.eye(shape[-1])).astype(dtype)
    L = np.asarray(lax.cholesky(a))
    assert L.dtype == dtype and L.shape == shape
    np.testing.assert_allclose(L, np.linalg.cholesky(a), rtol=_tol(dtype), atol=_tol(dtype))
    bad = -np.broadcast_to(np.eye(shape[-1], dtype=dtype), shape)
    assert np.isnan(np.asarray(lax.cholesky(bad))).all()


@pytest.mark.parametrize("left,lower,trans,conj,unit",
                         [(True, True, False, False, False), (False, True, True, True, False),
                          (True, False, True, False, True), (False, False, False, True, True)])
def test_triangular_solve(dtype, left, lower, trans, conj, unit):
    rng = np.random.default_rng(1)
    a = _mat(rng, (2, 3, 3), dtype) + 4 * np.eye(3, dtype=dtype)
    b = _mat(rng, (2, 3, 4) if left else (2, 4, 3), dtype)
    x = np.asarray(lax.triangular_solve(a, b, left_side=left, lower=lower, transpose_a=trans,
                                        conjugate_a=conj, unit_diagonal=unit))
    t = np.tril(a) if lower else np.triu(a)
    if unit:
        t[..., range(3), range(3)] = 1
    t = np.conj(t) if conj else t
    t = np.swapaxes(t, -1, -2) if trans else t
    np.testing.assert_allclose(t @ x if left else x @ t, b, rtol=10 * _tol(dtype),
                               atol=10 * _tol(dtype))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 3), (2, 3, 5)])
def test_lu(dtype, shape):
    a = _mat(np.random.default_rng(2), shape, dtype)
    lu, piv, perm = (np.asarray(o) for o in lax.lu(a))
    m, n = shape[-2:]
    k = min(m, n)
    assert piv.shape == shape[:-2] + (k,) and perm.shape == shape[:-2] + (m,)
    assert piv.dtype == perm.dtype == np.int32
    low = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=dtype)
    up = np.triu(lu[..., :k, :])
    permuted = np.take_along_axis(a, perm[..., :, None], axis=-2)
    np.testing.assert_allclose(low @ up, permuted, rtol=10 * _tol(dtype), atol=10 * _tol(dtype))
    np.testing.assert_array_equal(np.asarray(lax.lu_pivots_to_permutation(piv, m)), perm)
    if len(shape) == 2:
        ref_lu, ref_piv = scipy.linalg.lu_factor(a) if m == n else (None, None)
        if ref_piv is not None:
            np.testing.assert_array_equal(piv, ref_piv)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 3), (2, 3, 5)])
@pytest.mark.parametrize("full", [False, True])
def test_qr(dtype, shape, full):
    a = _mat(np.random.default_rng(3), shape, dtype)
    q, r = (np.asarray(o) for o in lax.qr(a, full_matrices=full))
    ref_q, ref_r = np.linalg.qr(a, mode="complete" if full else "reduced")
    assert q.shape == ref_q.shape and r.shape == ref_r.shape and q.dtype == dtype
    np.testing.assert_allclose(q @ r, a, rtol=10 * _tol(dtype), atol=10 * _tol(dtype))
    np.testing.assert_allclose(np.triu(r), r)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eigh(dtype, shape):
    a = _mat(np.random.default_rng(4), shape, dtype)
    a = (a + _h(a)).astype(dtype)
    v, w = (np.asarray(o) for o in lax.eigh(a))
    assert w.dtype == np.real(np.zeros((), dtype)).dtype
    np.testing.assert_allclose(w, np.linalg.eigvalsh(a), rtol=10 * _tol(dtype),
                               atol=10 * _tol(dtype))
    np.testing.assert_allclose(a @ v, v * w[..., None, :].astype(dtype), rtol=100 * _tol(dtype),
                               atol=100 * _tol(dtype))


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 3), (2, 3, 5)])
@pytest.mark.parametrize("full", [False, True])
def test_svd(dtype, shape, full):
    a = _mat(np.random.default_rng(5), shape, dtype)
    s, u, vt = (np.asarray(o) for o in lax.svd(a, full_matrices=full))
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=10 * _tol(dtype),
                               atol=10 * _tol(dtype))
    k = min(shape[-2:])
    np.testing.assert_allclose((u[..., :k] * s[..., None, :].astype(dtype)) @ vt[..., :k, :], a,
                               rtol=100 * _tol(dtype), atol=100 * _tol(dtype))
    np.testing.assert_allclose(np.asarray(lax.svd(a, compute_uv=False)), s)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eig(dtype, shape):
    a = _mat(np.random.default_rng(6), shape, dtype)
    w, vl, vr = (np.asarray(o) for o in lax.eig(a))
    assert w.dtype.kind == "c" and vr.dtype == w.dtype
    np.testing.assert_allclose(a @ vr, vr * w[..., None, :], rtol=100 * _tol(dtype),
                               atol=100 * _tol(dtype))
    np.testing.assert_allclose(_h(vl) @ a, w[..., :, None] * _h(vl), rtol=100 * _tol(dtype),
                               atol=100 * _tol(dtype))
    (w2,) = lax.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)
    np.testing.assert_allclose(np.sort_complex(np.asarray(w2).ravel()),
                               np.sort_complex(np.linalg.eigvals(a).ravel()),
                               rtol=100 * _tol(dtype), atol=100 * _tol(dtype))


@pytest.mark.parametrize("kind,shape,lengths", [
    ("fft", (2, 5), (5,)), ("ifft", (3, 4, 2), (4, 2)), ("fft", (2, 3, 2, 4), (3, 2, 4)),
    ("rfft", (2, 6), (6,)), ("rfft", (2, 3, 5), (3, 5)), ("irfft", (2, 4), (6,)),
    ("irfft", (2, 3, 3), (3, 5))])
@pytest.mark.parametrize("double", [False, True])
def test_fft(kind, shape, lengths, double):
    rng = np.random.default_rng(7)
    real = kind == "rfft"
    dt = (np.float64 if double else np.float32) if real else (
        np.complex128 if double else np.complex64)
    with config.override(enable_x64=True):
        x = _mat(rng, shape, dt)
        got = np.asarray(lax.fft(x, kind, lengths))
        axes = tuple(range(len(shape) - len(lengths), len(shape)))
        fn = {"fft": np.fft.fftn, "ifft": np.fft.ifftn, "rfft": np.fft.rfftn,
              "irfft": np.fft.irfftn}[kind]
        want = fn(x, s=lengths, axes=axes)
        assert got.dtype.itemsize == (16 if double else 8) or kind == "irfft"
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_abstract_eval_and_jaxpr():
    f32 = np.float32
    aval = ShapedArray((2, 4, 3), f32)
    q, r = lax.qr_p.abstract_eval(aval, full_matrices=False)
    assert q.shape == (2, 4, 3) and r.shape == (2, 3, 3)
    s, u, vt = lax.svd_p.abstract_eval(aval, full_matrices=True, compute_uv=True)
    assert (s.shape, u.shape, vt.shape) == ((2, 3), (2, 4, 4), (2, 3, 3))
    out = lax.fft_p.abstract_eval(ShapedArray((2, 8), f32), fft_type=lax.FftType.RFFT,
                                  fft_lengths=(8,))
    assert out.shape == (2, 5) and out.dtype == np.complex64
    jaxpr = plax_core.make_jaxpr(lambda x: lax.lu(x))(np.ones((3, 3), f32))
    assert "lu" in str(jaxpr)


def test_errors_name_the_primitive():
    with pytest.raises(TypeError, match="cholesky"):
        lax.cholesky(np.ones((2, 2), np.int32))
    with pytest.raises(ValueError, match="square"):
        lax.eigh(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="triangular_solve"):
        lax.triangular_solve(np.eye(3, dtype=np.float32), np.ones((2, 2), np.float32),
                             left_side=True)
    with pytest.raises(TypeError, match="RFFT"):
        lax.fft(np.ones(4, np.complex64), "rfft", (4,))
    with pytest.raises(ValueError, match="fft_type"):
        lax.fft(np.ones(4, np.complex64), "dct", (4,))
