"""The cotangent of ``dot_general``'s right operand comes out in that operand's layout.

``x @ w``'s gradient in ``w`` is ``dot_general(x, ct)``, already ``(in, out)``, not
``dot_general(ct, x)`` transposed: under ``vmap`` (per-example gradients) XLA
materialised that transpose as a copy of the whole per-example result.  Values are
checked against NumPy; the general dimension numbers are in ``test_rules.py``.
"""

import numpy as np

from plax_autodiff import grad
from plax_batching import vmap
from plax_core import lax
from plax_core.jaxpr import make_jaxpr

RNG = np.random.RandomState(0)
X, W = RNG.randn(5, 3).astype(np.float32), RNG.randn(3, 4).astype(np.float32)


def _loss(w, x):
    return lax.reduce_sum(lax.tanh(lax.dot_general(x, w, (((x.ndim - 1,), (0,)), ((), ())))),
                          tuple(range(x.ndim)))


def test_weight_gradient_needs_no_transpose():
    jaxpr = make_jaxpr(grad(_loss))(W, X)
    assert "transpose" not in str(jaxpr)
    ct = 1 - np.tanh(X @ W) ** 2
    np.testing.assert_allclose(np.asarray(grad(_loss)(W, X)), X.T @ ct, rtol=1e-5, atol=1e-5)


def test_per_example_weight_gradients_need_no_transpose():
    per_example = vmap(grad(_loss), in_axes=(None, 0))
    assert "transpose" not in str(make_jaxpr(per_example)(W, X))
    got = np.asarray(per_example(W, X))
    ct = 1 - np.tanh(X @ W) ** 2
    np.testing.assert_allclose(got, X[:, :, None] * ct[:, None, :], rtol=1e-5, atol=1e-6)
