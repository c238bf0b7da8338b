"""The rest of JAX's ``scipy.special`` (special_more.py) against scipy.special, and the
modified Bessel functions under ``jit``.

Values marked "JAX 0.10.2" were obtained by running JAX 0.10.2 outside the repository.
"""

import numpy as np
import pytest
import scipy.special as osp

import plax
from plax.scipy import special

# --------------------------------------------------------------- i0/i0e/i1/i1e under jit

BESSEL_X = np.concatenate([np.linspace(-30, 30, 121), [0.0, 2.9, 3.0, 19.9, 20.0, 20.1]])


@pytest.mark.parametrize("name", ["i0", "i0e", "i1", "i1e"])
def test_bessel_i_jit_matches_eager_and_scipy(name):
    """XLA regrouped the power series' running product into (x^2)^k * c_k, inf * 0 = NaN
    in float32 for |x| >= 3 under jit; the Horner form cannot be regrouped that way."""
    x = BESSEL_X.astype(np.float32)
    fn = getattr(special, name)
    eager, jitted = np.asarray(fn(x)), np.asarray(plax.jit(fn)(x))
    want = getattr(osp, name)(BESSEL_X)
    assert np.all(np.isfinite(jitted))
    np.testing.assert_allclose(jitted, want, rtol=2e-5)
    np.testing.assert_allclose(eager, want, rtol=2e-5)
    for v in (3.0, 5.0, 20.0):  # scalars go through a different (0-d) fusion
        np.testing.assert_allclose(np.asarray(plax.jit(fn)(np.float32(v))),
                                   getattr(osp, name)(v), rtol=2e-5)
