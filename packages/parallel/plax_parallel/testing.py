"""Test helpers: every collective as a per-index function with its NumPy oracle.

Shared by the tests that run the collectives under ``vmap``, ``pmap`` and (later)
``shard_map``; each oracle takes X, the stacked per-index operands (X[j] is index j's
value), and returns the stacked per-index results.
"""

import numpy as np

import plax_core
import plax_parallel as pp


def np_all_gather(X, axis, tiled):
    g = np.concatenate(list(X), axis) if tiled else np.stack(list(X), axis)
    return np.stack([g] * len(X))


def np_psum_scatter(X, sd, tiled):
    s = X.sum(0)
    n = len(X)
    return np.stack([np.split(s, n, sd)[i] if tiled else np.take(s, i, sd)
                     for i in range(n)])


def np_all_to_all(X, split, concat, tiled):
    n = len(X)
    if tiled:
        return np.stack([np.concatenate([np.split(X[j], n, split)[i] for j in range(n)],
                                        concat) for i in range(n)])
    return np.stack([np.stack([np.take(X[j], i, split) for j in range(n)], concat)
                     for i in range(n)])


def np_ppermute(X, perm):
    out = np.zeros_like(X)
    for s, d in perm:
        out[d] = X[s]
    return out


def collective_cases(N: int) -> list:
    """(name, per-index function over axis 'i', per-index shape, NumPy oracle)."""
    return [
        ("psum", lambda v: pp.psum(v, "i"), (3,), lambda X: np.broadcast_to(X.sum(0), X.shape)),
        ("pmean", lambda v: pp.pmean(v, "i"), (2, 3),
         lambda X: np.broadcast_to(X.mean(0), X.shape)),
        ("pmax", lambda v: pp.pmax(v, "i"), (3,), lambda X: np.broadcast_to(X.max(0), X.shape)),
        ("pmin", lambda v: pp.pmin(v, "i"), (), lambda X: np.broadcast_to(X.min(0), X.shape)),
        ("all_gather", lambda v: pp.all_gather(v, "i"), (3,),
         lambda X: np_all_gather(X, 0, False)),
        ("all_gather_axis1", lambda v: pp.all_gather(v, "i", axis=1), (2, 3),
         lambda X: np_all_gather(X, 1, False)),
        ("all_gather_tiled", lambda v: pp.all_gather(v, "i", axis=1, tiled=True), (2, 3),
         lambda X: np_all_gather(X, 1, True)),
        ("psum_scatter", lambda v: pp.psum_scatter(v, "i"), (N, 3),
         lambda X: np_psum_scatter(X, 0, False)),
        ("psum_scatter_dim1_tiled",
         lambda v: pp.psum_scatter(v, "i", scatter_dimension=1, tiled=True), (3, 2 * N),
         lambda X: np_psum_scatter(X, 1, True)),
        ("all_to_all", lambda v: pp.all_to_all(v, "i", 0, 1), (N, 3),
         lambda X: np_all_to_all(X, 0, 1, False)),
        ("all_to_all_1_0", lambda v: pp.all_to_all(v, "i", 1, 0), (2, N),
         lambda X: np_all_to_all(X, 1, 0, False)),
        ("all_to_all_tiled", lambda v: pp.all_to_all(v, "i", 1, 0, tiled=True), (3, 2 * N),
         lambda X: np_all_to_all(X, 1, 0, True)),
        ("ppermute_ring", lambda v: pp.ppermute(v, "i", [(j, (j + 1) % N) for j in range(N)]),
         (3,), lambda X: np_ppermute(X, [(j, (j + 1) % N) for j in range(N)])),
        ("ppermute_partial", lambda v: pp.ppermute(v, "i", [(0, 2), (3, 1)]), (2,),
         lambda X: np_ppermute(X, [(0, 2), (3, 1)])),
        ("pshuffle", lambda v: pp.pshuffle(v, "i", [N - 1] + list(range(N - 1))), (3,),
         lambda X: X[[N - 1] + list(range(N - 1))]),
    ]


def linear_cases(N: int) -> list:
    """The differentiable (linear) ones."""
    return [c for c in collective_cases(N) if c[0] not in ("pmax", "pmin")]


def need_devices(n: int):
    """Skip the calling test (with the reason) when the client has fewer than n devices."""
    import pytest
    have = len(plax_core.devices())
    if have < n:
        pytest.skip(f"needs {n} CPU devices, the client has {have}: set "
                    f"PLAX_NUM_CPU_DEVICES={n} before the first plax operation")
