"""``precision=`` and ``preferred_element_type=`` on plax.numpy's products.

The expected dtypes and values were obtained by running JAX 0.10.2 outside the
repository: the product accumulates in the preferred type (int8 * int8 sums to 20000
without wrapping) and the result has that dtype.
"""
import numpy as np
import pytest

import plax_numpy as jnp

I8 = np.full((2, 2), 100, np.int8)
F16 = np.ones((2, 2), np.float16)
F32 = np.ones((2, 2), np.float32)

# (function, operand, preferred type) -> (JAX's dtype, JAX's first value)
JAX_RESULTS = {
    ("inner", "i8", "int32"): ("int32", 20000), ("inner", "i8", "float32"): ("float32", 20000),
    ("inner", "f16", "float32"): ("float32", 2), ("inner", "f32", "float16"): ("float16", 2),
    ("vdot", "i8", "int32"): ("int32", 40000), ("vdot", "i8", "float32"): ("float32", 40000),
    ("vdot", "f16", "float32"): ("float32", 4), ("vdot", "f32", "float16"): ("float16", 4),
    ("tensordot", "i8", "int32"): ("int32", 40000),
    ("tensordot", "i8", "float32"): ("float32", 40000),
    ("tensordot", "f16", "float32"): ("float32", 4),
    ("tensordot", "f32", "float16"): ("float16", 4),
}
OPERANDS = {"i8": I8, "f16": F16, "f32": F32}


@pytest.mark.parametrize("key", list(JAX_RESULTS))
def test_preferred_element_type_matches_jax(key):
    fname, operand, preferred = key
    dtype, first = JAX_RESULTS[key]
    x = OPERANDS[operand]
    out = getattr(jnp, fname)(x, x, preferred_element_type=np.dtype(preferred))
    assert out.dtype == np.dtype(dtype)
    assert np.asarray(out).ravel()[0] == first


@pytest.mark.parametrize("fname", ["inner", "vdot", "tensordot"])
@pytest.mark.parametrize("precision", ["highest", "default", ("float32", "float32"), None])
def test_precision_is_accepted(fname, precision):
    out = getattr(jnp, fname)(F32, F32, precision=precision)
    assert out.dtype == np.float32


def test_bad_precision_is_a_value_error():
    # JAX 0.10.2 raises ValueError("Precision argument must be one of: ...").
    with pytest.raises(ValueError):
        jnp.inner(F32, F32, precision="bogus")
