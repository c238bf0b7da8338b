"""A 64-bit dtype the user asks for while x64 is off is narrowed with a UserWarning, as
in JAX, from every constructor, ``astype`` and every random function taking ``dtype``.

JAX's text below was obtained by running JAX 0.10.2 outside this repository
(``jnp.ones(2, dtype=jnp.float64)`` etc.); plax keeps it word for word up to the flag's
name, and then says how to set the flag in plax.
"""

import warnings

import numpy as np
import pytest

import plax
import plax.numpy as jnp
from plax import config, random

JAX_TEXT = ("Explicitly requested dtype float64 requested in ones is not available, and will "
            "be truncated to dtype float32. To enable more dtypes, set the jax_enable_x64 "
            "configuration option")

KEY = random.PRNGKey(0)
X = np.ones(3, np.float32)

# (name JAX's warning names, call with a 64-bit dtype, the expected narrowed dtype)
CASES = [
    ("array", lambda dt: jnp.array([1.0], dtype=dt), np.float32),
    ("asarray", lambda dt: jnp.asarray([1.0], dtype=dt), np.float32),
    ("zeros", lambda dt: jnp.zeros(2, dt), np.float32),
    ("ones", lambda dt: jnp.ones(2, dtype=dt), np.float32),
    ("full", lambda dt: jnp.full(2, 1.0, dt), np.float32),
    ("full", lambda dt: jnp.full(2, X[:2], dt), np.float32),
    ("empty", lambda dt: jnp.empty(2, dt), np.float32),
    ("zeros_like", lambda dt: jnp.zeros_like(X, dtype=dt), np.float32),
    ("ones_like", lambda dt: jnp.ones_like(X, dtype=dt), np.float32),
    ("full_like", lambda dt: jnp.full_like(X, 2.0, dtype=dt), np.float32),
    ("empty_like", lambda dt: jnp.empty_like(X, dtype=dt), np.float32),  # JAX: ones_like
    ("arange", lambda dt: jnp.arange(3, dtype=dt), np.float32),
    ("arange", lambda dt: jnp.arange(0, 3, 1, dtype=dt), np.float32),
    ("linspace", lambda dt: jnp.linspace(0, 1, 3, dtype=dt), np.float32),
    ("logspace", lambda dt: jnp.logspace(0, 1, 3, dtype=dt), np.float32),
    ("geomspace", lambda dt: jnp.geomspace(1, 2, 3, dtype=dt), np.float32),
    ("eye", lambda dt: jnp.eye(2, dtype=dt), np.float32),
    ("identity", lambda dt: jnp.identity(2, dtype=dt), np.float32),
    ("tri", lambda dt: jnp.tri(2, dtype=dt), np.float32),
    ("indices", lambda dt: jnp.indices((2,), dtype=dt)[0], np.float32),
    ("fromfunction", lambda dt: jnp.fromfunction(lambda i: i, (3,), dtype=dt),
     np.float32),  # JAX: arange
    ("astype", lambda dt: jnp.ones(2).astype(dt), np.float32),
    ("astype", lambda dt: jnp.astype(jnp.ones(2), dt), np.float32),
    ("ones", lambda dt: plax.jit(lambda: jnp.ones(2, dt))(), np.float32),
    # random: JAX's warning names no function ("Explicitly requested dtype float64 is
    # not available"); plax names it.
    ("normal", lambda dt: random.normal(KEY, (2,), dt), np.float32),
    ("uniform", lambda dt: random.uniform(KEY, (2,), dt), np.float32),
    ("exponential", lambda dt: random.exponential(KEY, (2,), dt), np.float32),
    ("gamma", lambda dt: random.gamma(KEY, 1.0, (2,), dt), np.float32),
    ("truncated_normal", lambda dt: random.truncated_normal(KEY, -1.0, 1.0, (2,), dt),
     np.float32),
]
INT_CASES = [
    ("ones", lambda dt: jnp.ones(2, dtype=dt), np.int32),
    ("arange", lambda dt: jnp.arange(3, dtype=dt), np.int32),
    ("astype", lambda dt: jnp.ones(2).astype(dt), np.int32),
    ("randint", lambda dt: random.randint(KEY, (2,), 0, 3, dt), np.int32),
    ("poisson", lambda dt: random.poisson(KEY, 2.0, (2,), dt), np.int32),
    ("rademacher", lambda dt: random.rademacher(KEY, (2,), dt), np.int32),
]


def _run(fn, dt):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(dt)
    return out, [w for w in caught if issubclass(w.category, UserWarning)
                 and "Explicitly requested dtype" in str(w.message)]


def test_jax_text_prefix():
    out, caught = _run(lambda dt: jnp.ones(2, dtype=dt), jnp.float64)
    assert len(caught) == 1 and str(caught[0].message).startswith(JAX_TEXT)
    assert "PLAX_ENABLE_X64" in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the user's line, not plax's


@pytest.mark.parametrize("name,fn,want", CASES + INT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES + INT_CASES)])
def test_narrowing_warns_once(name, fn, want):
    wide = np.float64 if want == np.float32 else np.int64
    with config.override(enable_x64=False):
        for dt in (wide, np.dtype(wide).name):
            out, caught = _run(fn, dt)
            assert out.dtype == want
            assert len(caught) == 1, [str(w.message) for w in caught]
            msg = str(caught[0].message)
            assert msg.startswith(f"Explicitly requested dtype {np.dtype(wide).name} "
                                  f"requested in {name} is not available, and will be "
                                  f"truncated to dtype {np.dtype(want).name}.")


@pytest.mark.parametrize("name,fn,want", CASES + INT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES + INT_CASES)])
def test_no_warning_without_narrowing(name, fn, want):
    wide = np.float64 if want == np.float32 else np.int64
    py = float if want == np.float32 else int
    with config.override(enable_x64=False):
        for dt in (want, py):  # JAX: Python's scalar types ask for the default, silently
            out, caught = _run(fn, dt)
            assert out.dtype == want and not caught
    with config.override(enable_x64=True):
        out, caught = _run(fn, wide)
        assert out.dtype == wide and not caught
