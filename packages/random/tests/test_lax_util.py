"""The compositions that stand in for primitives core does not have yet."""

import numpy as np
import pytest

from plax_random import _lax_util as u

RNG = np.random.default_rng(0)


@pytest.fixture(params=["ranks", "network"])
def sort_path(request, monkeypatch):
    """Run each sort test through both fallbacks (comparison counting, bitonic network)."""
    monkeypatch.setattr(u, "_RANK_LIMIT", 2 ** 40 if request.param == "ranks" else 0)
    if hasattr(u.lax, "sort_key_val"):
        pytest.skip("core has sort_key_val")
    return request.param


@pytest.mark.parametrize("shape,axis", [((1,), 0), ((7,), 0), ((16,), 0), ((33,), 0),
                                        ((3, 10), 1), ((10, 3), 0), ((2, 5, 9), 2)])
def test_sort_key_val_is_stable_sort(sort_path, shape, axis):
    keys = RNG.integers(0, 4, shape).astype(np.uint32)        # many ties
    vals = RNG.standard_normal(shape).astype(np.float32)
    got = np.asarray(u.sort_key_val(keys, vals, axis))
    order = np.argsort(keys, axis=axis, kind="stable")
    np.testing.assert_array_equal(got, np.take_along_axis(vals, order, axis))


def test_sort_rows_with_one_dimensional_keys(sort_path):
    keys = RNG.integers(0, 5, (12,)).astype(np.uint32)
    rows = np.arange(36).reshape(12, 3)
    got = np.asarray(u.sort_key_val(keys, rows, 0))
    np.testing.assert_array_equal(got, rows[np.argsort(keys, kind="stable")])


def test_sort_keeps_exact_bits(sort_path):
    vals = np.array([-0.0, np.nan, 1e-45, -np.inf, 3.0], np.float32)
    keys = np.array([4, 3, 2, 1, 0], np.uint32)
    got = np.asarray(u.sort_key_val(keys, vals, 0))
    np.testing.assert_array_equal(got.view(np.uint32), vals[::-1].view(np.uint32))


@pytest.mark.parametrize("n,k", [(5, 2), (40, 7), (33, 33)])
def test_top_k_indices(sort_path, n, k):
    x = RNG.integers(0, 6, (3, n)).astype(np.float32)        # ties: lower index first
    got = np.asarray(u.top_k_indices(x, k))
    want = np.argsort(-x, axis=-1, kind="stable")[:, :k]
    np.testing.assert_array_equal(got, want)


def test_take():
    a = RNG.standard_normal((3, 5, 2)).astype(np.float32)
    ind = RNG.integers(0, 5, (4, 2))
    np.testing.assert_array_equal(np.asarray(u.take(a, ind, 1)), np.take(a, ind, 1))
    b = np.arange(6)
    np.testing.assert_array_equal(np.asarray(u.take(b, np.array([5, 0, 0]), 0)), [5, 0, 0])


def test_cumsum_and_searchsorted():
    x = RNG.random(37).astype(np.float32)
    np.testing.assert_allclose(np.asarray(u.cumsum(x)), np.cumsum(x), rtol=1e-5)
    s = np.cumsum(x)
    v = np.array([0.0, s[3], s[10] + 1e-3, s[-1]], np.float32)
    np.testing.assert_array_equal(np.asarray(u.searchsorted_left(s, v)),
                                  np.searchsorted(s, v, side="left"))


def test_cholesky_and_qr():
    a = RNG.standard_normal((2, 4, 4))
    spd = (a @ np.swapaxes(a, -1, -2) + 4 * np.eye(4)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(u.cholesky(spd)), np.linalg.cholesky(spd),
                               rtol=1e-4, atol=1e-5)
    z = RNG.standard_normal((3, 5, 3)).astype(np.float32)
    q = np.asarray(u.qr_q(z))
    q_np, r_np = np.linalg.qr(z)
    q_np = q_np * np.sign(np.diagonal(r_np, axis1=-2, axis2=-1))[..., None, :]
    np.testing.assert_allclose(q, q_np, rtol=1e-4, atol=1e-5)


def test_while_loop_fallback():
    if hasattr(u.lax, "while_loop"):
        pytest.skip("core has while_loop")
    out = u.while_loop(lambda s: s[0] < 5, lambda s: (s[0] + 1, s[1] * 2), (0, 1))
    assert out == (5, 32)
