"""Derivatives of the linear-algebra primitives and fft: ``check_grads`` (finite
differences, forward and reverse, orders 1-2) on well-conditioned, batched matrices,
through gauge-invariant functions where a factorization has a sign/phase freedom."""

from __future__ import annotations

import numpy as np
import pytest

from plax_autodiff.test_util import check_grads
from plax_core import lax
from plax_core.config import config

pytestmark = pytest.mark.skipif(not hasattr(lax, "cholesky"),
                                reason="this plax-core has no linalg primitives")


def _rng(name):
    return np.random.default_rng(sum(map(ord, name)))


def _cases():
    rng = _rng("linalg")
    a = rng.normal(size=(2, 3, 3))
    spd = a @ a.transpose(0, 2, 1) + 3 * np.eye(3)
    b = rng.normal(size=(2, 3, 2))
    tall = rng.normal(size=(2, 4, 3))
    wide = rng.normal(size=(2, 3, 4))
    c = rng.normal(size=(2, 3, 3)) + 1j * rng.normal(size=(2, 3, 3))
    hpd = c @ np.conj(c.transpose(0, 2, 1)) + 3 * np.eye(3)

    def eigh_inv(x):
        v, w = lax.eigh(x)
        return w, lax.abs(v)          # |v|: invariant to each column's sign

    def svd_inv(x):
        s, u, vt = lax.svd(x, full_matrices=False)
        return s, lax.abs(u), lax.abs(vt)

    return {
        "cholesky": (lambda x: lax.cholesky(x), (spd,), 2),
        "cholesky_complex": (lambda x: lax.cholesky(x), (hpd,), 1),
        "triangular_solve_left": (
            lambda t, y: lax.triangular_solve(t, y, left_side=True, lower=True),
            (np.tril(a) + 3 * np.eye(3), b), 2),
        "triangular_solve_right": (
            lambda t, y: lax.triangular_solve(t, y, left_side=False, lower=False,
                                              transpose_a=True, unit_diagonal=True),
            (np.triu(a) + 3 * np.eye(3), b.transpose(0, 2, 1)), 2),
        "triangular_solve_complex": (
            lambda t, y: lax.triangular_solve(t, y, left_side=True, lower=True,
                                              transpose_a=True, conjugate_a=True),
            (np.tril(c) + 3 * np.eye(3), c), 1),
        "lu": (lambda x: lax.lu(x)[0], (a,), 2),
        "lu_tall": (lambda x: lax.lu(x)[0], (tall,), 1),
        "lu_wide": (lambda x: lax.lu(x)[0], (wide,), 1),
        "qr": (lambda x: lax.qr(x, full_matrices=False), (tall,), 2),
        "qr_square": (lambda x: lax.qr(x), (a,), 1),
        "eigh": (eigh_inv, (spd,), 2),
        "svd_tall": (svd_inv, (tall,), 1),
        "svd_wide": (svd_inv, (wide,), 1),
        "svd_values": (lambda x: lax.svd(x, compute_uv=False), (wide,), 2),
        "eigvals": (lambda x: lax.eig(x, compute_left_eigenvectors=False,
                                      compute_right_eigenvectors=False)[0], (a,), 1),
        "eig_vectors": (lambda x: lax.abs(lax.eig(x, compute_left_eigenvectors=False)[1]),
                        (a,), 1),
        "fft": (lambda x: lax.fft(x, "fft", (3, 3)), (c,), 2),
        "ifft": (lambda x: lax.fft(x, "ifft", (3,)), (c,), 2),
        "rfft": (lambda x: lax.fft(x, "rfft", (3, 3)), (a,), 2),
        "rfft_even": (lambda x: lax.fft(x, "rfft", (4,)), (rng.normal(size=(2, 4)),), 2),
        "irfft": (lambda x: lax.fft(x, "irfft", (4,)), (c,), 2),
        "irfft_odd": (lambda x: lax.fft(x, "irfft", (3, 5)), (c,), 2),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_grads(name):
    f, args, order = CASES[name]
    with config.override(enable_x64=True):
        check_grads(f, args, order=order, modes=("fwd", "rev"))


def test_unsupported_derivatives_are_clear():
    import plax_autodiff as ad
    with config.override(enable_x64=True):
        a = np.random.default_rng(0).normal(size=(4, 3))
        with pytest.raises(NotImplementedError, match="full_matrices"):
            ad.jvp(lambda x: lax.svd(x, full_matrices=True)[1], (a,), (a,))
        with pytest.raises(NotImplementedError, match="qr"):
            ad.jvp(lambda x: lax.qr(x, full_matrices=True)[0], (a,), (a,))
