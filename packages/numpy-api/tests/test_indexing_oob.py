"""Indexing audit: every indexing form, in and out of bounds, against JAX 0.10.2.

``data/indexing_oob_jax.json`` holds 843 cases: an expression over a few fixed arrays
(``a``, ``ai``, ``ab``, ``m``, ``t``, ``e``; ``i`` is a scalar int32 that is traced
under ``jit``) and what JAX 0.10.2 gave for it, eagerly and under ``jax.jit`` (the
arrays and ``i`` passed as arguments): the shape, dtype and values, or the exception
class and its builtin base.  The values were obtained by running JAX 0.10.2 outside the
repository (a scratch environment), evaluating each expression with ``jax.numpy`` and
``jax.lax`` in place of ``plax.numpy`` and ``plax.lax``; no JAX is imported here.

The forms: static ints (in bounds, past either end, at the int32 limits, NumPy integer
scalars), slices, None and Ellipsis, integer arrays (1-d, 2-d, empty, of several
dtypes), boolean masks and scalar bools, every mix of these, traced scalar indices,
``lax.dynamic_slice``/``dynamic_update_slice``/``index_in_dim``, ``take``,
``take_along_axis``, ``put``, ``put_along_axis``, ``compress``, ``choose``,
``diagonal``, ``unravel_index``, ``ravel_multi_index``, ``x.at[idx].get`` with each mode and
``fill_value``, ``x.at[idx].set/add/subtract/multiply/divide/power/min/max/apply`` with
each mode (None, 'drop', 'clip', 'fill', 'promise_in_bounds'), on float, int, bool
and empty arrays, and bad indices (floats, strings, lists, objects, traced slice
bounds, a wrongly shaped mask), whose exception class must be JAX's.

Deliberate departures (``DEPARTURES``): where JAX 0.10.2 gives a silently wrong answer,
plax raises instead.
"""

from __future__ import annotations

import collections
import json
import math
import pathlib
import warnings

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core import lax

CASES = json.loads((pathlib.Path(__file__).parent / "data" / "indexing_oob_jax.json")
                   .read_text())

# JAX 0.10.2 silently wraps a Python int beyond int32 in x.at[...] updates
# (a.at[2**40].set(1.0) writes a[0]), while its reads raise OverflowError for the same
# index. plax raises OverflowError for both.
_OVERFLOW = ["raises", "OverflowError", "OverflowError"]
DEPARTURES = {f"a.at[{k}].set(1.0)": _OVERFLOW
              for k in ("2**31", "-2**31 - 1", "2**40", "-2**40")}

# JAX stages jnp.array(...) constants under jit (they become tracers there), so its
# compress raises TracerBoolConversionError for a constant condition; plax keeps
# constants concrete under jit and gives the eager result.
JIT_AS_EAGER = {"jnp.compress(jnp.array([True, False, True, False, True, True]), a)",
                "jnp.compress(np.array([True, False, True, False, True, False, False]), a)"}

_BASES = (IndexError, TypeError, ValueError, NotImplementedError, OverflowError)


def _arrays():
    return dict(a=jnp.arange(5.0), ai=jnp.arange(5, dtype=jnp.int32),
                ab=jnp.array([True, False, True, False, True]),
                m=jnp.arange(12.0).reshape(3, 4),
                t=jnp.arange(24, dtype=jnp.int32).reshape(2, 3, 4),
                e=jnp.zeros((0, 3)))


def _jit(f):
    """plax-xla's jit where installed, else trace to a jaxpr and evaluate it (the same
    abstract arguments, so the same errors)."""
    if "jit" in plax_core.get_registry().transformations:
        return plax_core.transformations.jit(f)

    def run(*args, **kwargs):
        closed = plax_core.make_jaxpr(lambda *a: f(*a))(*kwargs.values())
        return plax_core.eval_jaxpr(closed.jaxpr, closed.consts, *kwargs.values())[0]
    return run


def _outcome(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = np.asarray(fn())
    except Exception as ex:   # noqa: BLE001  (the class is what is checked)
        base = next((b.__name__ for b in _BASES if isinstance(ex, b)), "Exception")
        return ["raises", type(ex).__name__, base], ex
    return [list(r.shape), str(r.dtype), r.ravel().tolist()], None


def _run(expr, i, jit):
    ns = dict(np=np, jnp=jnp, lax=lax)

    def f(a, ai, ab, m, t, e, i):
        return eval(expr, dict(ns, a=a, ai=ai, ab=ab, m=m, t=t, e=e, i=i))  # noqa: S307

    args = dict(_arrays(), i=jnp.int32(0 if i is None else i))
    return _outcome(lambda: (_jit(f) if jit else f)(**args))


def _check(got, want, ex, what):
    if want[0] == "raises":
        assert got[0] == "raises", f"{what}: JAX raises {want[1]}, plax gave {got}"
        assert got[1:] == want[1:], f"{what}: JAX raises {want[1]} ({want[2]}), plax " \
                                    f"raised {got[1]} ({got[2]}): {ex}"
        return
    assert got[0] != "raises", f"{what}: JAX gives {want}, plax raised {got[1]}: {ex}"
    assert got[:2] == want[:2], f"{what}: shape/dtype {got[:2]}, JAX {want[:2]}"
    for g, w in zip(got[2], want[2]):
        assert (w == "nan" and math.isnan(g)) or g == w, f"{what}: {got[2]} != {want[2]}"


def _form(expr: str) -> str:
    """The audit category of a case (for the count below)."""
    if expr.startswith(("jnp.take", "jnp.put", "jnp.compress", "jnp.choose",
                        "jnp.diagonal", "jnp.unravel", "jnp.ravel")):
        return "plax.numpy functions"
    if "lax." in expr:
        return "lax slices"
    if ".at[" in expr:
        return "x.at[].get" if ".get(" in expr else "x.at[] updates"
    return "getitem"


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] + (f" i={c['i']}" if "i" in c
                                                            else "") for c in CASES])
@pytest.mark.parametrize("mode", ["eager", "jit"])
def test_indexing_matches_jax(case, mode):
    own = "eager" if case["expr"] in JIT_AS_EAGER else mode
    want = DEPARTURES.get(case["expr"], case.get(own, case["eager"]))
    got, ex = _run(case["expr"], case.get("i"), mode == "jit")
    _check(got, want, ex, f"{case['expr']} ({mode}, i={case.get('i')})")


def test_case_count():
    """843 cases x eager/jit = 1686 checks: 194 getitem, 484 x.at[] updates, 100
    x.at[].get, 45 plax.numpy index functions, 20 lax slices; 75 cases where JAX raises
    (in one mode or both)."""
    forms = collections.Counter(_form(c["expr"]) for c in CASES)
    raises = sum(c["eager"][0] == "raises" or c.get("jit", [""])[0] == "raises"
                 for c in CASES)
    assert len(CASES) == 843 and raises == 75
    assert forms == {"getitem": 194, "x.at[] updates": 484, "x.at[].get": 100,
                     "plax.numpy functions": 45, "lax slices": 20}


def test_bool_scalar_np_true_is_true():
    # JAX 0.10.2 fails an internal assert on a[np.True_]; plax reads it as a[True]
    a = jnp.arange(5.0)
    np.testing.assert_array_equal(np.asarray(a[np.True_]), np.arange(5.0)[None])
    assert a[np.False_].shape == (0, 5)


# vmap over out-of-bounds indices; values pinned from JAX 0.10.2 (run outside the repo)
_I = [10, -10, 2, -1, -6]
VMAP_CASES = [
    (lambda a, i: a[i], [4, 0, 2, 4, 0]),
    (lambda a, i: a.at[i].get(mode="fill", fill_value=-1.0), [-1, -1, 2, 4, -1]),
    (lambda a, i: a.at[i].set(9.0), [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 9, 3, 4],
                                     [0, 1, 2, 3, 9], [0, 1, 2, 3, 4]]),
    (lambda a, i: a.at[i].set(9.0, mode="clip"), [[0, 1, 2, 3, 9], [9, 1, 2, 3, 4],
                                                  [0, 1, 9, 3, 4], [0, 1, 2, 3, 9],
                                                  [9, 1, 2, 3, 4]]),
    (lambda a, i: a[jnp.array([i, i + 1])], [[4, 4], [0, 0], [2, 3], [4, 0], [0, 0]]),
]


@pytest.mark.parametrize("k", range(len(VMAP_CASES)))
def test_vmap_out_of_bounds_matches_jax(k):
    table = plax_core.get_registry().transformations
    if "vmap" not in table:
        pytest.skip("plax-batching is not installed")
    fn, want = VMAP_CASES[k]
    a = jnp.arange(5.0)
    got = table["vmap"](lambda i: fn(a, i))(jnp.array(_I, jnp.int32))
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want, np.float32))
    rows = table["vmap"](lambda x: x[10])(jnp.arange(10.0).reshape(2, 5))
    np.testing.assert_array_equal(np.asarray(rows), [4.0, 9.0])
