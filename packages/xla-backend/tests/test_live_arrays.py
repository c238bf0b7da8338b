"""``plax.live_arrays``, ``Array.delete`` and ``Array.is_deleted`` (JAX's names), on the
XLA backend; the NumPy reference backend refuses them with NotImplementedError."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import plax
import plax.numpy as jnp
from plax_core.backend import NumpyBackend


def _holding(arrays, value):
    return any(a.shape == value.shape and a.dtype == value.dtype
               and np.array_equal(np.asarray(a), value) for a in arrays)


def test_a_new_array_is_live_and_a_deleted_one_is_not():
    marker = np.arange(7, dtype=np.float32) * 3.25 - 100.0    # a value nothing else holds
    x = plax.device_put(marker)
    assert _holding(plax.live_arrays(), marker)
    assert not x.is_deleted()
    x.delete()
    assert x.is_deleted()
    assert not _holding(plax.live_arrays(), marker)


def test_using_a_deleted_array_is_a_runtime_error():
    x = jnp.ones(3)
    x.delete()
    with pytest.raises(RuntimeError, match="deleted"):
        x + 1
    with pytest.raises(RuntimeError, match="deleted"):
        np.asarray(x)


def test_deleting_every_live_array_frees_them_and_work_goes_on():
    # in a fresh process: this deletes every array of the process, other tests' too
    script = textwrap.dedent("""
        import numpy as np, plax, plax.numpy as jnp
        before = jnp.arange(5.0)
        jnp.ones(3) * 2.0                       # a cached eager constant
        plax.jit(lambda v: v * 3.0 + 1.0)(jnp.ones(2))   # a program's constants
        for a in plax.live_arrays():
            a.delete()
        assert before.is_deleted()
        assert plax.live_arrays() == []
        # cached eager constants and compiled programs' constants are re-made as needed
        np.testing.assert_allclose(jnp.arange(3.0) * 2.0 + 1.0, [1.0, 3.0, 5.0])
        np.testing.assert_allclose(plax.jit(lambda v: v * 3.0 + 1.0)(jnp.ones(2)), [4.0, 4.0])
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_live_arrays_of_another_platform_is_empty():
    jnp.ones(2)
    assert plax.live_arrays("no-such-platform") == []
    assert plax.live_arrays(plax.default_backend())


def test_donation_shows_as_deleted():
    f = plax.jit(lambda v: v + 1.0, donate_argnums=0)
    x = jnp.ones(4)
    f(x)
    assert x.is_deleted()


def test_numpy_backend_refuses_clearly():
    backend = NumpyBackend()
    x = backend.device_put(np.ones(2, np.float32))
    assert not x.is_deleted()
    with pytest.raises(NotImplementedError, match="host memory"):
        x.delete()
    with pytest.raises(NotImplementedError, match="live_arrays"):
        backend.live_arrays()
