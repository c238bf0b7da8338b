"""``eval_shape`` and ``ShapeDtypeStruct`` with JAX's constructor, repr and results.

The expected reprs and results were obtained by running JAX 0.10.2 outside the repository.
"""
import numpy as np
import pytest

from plax_core import ShapeDtypeStruct, lax
from plax_core.jaxpr import eval_shape


def test_constructor_and_repr():
    s = ShapeDtypeStruct([2, 3], np.float32, sharding=None)
    assert (s.shape, s.ndim, s.size, s.sharding, s.weak_type) == ((2, 3), 2, 6, None, False)
    assert s == ShapeDtypeStruct((2, 3), "float32") and hash(s) == hash(
        ShapeDtypeStruct((2, 3), "float32"))
    assert repr(s) == "ShapeDtypeStruct(shape=(2, 3), dtype=float32)"
    assert repr(ShapeDtypeStruct((), "int32", weak_type=True)) == \
        "ShapeDtypeStruct(shape=(), dtype=int32, weak_type=True)"
    assert repr(s.update(shape=(4,))) == "ShapeDtypeStruct(shape=(4,), dtype=float32)"
    assert len(s) == 2
    with pytest.raises(ValueError, match="dtype must be specified"):
        ShapeDtypeStruct((2,), None)


@pytest.mark.parametrize("fun, args, kwargs, expected", [
    (lambda x: x * 2, (ShapeDtypeStruct((2,), np.float64),), {},
     "ShapeDtypeStruct(shape=(2,), dtype=float32)"),
    (lambda x, y: {"a": x @ y, "b": (x.sum(), 3)}, (np.ones((2, 3), np.float32),
                                                    np.ones((3, 4), np.int32)), {},
     "{'a': ShapeDtypeStruct(shape=(2, 4), dtype=float32), 'b': (ShapeDtypeStruct("
     "shape=(), dtype=float32), ShapeDtypeStruct(shape=(), dtype=int32, weak_type=True))}"),
    (lambda x: x + 1.0, (2.0,), {}, "ShapeDtypeStruct(shape=(), dtype=float32, weak_type=True)"),
    (lambda x, n: x * n, (np.ones(2, np.float32),), {"n": 3},
     "ShapeDtypeStruct(shape=(2,), dtype=float32)"),
])
def test_eval_shape_matches_jax(fun, args, kwargs, expected):
    assert repr(eval_shape(fun, *args, **kwargs)) == expected


def test_eval_shape_computes_nothing_and_rejects_non_arrays():
    calls = []

    def f(x):
        calls.append(type(x).__name__)
        return lax.sin(x)

    out = eval_shape(f, ShapeDtypeStruct((1000, 1000), np.float32))
    assert out.shape == (1000, 1000) and len(calls) == 1 and calls[0] != "Array"
    with pytest.raises(TypeError, match=r"argument at \[0\]\['a'\]\[1\] is a str"):
        eval_shape(lambda x: x, {"a": [1, "abc"]})
