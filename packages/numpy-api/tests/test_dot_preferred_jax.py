"""``preferred_element_type`` and ``precision`` of lax.dot_general, plax.numpy's products
and einsum, against JAX 0.10.2.

The dtype table and the values below were obtained by running JAX 0.10.2 outside the
repository (CPU, x64 off).  Each value case runs eagerly and, with plax-xla, under jit.
"""

import ml_dtypes
import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core import lax

# (input dtype, preferred_element_type, JAX's result dtype or "TypeError")
DOT_DTYPES = (
    ('bool', 'bool', 'bool'), ('bool', 'int8', 'int8'), ('bool', 'int32', 'int32'),
     ('bool', 'uint8', 'uint8'), ('bool', 'float16', 'float16'),
     ('bool', 'float32', 'float32'), ('bool', 'bfloat16', 'bfloat16'),
     ('bool', 'complex64', 'complex64'), ('int8', 'bool', 'TypeError'),
     ('int8', 'int8', 'int8'), ('int8', 'int32', 'int32'), ('int8', 'uint8', 'uint8'),
     ('int8', 'float16', 'float16'), ('int8', 'float32', 'float32'),
     ('int8', 'bfloat16', 'bfloat16'), ('int8', 'complex64', 'complex64'),
     ('int32', 'bool', 'TypeError'), ('int32', 'int8', 'TypeError'),
     ('int32', 'int32', 'int32'), ('int32', 'uint8', 'TypeError'),
     ('int32', 'float16', 'TypeError'), ('int32', 'float32', 'float32'),
     ('int32', 'bfloat16', 'TypeError'), ('int32', 'complex64', 'complex64'),
     ('uint8', 'bool', 'TypeError'), ('uint8', 'int8', 'int8'), ('uint8', 'int32', 'int32'),
     ('uint8', 'uint8', 'uint8'), ('uint8', 'float16', 'float16'),
     ('uint8', 'float32', 'float32'), ('uint8', 'bfloat16', 'bfloat16'),
     ('uint8', 'complex64', 'complex64'), ('float16', 'bool', 'bool'),
     ('float16', 'int8', 'int8'), ('float16', 'int32', 'int32'),
     ('float16', 'uint8', 'uint8'), ('float16', 'float16', 'float16'),
     ('float16', 'float32', 'float32'), ('float16', 'bfloat16', 'bfloat16'),
     ('float16', 'complex64', 'complex64'), ('float32', 'bool', 'bool'),
     ('float32', 'int8', 'int8'), ('float32', 'int32', 'int32'),
     ('float32', 'uint8', 'uint8'), ('float32', 'float16', 'float16'),
     ('float32', 'float32', 'float32'), ('float32', 'bfloat16', 'bfloat16'),
     ('float32', 'complex64', 'complex64'), ('bfloat16', 'bool', 'bool'),
     ('bfloat16', 'int8', 'int8'), ('bfloat16', 'int32', 'int32'),
     ('bfloat16', 'uint8', 'uint8'), ('bfloat16', 'float16', 'float16'),
     ('bfloat16', 'float32', 'float32'), ('bfloat16', 'bfloat16', 'bfloat16'),
     ('bfloat16', 'complex64', 'complex64'), ('complex64', 'bool', 'TypeError'),
     ('complex64', 'int8', 'TypeError'), ('complex64', 'int32', 'int32'),
     ('complex64', 'uint8', 'TypeError'), ('complex64', 'float16', 'TypeError'),
     ('complex64', 'float32', 'float32'), ('complex64', 'bfloat16', 'TypeError'),
     ('complex64', 'complex64', 'complex64'),
)
_DT = {"bfloat16": np.dtype(ml_dtypes.bfloat16)}


@pytest.mark.parametrize("inp,pref,want", DOT_DTYPES)
def test_dot_preferred_element_type_dtype_rule(inp, pref, want):
    x = np.ones((2, 2), _DT.get(inp, inp))
    p = _DT.get(pref, np.dtype(pref))
    if want == "TypeError":
        with pytest.raises(TypeError):
            lax.dot(x, x, preferred_element_type=p)
    else:
        out = lax.dot(x, x, preferred_element_type=p)
        dt = _DT.get(want, np.dtype(want))
        assert out.dtype == dt
        np.testing.assert_array_equal(np.asarray(out), np.full((2, 2), 2).astype(dt))


F = np.array([[1.7, 2.6]], np.float32)
I8 = np.full((3,), 100, np.int8)
C = np.array([[1 + 2j, 3 - 1j]], np.complex64)
# (expression, JAX 0.10.2's value, its dtype)
VALUES = [
    ("lax.dot(F, F.T, preferred_element_type=np.int32)", [[9]], "int32"),
    ("lax.dot(100 * F / F, (100 * F / F).T, preferred_element_type=np.int8)", [[127]], "int8"),
    ("lax.dot(np.array([2049., -2048.], np.float32), np.ones(2, np.float32), "
     "preferred_element_type=np.float16)", 1.0, "float16"),
    ("lax.dot(C, C.T, preferred_element_type=np.float32)", [[5.0]], "float32"),
    ("lax.dot(F, F.T, preferred_element_type=np.complex64)", [[9.65]], "complex64"),
    ("jnp.einsum('i,i->', F[0], F[0], preferred_element_type=np.int32)", 9, "int32"),
    ("jnp.einsum('i,i->', I8, I8, preferred_element_type=np.int32)", 30000, "int32"),
    ("jnp.einsum('i,i->i', I8, I8, preferred_element_type=np.int32)", [10000] * 3, "int32"),
    ("jnp.einsum('ij,kj->ik', F, F, precision='highest')", [[9.65]], "float32"),
    ("jnp.vecdot(I8, I8, preferred_element_type=np.int32)", 30000, "int32"),
    ("jnp.linalg.vecdot(I8, I8, preferred_element_type=np.int32)", 30000, "int32"),
    ("jnp.matmul(I8, I8, preferred_element_type=np.int32, precision='highest')", 30000,
     "int32"),
    ("jnp.linalg.matmul(I8, I8, preferred_element_type=np.int32)", 30000, "int32"),
    ("jnp.linalg.tensordot(I8, I8, axes=1, preferred_element_type=np.int32)", 30000,
     "int32"),
    ("jnp.dot(I8, I8, preferred_element_type=np.int32, precision=lax.Precision.HIGH)", 30000,
     "int32"),
    ("jnp.dot(2, 3, preferred_element_type=np.float32)", 6.0, "float32"),
    ("jnp.matmul(F, F.T, preferred_element_type=np.int32)", [[9]], "int32"),
]
G = {"np": np, "jnp": jnp, "lax": lax, "F": F, "I8": I8, "C": C}


def _check(got, want, dtype):
    assert np.asarray(got).dtype == np.dtype(dtype)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want, dtype), rtol=1e-6)


@pytest.mark.parametrize("expr,want,dtype", VALUES)
def test_values_match_jax(expr, want, dtype):
    _check(eval(expr, G), want, dtype)


@pytest.mark.parametrize("expr,want,dtype", VALUES)
def test_values_match_jax_under_jit(expr, want, dtype):
    table = plax_core.get_registry().transformations
    if "jit" not in table:
        pytest.skip("jit needs plax-xla")
    _check(table["jit"](lambda: eval(expr, G))(), want, dtype)
