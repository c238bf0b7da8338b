"""plax.numpy.linalg and plax.numpy.fft against NumPy: values and dtypes on
well-conditioned random (batched) matrices, and gradients (check_grads) when
plax-autodiff is installed."""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core.config import config

pytestmark = pytest.mark.skipif(not hasattr(plax_core.lax, "cholesky"),
                                reason="this plax-core has no linalg primitives")


def _rng(name):
    return np.random.default_rng(sum(map(ord, name)))


def _close(got, want, tol=1e-4):
    got = np.asarray(got)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def _mats(name, shape=(2, 3, 3), dtype=np.float32):
    rng = _rng(name)
    a = rng.normal(size=shape).astype(dtype)
    spd = (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)
    return a, spd


LINALG = {
    "solve": lambda a, spd, b: (jnp.linalg.solve(a, b), np.linalg.solve(a, b)),
    "solve_vec": lambda a, spd, b: (jnp.linalg.solve(a[0], b[0, :, 0]),
                                    np.linalg.solve(a[0], b[0, :, 0])),
    "inv": lambda a, spd, b: (jnp.linalg.inv(a), np.linalg.inv(a)),
    "det": lambda a, spd, b: (jnp.linalg.det(a), np.linalg.det(a)),
    "slogdet": lambda a, spd, b: (jnp.linalg.slogdet(a), np.linalg.slogdet(a)),
    "cholesky": lambda a, spd, b: (jnp.linalg.cholesky(spd), np.linalg.cholesky(spd)),
    "eigvalsh": lambda a, spd, b: (jnp.linalg.eigvalsh(spd), np.linalg.eigvalsh(spd)),
    "eigh_w": lambda a, spd, b: (jnp.linalg.eigh(spd)[0], np.linalg.eigh(spd)[0]),
    "svdvals": lambda a, spd, b: (jnp.linalg.svd(a, compute_uv=False),
                                  np.linalg.svd(a, compute_uv=False)),
    "pinv": lambda a, spd, b: (jnp.linalg.pinv(a), np.linalg.pinv(a)),
    "matrix_rank": lambda a, spd, b: (jnp.linalg.matrix_rank(a), np.linalg.matrix_rank(a)),
    "matrix_power": lambda a, spd, b: (jnp.linalg.matrix_power(a, 3),
                                       np.linalg.matrix_power(a, 3)),
    "matrix_power_neg": lambda a, spd, b: (jnp.linalg.matrix_power(spd, -2),
                                           np.linalg.matrix_power(spd, -2)),
    "cond": lambda a, spd, b: (jnp.linalg.cond(spd), np.linalg.cond(spd)),
    "cond_fro": lambda a, spd, b: (jnp.linalg.cond(spd, "fro"), np.linalg.cond(spd, "fro")),
    "norm_2": lambda a, spd, b: (jnp.linalg.norm(a, 2, axis=(1, 2)),
                                 np.linalg.norm(a, 2, axis=(1, 2))),
    "norm_nuc": lambda a, spd, b: (jnp.linalg.norm(a[0], "nuc"), np.linalg.norm(a[0], "nuc")),
    "norm_-2": lambda a, spd, b: (jnp.linalg.norm(a[0], -2), np.linalg.norm(a[0], -2)),
    "lstsq": lambda a, spd, b: (jnp.linalg.lstsq(b[0], a[0, :, 0])[0],
                                np.linalg.lstsq(b[0], a[0, :, 0])[0]),
    "multi_dot": lambda a, spd, b: (jnp.linalg.multi_dot([a[0], a[1], b[0]]),
                                    a[0] @ a[1] @ b[0]),
    "eigvals": lambda a, spd, b: (jnp.sort(jnp.linalg.eigvals(spd)),
                                  np.sort(np.linalg.eigvals(spd))),
    "qr_r": lambda a, spd, b: (jnp.abs(jnp.linalg.qr(a, mode="r")),
                               np.abs(np.linalg.qr(a, mode="r"))),
    "tensorinv": lambda a, spd, b: (
        jnp.linalg.tensorinv(np.eye(6, dtype=np.float32).reshape(6, 2, 3) * 2, ind=1),
        np.linalg.tensorinv(np.eye(6, dtype=np.float32).reshape(6, 2, 3) * 2, ind=1)),
}


@pytest.mark.parametrize("name", sorted(LINALG))
def test_linalg_values(name):
    a, spd = _mats(name)
    b = _rng("b" + name).normal(size=(2, 3, 2)).astype(np.float32)
    got, want = LINALG[name](a, spd, b)
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert np.asarray(g).shape == w.shape
        if w.dtype.kind in "iu":
            np.testing.assert_array_equal(np.asarray(g), w)
        else:
            _close(g, w, 2e-3)


def test_decompositions_reconstruct():
    a, spd = _mats("decomp", (2, 4, 4))
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    _close(jnp.matmul(u * s[..., None, :], vh), a, 1e-4)
    q, r = jnp.linalg.qr(a)
    _close(jnp.matmul(q, r), a, 1e-4)
    w, v = jnp.linalg.eig(spd)
    _close(np.asarray(spd) @ np.asarray(v), np.asarray(v) * np.asarray(w)[..., None, :], 1e-3)
    _close(jnp.linalg.cholesky(spd, upper=True),
           np.swapaxes(np.linalg.cholesky(spd), -1, -2), 1e-4)


GRADS = {
    "det": lambda x: jnp.linalg.det(x),
    "slogdet": lambda x: jnp.linalg.slogdet(x)[1],
    "inv": lambda x: jnp.linalg.inv(x),
    "solve": lambda x: jnp.linalg.solve(x, jnp.ones((2, 3, 2))),
    "eigvalsh": lambda x: jnp.linalg.eigvalsh(x @ jnp.swapaxes(x, -1, -2)),
    "svdvals": lambda x: jnp.linalg.svd(x, compute_uv=False),
    "pinv": lambda x: jnp.linalg.pinv(x),
    "norm_nuc": lambda x: jnp.linalg.norm(x, "nuc", axis=(-2, -1)),
    "cholesky": lambda x: jnp.linalg.cholesky(x @ jnp.swapaxes(x, -1, -2) + 3 * jnp.eye(3)),
    "fft": lambda x: jnp.fft.fft(x, n=4),
    "rfft": lambda x: jnp.fft.rfft2(x, norm="ortho"),
    "irfft": lambda x: jnp.fft.irfft(jnp.fft.rfft(x), n=3),
    "ihfft": lambda x: jnp.fft.ihfft(x),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_linalg_grads(name):
    if "grad" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    with config.override(enable_x64=True):
        a = _rng(name).normal(size=(2, 3, 3)) + 3 * np.eye(3)
        check_grads(GRADS[name], (a,), order=1, modes=("fwd", "rev"))


def _sig(name, shape=(3, 4, 5), complex_=False):
    rng = _rng(name)
    x = rng.normal(size=shape)
    if complex_:
        x = x + 1j * rng.normal(size=shape)
    return x.astype(np.complex64 if complex_ else np.float32)


FFT = [
    ("fft", {}, True), ("fft", {"n": 7, "axis": 1, "norm": "ortho"}, True),
    ("ifft", {"norm": "forward"}, True), ("fftn", {}, True),
    ("ifftn", {"s": (2, 3), "axes": (1, 2)}, True),
    ("fft2", {}, False), ("ifft2", {}, True), ("rfft", {}, False),
    ("rfft", {"n": 8, "axis": 0, "norm": "ortho"}, False), ("irfft", {}, True),
    ("irfft", {"n": 9, "axis": 1}, True), ("rfftn", {}, False), ("irfftn", {}, True),
    ("rfft2", {"norm": "forward"}, False), ("irfft2", {"s": (4, 6)}, True),
    ("hfft", {}, True), ("ihfft", {"norm": "ortho"}, False),
    ("fftshift", {}, False), ("ifftshift", {"axes": 1}, False),
]


@pytest.mark.parametrize("i", range(len(FFT)))
def test_fft_values(i):
    name, kw, complex_ = FFT[i]
    x = _sig(name, complex_=complex_)
    got = np.asarray(getattr(jnp.fft, name)(x, **kw))
    want = getattr(np.fft, name)(x, **kw)
    assert got.dtype.kind == np.asarray(want).dtype.kind
    assert got.dtype.itemsize in (4, 8)        # single precision in, single out
    _close(got, want, 1e-3)


def test_fft_many_axes_and_freqs():
    x = _sig("many", (2, 2, 3, 2, 2), True)
    _close(jnp.fft.fftn(x), np.fft.fftn(x), 1e-3)
    _close(jnp.fft.fftfreq(7, 0.5), np.fft.fftfreq(7, 0.5))
    _close(jnp.fft.rfftfreq(8), np.fft.rfftfreq(8))
    with pytest.raises(ValueError, match="norm"):
        jnp.fft.fft(x, norm="bogus")


def _scipy_cases():
    import scipy.linalg as S

    from plax_numpy.scipy import linalg as L
    rng = _rng("scipy")
    a = rng.normal(size=(3, 3)).astype(np.float32)
    spd = (a @ a.T + 3 * np.eye(3)).astype(np.float32)
    b = rng.normal(size=(3, 2)).astype(np.float32)
    return [
        ("cho_solve", L.cho_solve(L.cho_factor(spd), b), S.cho_solve(S.cho_factor(spd), b)),
        ("cho_solve_lower_vec", L.cho_solve(L.cho_factor(spd, lower=True), b[:, 0]),
         S.cho_solve(S.cho_factor(spd, lower=True), b[:, 0])),
        ("solve_triangular", L.solve_triangular(a, b, trans="T", lower=True),
         S.solve_triangular(a, b, trans="T", lower=True)),
        ("lu_solve", L.lu_solve(L.lu_factor(a), b), S.lu_solve(S.lu_factor(a), b)),
        ("lu_solve_trans", L.lu_solve(L.lu_factor(a), b, trans=1),
         S.lu_solve(S.lu_factor(a), b, trans=1)),
        ("lu", L.lu(a), S.lu(a)),
        ("lu_permute_l", L.lu(a[:2], permute_l=True), S.lu(a[:2], permute_l=True)),
        ("expm", L.expm(a), S.expm(a)),
        ("expm_scaled", L.expm(5 * a), S.expm(5 * a)),
        ("block_diag", L.block_diag(a, np.ones((1, 2)), 3.0),
         S.block_diag(a, np.ones((1, 2)), 3.0)),
        ("solve_pos", L.solve(spd, b, assume_a="pos"), S.solve(spd, b, assume_a="pos")),
        ("eigh", L.eigh(spd, eigvals_only=True), S.eigh(spd, eigvals_only=True)),
        ("det", L.det(a), S.det(a)), ("inv", L.inv(a), S.inv(a)),
        ("cholesky", L.cholesky(spd), S.cholesky(spd)),
        ("qr_r", jnp.abs(L.qr(a, mode="r")[0]), np.abs(S.qr(a, mode="r")[0])),
    ]


def test_scipy_linalg_values():
    for name, got, want in _scipy_cases():
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), w, rtol=2e-3, atol=2e-3, err_msg=name)


def test_expm_grad():
    if "grad" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    from plax_numpy.scipy import linalg as L
    with config.override(enable_x64=True):
        a = _rng("expm").normal(size=(3, 3))
        check_grads(L.expm, (a,), order=1, modes=("fwd", "rev"))
