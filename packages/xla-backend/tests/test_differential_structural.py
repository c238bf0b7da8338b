"""Every structural and reduction core primitive on the NumPy backend and on XLA agrees.

Generated shapes (``PLAX_NUM_GENERATED_CASES``) and parameters per primitive, over
every dtype the primitive accepts; equality for bool/int, tolerances for floats.
Also the rule-coverage test: every registered primitive has a lowering rule or is
listed in ``UNSUPPORTED`` with the reason.
"""

import zlib

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.ad_util import stop_gradient_p
from plax_core.testing import num_generated_cases, random_array, random_shapes

BF16 = np.dtype(plax_core.dtypes.bfloat16)
ALL = [np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                             np.uint16, np.uint32, np.uint64)] + [
    BF16] + [np.dtype(t) for t in (np.float16, np.float32, np.float64, np.complex64,
                                   np.complex128)]
NUM = [d for d in ALL if d != np.bool_]
ORDERED = [d for d in ALL if d.kind != "c"]
BITWISE = [d for d in ALL if d.kind in "biu"]

# Primitives with no lowering rule, and why (the coverage test reads this).
UNSUPPORTED: dict[str, str] = {
    "custom_lin": "plax-autodiff's linearization marker: it is transposed away before "
                  "anything is evaluated, and evaluating it is an error by design",
}


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _shapes(rng, min_rank=0, max_rank=3):
    n = max(2, num_generated_cases() // 3)
    shapes = [s for s in random_shapes(rng, 4 * n, max_rank=max_rank, max_dim=4)
              if len(s) >= min_rank]
    return shapes[:n]


def sample(rng, shape, dt):
    x = np.array(random_array(rng, shape, dt))
    if (dt == BF16 or dt.kind == "f") and x.size:
        x.reshape(-1)[0] = np.nan if x.size > 3 else x.reshape(-1)[0]
    return x


def test_every_primitive_has_a_lowering_rule():
    registry = plax_core.get_registry()
    table = registry.rules("lowering")
    missing = [name for name, p in registry.primitives.items()
               if p not in table and name not in UNSUPPORTED]
    assert missing == [], f"primitives without a lowering rule: {missing}"
    for name in UNSUPPORTED:
        assert name not in registry.primitives or registry.primitives[name] not in table


@pytest.mark.parametrize("dt", ALL, ids=str)
def test_shape_ops(check_backends, dt):
    rng = _rng("shape", dt.name)
    for shape in _shapes(rng, min_rank=1):
        x = sample(rng, shape, dt)
        nd = x.ndim
        perm = tuple(rng.permutation(nd))
        check_backends(lax.transpose_p, [x], {"permutation": perm})
        check_backends(lax.rev_p, [x], {"dimensions": tuple(
            d for d in range(nd) if rng.random() < 0.5)})
        check_backends(lax.reshape_p, [x], {"new_sizes": (x.size,), "dimensions": None,
                                           "sharding": None})
        check_backends(lax.reshape_p, [x], {"new_sizes": (x.size,), "dimensions": perm,
                                           "sharding": None})
        out_shape = (2,) + shape
        check_backends(lax.broadcast_in_dim_p, [x], {
            "shape": out_shape, "broadcast_dimensions": tuple(range(1, nd + 1)),
            "sharding": None})
        check_backends(lax.expand_dims_p, [x], {"dimensions": (0, nd + 1)})
        ones = x.reshape(shape + (1,))
        check_backends(lax.squeeze_p, [ones], {"dimensions": (nd,)})
        check_backends(stop_gradient_p, [x], {}) if dt.kind in "fcV" else None
        check_backends(lax.copy_p, [x], {})


@pytest.mark.parametrize("dt", ALL, ids=str)
def test_broadcast_size_one(check_backends, dt):
    x = sample(_rng("b1", dt.name), (3, 1), dt)
    check_backends(lax.broadcast_in_dim_p, [x], {"shape": (2, 3, 4),
                                                 "broadcast_dimensions": (1, 2),
                                                 "sharding": None})


@pytest.mark.parametrize("dt", ALL, ids=str)
def test_slices(check_backends, dt):
    rng = _rng("slice", dt.name)
    for shape in _shapes(rng, min_rank=1):
        x = sample(rng, shape, dt)
        start = tuple(int(rng.integers(0, d + 1)) for d in shape)
        limit = tuple(int(rng.integers(s, d + 1)) for s, d in zip(start, shape))
        strides = tuple(int(rng.integers(1, 3)) for _ in shape)
        check_backends(lax.slice_p, [x], {"start_indices": start, "limit_indices": limit,
                                          "strides": strides})
        check_backends(lax.slice_p, [x], {"start_indices": start, "limit_indices": limit,
                                          "strides": None})
        sizes = tuple(int(rng.integers(0, d + 1)) for d in shape)
        idx = [np.int32(rng.integers(-3, d + 3)) for d in shape]   # clamped by both
        check_backends(lax.dynamic_slice_p, [x, *idx], {"slice_sizes": sizes})
        update = sample(rng, sizes, dt)
        check_backends(lax.dynamic_update_slice_p, [x, update, *idx], {})


@pytest.mark.parametrize("dt", ALL, ids=str)
def test_pad_and_concatenate(check_backends, dt):
    rng = _rng("pad", dt.name)
    for shape in _shapes(rng, min_rank=1):
        x = sample(rng, shape, dt)
        config = tuple((int(rng.integers(-1, 3)), int(rng.integers(-1, 3)),
                        int(rng.integers(0, 2))) for _ in shape)
        config = tuple((max(lo, -d), max(hi, -d), i) if d else (max(lo, 0), max(hi, 0), i)
                       for d, (lo, hi, i) in zip(shape, config))
        value = sample(rng, (), dt)
        try:
            lax.pad_p.abstract_eval(plax_core.core.get_aval(x),
                                    plax_core.core.get_aval(value), padding_config=config)
        except ValueError:
            continue
        check_backends(lax.pad_p, [x, value], {"padding_config": config})
        axis = int(rng.integers(0, len(shape)))
        other = list(shape)
        other[axis] = 2
        y = sample(rng, tuple(other), dt)
        check_backends(lax.concatenate_p, [x, y, x], {"dimension": axis})


@pytest.mark.parametrize("dt", [d for d in ALL if d != np.bool_], ids=str)
def test_iota(check_backends, dt):
    for shape, dim in [((5,), 0), ((2, 3), 1), ((3, 0), 0), ((300,), 0)]:
        check_backends(lax.iota_p, [], {"dtype": dt, "shape": shape, "dimension": dim,
                                        "sharding": None})


REDUCTIONS = [("reduce_sum", NUM), ("reduce_prod", NUM), ("reduce_max", ALL),
              ("reduce_min", ALL), ("reduce_and", BITWISE), ("reduce_or", BITWISE),
              ("reduce_xor", BITWISE)]


@pytest.mark.parametrize("name,dt", [pytest.param(n, d, id=f"{n}-{d.name}")
                                     for n, dts in REDUCTIONS for d in dts])
def test_reductions(check_backends, name, dt):
    rng = _rng(name, dt.name)
    prim = getattr(lax, f"{name}_p")
    for shape in _shapes(rng):
        x = sample(rng, shape, dt)
        if name == "reduce_prod" and dt.kind in "fcV":
            x = (x / 2).astype(dt)
        axes = tuple(d for d in range(x.ndim) if rng.random() < 0.6)
        rtol = 1e-2 if name == "reduce_prod" and dt.itemsize <= 2 else None
        check_backends(prim, [x], {"axes": axes}, rtol=rtol)
        check_backends(prim, [x], {"axes": tuple(range(x.ndim))}, rtol=rtol)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("dt", ORDERED, ids=str)
def test_argminmax(check_backends, name, dt):
    rng = _rng(name, dt.name)
    prim = getattr(lax, f"{name}_p")
    for shape in _shapes(rng, min_rank=1):
        x = np.array(random_array(rng, shape, dt, -1, 1))        # many ties
        if (dt == BF16 or dt.kind == "f") and x.size > 2:
            x.reshape(-1)[rng.integers(0, x.size, 2)] = np.nan
        for axis in range(x.ndim):
            if shape[axis] == 0:
                continue
            for index_dtype in (np.dtype(np.int32), np.dtype(np.uint8)):
                check_backends(prim, [x], {"axes": (axis,), "index_dtype": index_dtype})


DOT_CASES = [  # lhs shape, rhs shape, ((lc, rc), (lb, rb))
    ((3,), (3,), (((0,), (0,)), ((), ()))),
    ((2, 3), (3, 4), (((1,), (0,)), ((), ()))),
    ((2, 3), (4, 3), (((1,), (1,)), ((), ()))),
    ((5, 2, 3), (5, 3, 4), (((2,), (1,)), ((0,), (0,)))),
    ((2, 3, 5), (4, 5, 3), (((1, 2), (2, 1)), ((), ()))),
    ((2, 3), (4,), (((), ()), ((), ()))),
    ((0, 3), (3, 2), (((1,), (0,)), ((), ()))),
]


@pytest.mark.parametrize("dt", ALL, ids=str)
def test_dot_general(check_backends, dt):
    rng = _rng("dot", dt.name)
    for lshape, rshape, dims in DOT_CASES:
        lhs = np.array(random_array(rng, lshape, dt))
        rhs = np.array(random_array(rng, rshape, dt))
        params = {"dimension_numbers": dims, "precision": None,
                  "preferred_element_type": None}
        check_backends(lax.dot_general_p, [lhs, rhs], params)


@pytest.mark.parametrize("dt,pref", [(np.int8, np.int32), (np.int8, np.float32),
                                     (BF16, np.float32), (np.float16, np.float32),
                                     (np.uint8, np.uint16), (np.bool_, np.int32)], ids=str)
def test_dot_general_preferred_type(check_backends, dt, pref):
    rng = _rng("dotp", str(dt), str(pref))
    lhs = np.array(random_array(rng, (2, 3), np.dtype(dt)))
    rhs = np.array(random_array(rng, (3, 4), np.dtype(dt)))
    check_backends(lax.dot_general_p, [lhs, rhs], {
        "dimension_numbers": (((1,), (0,)), ((), ())), "precision": None,
        "preferred_element_type": np.dtype(pref)})
