"""Every core primitive's batching rule against the loop oracle.

For each primitive, ``CASES[name](rng)`` draws a call (a closure over the static
parameters, binding the primitive directly) and one generator per array operand.
``check_vmap`` draws separate examples for the batch, and for every batch position of
every operand (unbatched, each axis, a negative axis) compares ``vmap`` with "apply
the unbatched call in a Python loop and stack", also under ``make_jaxpr`` and with
random ``out_axes``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest

import plax_core
from plax_batching import vmap
from plax_core import lax, testing
from plax_core.core import ShapedArray
from plax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr
from plax_core.testing import num_generated_cases

BF16 = np.dtype(plax_core.dtypes.bfloat16)
CANDIDATE_DTYPES = [np.dtype(d) for d in (np.float32, np.int32, np.bool_, np.complex64,
                                          np.uint8, np.float16, BF16, np.int8)]


class Case(NamedTuple):
    fun: Callable                  # the unbatched call (array operands in)
    makers: list                   # per operand: rng -> one example (a NumPy array)
    exact: bool = True             # compare bit for bit (else with a tolerance)


def arr(shape, dtype, **kw):
    return lambda rng: np.asarray(testing.random_array(rng, shape, dtype, **kw))


def rand_shape(rng, min_rank=0, max_rank=3, max_dim=4, allow_zero=True):
    rank = int(rng.integers(min_rank, max_rank + 1))
    shape = [int(d) for d in rng.integers(1, max_dim + 1, size=rank)]
    if allow_zero and rank and rng.random() < 0.1:
        shape[int(rng.integers(rank))] = 0
    return tuple(shape)


def valid_dtypes(prim, arity, **params):
    """The candidate dtypes the primitive accepts for ``arity`` operands of one dtype."""
    out = []
    for dt in CANDIDATE_DTYPES:
        try:
            prim.abstract_eval(*[ShapedArray((), dt)] * arity, **params)
        except (TypeError, ValueError):
            continue
        out.append(dt)
    return out


def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


# ------------------------------------------------------------------ elementwise

UNARY = """
    neg sign floor ceil round is_finite abs square integer_pow exp exp2 log log1p expm1
    tanh logistic sin cos tan asin acos atan sinh cosh asinh acosh atanh sqrt rsqrt cbrt
    erf erfc erf_inv lgamma digamma real imag conj not copy stop_gradient population_count
    clz
""".split()
BINARY = """
    add sub mul div rem pow max min nextafter atan2 and or xor shift_left
    shift_right_logical shift_right_arithmetic eq ne lt le gt ge complex
""".split()

PRIMS = plax_core.get_registry().primitives


def _unary_params(name, dtype, rng):
    if name == "integer_pow":
        return dict(y=int(rng.integers(0 if dtype.kind in "iu" else -2, 4)))
    if name == "round":
        return dict(rounding_method=int(rng.integers(2)))
    if name == "conj":
        return dict(input_dtype=dtype)
    return {}


def unary_case(name):
    prim = PRIMS[name]

    def gen(rng):
        probe = _unary_params(name, np.dtype(np.float32), rng)
        dtype = pick(rng, valid_dtypes(prim, 1, **probe))
        params = _unary_params(name, dtype, rng)
        shape = rand_shape(rng)
        return Case(lambda x: prim.bind(x, **params), [arr(shape, dtype)],
                    exact=dtype.kind not in "fc" and dtype != BF16)

    return gen


def binary_case(name):
    prim = PRIMS[name]

    def gen(rng):
        dtype = pick(rng, valid_dtypes(prim, 2))
        shape = rand_shape(rng)
        y_dtype = dtype
        if name == "pow" and rng.random() < 0.5:
            y_dtype = np.dtype(np.int32)
        return Case(lambda x, y: prim.bind(x, y), [arr(shape, dtype), arr(shape, y_dtype)])

    return gen


def convert_case(rng):
    dtype, new = pick(rng, CANDIDATE_DTYPES), pick(rng, CANDIDATE_DTYPES)
    return Case(lambda x: lax.convert_element_type_p.bind(x, new_dtype=new, weak_type=False,
                                                          sharding=None),
                [arr(rand_shape(rng), dtype)])


def bitcast_case(rng):
    old, new = pick(rng, [(np.float32, np.int32), (np.float32, np.uint8),
                          (np.uint8, np.float32), (np.int32, np.float16),
                          (np.float16, np.int32), (np.int8, np.uint8)])
    old, new = np.dtype(old), np.dtype(new)
    shape = rand_shape(rng, max_rank=2)
    if new.itemsize > old.itemsize:
        shape = shape + (new.itemsize // old.itemsize,)
    return Case(lambda x: lax.bitcast_convert_type_p.bind(x, new_dtype=new),
                [arr(shape, old)])


def clamp_case(rng):
    dtype = pick(rng, valid_dtypes(lax.clamp_p, 3))
    shape = rand_shape(rng)
    lo_shape = () if rng.random() < 0.5 else shape
    hi_shape = () if rng.random() < 0.5 else shape
    return Case(lambda lo, x, hi: lax.clamp_p.bind(lo, x, hi),
                [arr(lo_shape, dtype, low=-3, high=0), arr(shape, dtype),
                 arr(hi_shape, dtype, low=0, high=3)])


def select_n_case(rng):
    n = int(rng.integers(1, 4))
    which_dtype = np.dtype(np.bool_) if n <= 2 and rng.random() < 0.5 else np.dtype(np.int32)
    dtype = pick(rng, CANDIDATE_DTYPES)
    shape = rand_shape(rng)
    which_shape = () if rng.random() < 0.4 else shape
    which = (arr(which_shape, which_dtype) if which_dtype == np.bool_
             else arr(which_shape, which_dtype, low=-1, high=n))
    return Case(lambda w, *cs: lax.select_n_p.bind(w, *cs),
                [which] + [arr(shape, dtype) for _ in range(n)])


# ------------------------------------------------------------------ reductions

def reduction_case(name):
    prim = PRIMS[name]

    def gen(rng):
        dtype = pick(rng, valid_dtypes(prim, 1, axes=()))
        shape = rand_shape(rng)
        k = int(rng.integers(0, len(shape) + 1))
        axes = tuple(int(a) for a in rng.permutation(len(shape))[:k])
        return Case(lambda x: prim.bind(x, axes=axes), [arr(shape, dtype)],
                    exact=dtype.kind not in "fc" and dtype != BF16)

    return gen


def argminmax_case(name):
    prim = PRIMS[name]

    def gen(rng):
        dtype = pick(rng, [np.dtype(np.float32), np.dtype(np.int32), np.dtype(np.bool_)])
        shape = rand_shape(rng, min_rank=1, allow_zero=False)
        axis = int(rng.integers(len(shape)))
        index_dtype = pick(rng, [np.dtype(np.int32), np.dtype(np.uint8)])
        return Case(lambda x: prim.bind(x, axes=(axis,), index_dtype=index_dtype),
                    [arr(shape, dtype)])

    return gen


def dot_general_case(rng):
    nb, nc, nl, nr = (int(rng.integers(0, 3)) for _ in range(4))
    sizes = {k: [int(d) for d in rng.integers(1, 4, size=n)]
             for k, n in (("b", nb), ("c", nc), ("l", nl), ("r", nr))}
    lhs_kinds = [("b", i) for i in range(nb)] + [("c", i) for i in range(nc)] + \
        [("l", i) for i in range(nl)]
    rhs_kinds = [("b", i) for i in range(nb)] + [("c", i) for i in range(nc)] + \
        [("r", i) for i in range(nr)]
    lhs_kinds = [lhs_kinds[i] for i in rng.permutation(len(lhs_kinds))]
    rhs_kinds = [rhs_kinds[i] for i in rng.permutation(len(rhs_kinds))]

    def where(kinds, kind):
        return tuple(kinds.index((kind, i)) for i in range(len(sizes[kind])))

    dims = ((where(lhs_kinds, "c"), where(rhs_kinds, "c")),
            (where(lhs_kinds, "b"), where(rhs_kinds, "b")))
    lhs_shape = tuple(sizes[k][i] for k, i in lhs_kinds)
    rhs_shape = tuple(sizes[k][i] for k, i in rhs_kinds)
    dtype = pick(rng, [np.dtype(np.float32), np.dtype(np.int32)])
    return Case(lambda x, y: lax.dot_general_p.bind(x, y, dimension_numbers=dims,
                                                    precision=None,
                                                    preferred_element_type=None),
                [arr(lhs_shape, dtype), arr(rhs_shape, dtype)], exact=dtype.kind != "f")


# ------------------------------------------------------------------ structural

def _dtype(rng):
    return pick(rng, CANDIDATE_DTYPES)


def broadcast_in_dim_case(rng):
    shape = rand_shape(rng)
    out_rank = len(shape) + int(rng.integers(0, 3))
    bd = tuple(sorted(int(i) for i in rng.permutation(out_rank)[:len(shape)]))
    out = [int(d) for d in rng.integers(1, 4, size=out_rank)]
    shape = tuple(1 if rng.random() < 0.3 else d for d in shape)
    for d, b in zip(shape, bd):
        out[b] = d if d != 1 else out[b]
    out = tuple(out)
    return Case(lambda x: lax.broadcast_in_dim_p.bind(x, shape=out, broadcast_dimensions=bd,
                                                      sharding=None),
                [arr(shape, _dtype(rng))])


def reshape_case(rng):
    shape = rand_shape(rng)
    size = int(np.prod(shape, dtype=np.int64))
    new = pick(rng, [(size,), shape[::-1], shape + (1,), (1,) + shape])
    dims = None if rng.random() < 0.5 else tuple(int(i) for i in rng.permutation(len(shape)))
    return Case(lambda x: lax.reshape_p.bind(x, new_sizes=new, dimensions=dims,
                                             sharding=None), [arr(shape, _dtype(rng))])


def squeeze_case(rng):
    shape = list(rand_shape(rng))
    ones = int(rng.integers(0, 3))
    for _ in range(ones):
        shape.insert(int(rng.integers(len(shape) + 1)), 1)
    dims = tuple(sorted(i for i, d in enumerate(shape) if d == 1 and rng.random() < 0.7))
    return Case(lambda x: lax.squeeze_p.bind(x, dimensions=dims),
                [arr(tuple(shape), _dtype(rng))])


def expand_dims_case(rng):
    shape = rand_shape(rng)
    k = int(rng.integers(1, 3))
    dims = tuple(sorted(int(i) for i in rng.permutation(len(shape) + k)[:k]))
    return Case(lambda x: lax.expand_dims_p.bind(x, dimensions=dims), [arr(shape, _dtype(rng))])


def transpose_case(rng):
    shape = rand_shape(rng)
    perm = tuple(int(i) for i in rng.permutation(len(shape)))
    return Case(lambda x: lax.transpose_p.bind(x, permutation=perm), [arr(shape, _dtype(rng))])


def rev_case(rng):
    shape = rand_shape(rng)
    dims = tuple(i for i in range(len(shape)) if rng.random() < 0.5)
    return Case(lambda x: lax.rev_p.bind(x, dimensions=dims), [arr(shape, _dtype(rng))])


def slice_case(rng):
    shape = rand_shape(rng)
    starts = tuple(int(rng.integers(0, d + 1)) for d in shape)
    limits = tuple(int(rng.integers(s, d + 1)) for s, d in zip(starts, shape))
    strides = None if rng.random() < 0.4 else tuple(int(rng.integers(1, 3)) for _ in shape)
    return Case(lambda x: lax.slice_p.bind(x, start_indices=starts, limit_indices=limits,
                                           strides=strides), [arr(shape, _dtype(rng))])


def _index_makers(rng, shape):
    dtype = pick(rng, [np.dtype(np.int32), np.dtype(np.int8)])
    return [arr((), dtype, low=-2, high=d + 1) for d in shape]


def dynamic_slice_case(rng):
    shape = rand_shape(rng)
    sizes = tuple(int(rng.integers(0, d + 1)) for d in shape)
    return Case(lambda x, *idx: lax.dynamic_slice_p.bind(x, *idx, slice_sizes=sizes),
                [arr(shape, _dtype(rng))] + _index_makers(rng, shape))


def dynamic_update_slice_case(rng):
    shape = rand_shape(rng)
    update = tuple(int(rng.integers(0, d + 1)) for d in shape)
    dtype = _dtype(rng)
    return Case(lambda x, u, *idx: lax.dynamic_update_slice_p.bind(x, u, *idx),
                [arr(shape, dtype), arr(update, dtype)] + _index_makers(rng, shape))


def pad_case(rng):
    shape = rand_shape(rng)
    config = []
    for d in shape:
        interior = int(rng.integers(0, 3))
        full = d + max(d - 1, 0) * interior
        lo = int(rng.integers(-min(full, 2), 3))
        hi = int(rng.integers(-min(full + lo, 2) if full + lo > 0 else 0, 3))
        config.append((lo, hi, interior))
    config = tuple(config)
    dtype = _dtype(rng)
    return Case(lambda x, v: lax.pad_p.bind(x, v, padding_config=config),
                [arr(shape, dtype), arr((), dtype)])


def concatenate_case(rng):
    shape = rand_shape(rng, min_rank=1)
    dim = int(rng.integers(len(shape)))
    n = int(rng.integers(1, 4))
    dtype = _dtype(rng)
    shapes = [shape[:dim] + (int(rng.integers(0, 4)),) + shape[dim + 1:] for _ in range(n)]
    return Case(lambda *xs: lax.concatenate_p.bind(*xs, dimension=dim),
                [arr(s, dtype) for s in shapes])


def iota_case(rng):
    shape = rand_shape(rng, min_rank=1)
    dim = int(rng.integers(len(shape)))
    dtype = pick(rng, [np.dtype(np.int32), np.dtype(np.float32)])
    return Case(lambda: lax.iota_p.bind(dtype=dtype, shape=shape, dimension=dim,
                                        sharding=None), [])


# ------------------------------------------------------------------ higher-order

# Primitives other packages define (plax-autodiff's), bound directly with their
# parameters: a closed jaxpr whose first ``num_consts`` operands are closed-over values.
def _call_body(rng):
    """A jaxpr of (c, x) with one output depending on both and one on c alone."""
    shape = rand_shape(rng)
    aval = ShapedArray(shape, np.float32)

    def body(c, x):
        return [lax.add(lax.mul(lax.sin(x), c), x), lax.mul(c, np.float32(2))]

    jaxpr, consts = trace_to_jaxpr(body, [aval, aval])
    return ClosedJaxpr(jaxpr, consts), shape, int(rng.integers(2))


def _not_called(*args):
    raise AssertionError("a custom rule is not used by vmap alone")


def call_case(name):
    prim = PRIMS.get(name)

    def gen(rng):
        closed, shape, k = _call_body(rng)
        if name == "checkpoint":
            params = dict(jaxpr=closed, prevent_cse=True, differentiated=False, policy=None)
        elif name == "custom_jvp_call":
            params = dict(call_jaxpr=closed, jvp=_not_called, num_consts=1,
                          symbolic_zeros=False)
        else:
            params = dict(call_jaxpr=closed, fwd=_not_called, bwd=_not_called,
                          num_consts=1, symbolic_zeros=False)
        return Case(lambda c, x: prim.bind(c, x, **params)[k],
                    [arr(shape, np.float32), arr(shape, np.float32)], exact=False)

    return gen


# No oracle case: custom_lin (the linear half of custom_vjp_call) cannot be evaluated,
# only transposed; test_higher_order.py checks its rule through transposition.
NO_ORACLE = {"custom_lin"}
# jit's call primitive: vmap of jitted functions against the loop in
# packages/plax/tests/test_jit_call_primitive.py; adjacent_diff belongs to the third-party
# plax-diffop plugin, whose batching rule its own tests check against a loop
NO_ORACLE |= {"jit", "adjacent_diff"}
# checked against the loop in test_rules_windowed.py
NO_ORACLE |= {"conv_general_dilated", "reduce_window_sum", "reduce_window_max",
              "reduce_window_min"}
# checked against Python loops in test_control_flow_batching.py
NO_ORACLE |= {"cond", "scan", "while"}
# checked against Python loops in test_rules_linalg.py
NO_ORACLE |= {"cholesky", "triangular_solve", "lu", "qr", "eigh", "svd", "eig", "fft"}
# checked against Python loops in test_rules_indexing.py
NO_ORACLE |= {"gather", "scatter", "scatter-add", "scatter-mul", "scatter-min", "scatter-max"}
# plax-parallel's collectives: their batching rules are checked against NumPy over the
# whole named axis in packages/parallel/tests/test_collectives_vmap.py
NO_ORACLE |= {"psum", "pmax", "pmin", "all_gather", "psum_scatter", "all_to_all",
              "ppermute", "axis_index", "sharding_constraint"}
# host callbacks: vmap per vmap_method against JAX's callback shapes in
# packages/plax/tests/test_callbacks.py and test_debug_print_audit.py
NO_ORACLE |= {"debug_callback", "io_callback", "pure_callback"}
# plax-random's cipher: vmap against a Python loop in
# packages/random/tests/test_threefry_primitive.py
NO_ORACLE |= {"threefry2x32"}
# checked against Python loops in test_rules_sorting.py
NO_ORACLE |= {"sort", "top_k", "cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp",
              "reduce_precision", "population_count", "clz"}

ALL_CASES: dict[str, Callable] = {
    **{name: call_case(name) for name in ("checkpoint", "custom_jvp_call", "custom_vjp_call")
       if name in PRIMS},
    **{name: unary_case(name) for name in UNARY if name in PRIMS},
    **{name: binary_case(name) for name in BINARY if name in PRIMS},
    **{name: reduction_case(name) for name in
       "reduce_sum reduce_prod reduce_max reduce_min reduce_and reduce_or reduce_xor".split()},
    "argmax": argminmax_case("argmax"), "argmin": argminmax_case("argmin"),
    "convert_element_type": convert_case, "bitcast_convert_type": bitcast_case,
    "clamp": clamp_case, "select_n": select_n_case, "dot_general": dot_general_case,
    "broadcast_in_dim": broadcast_in_dim_case, "reshape": reshape_case,
    "squeeze": squeeze_case, "expand_dims": expand_dims_case, "transpose": transpose_case,
    "rev": rev_case, "slice": slice_case, "dynamic_slice": dynamic_slice_case,
    "dynamic_update_slice": dynamic_update_slice_case, "pad": pad_case,
    "concatenate": concatenate_case, "iota": iota_case,
}
# (The lists name a few primitives core may not define; only those it defines count.)
CASES = {name: gen for name, gen in ALL_CASES.items() if name in PRIMS}


# ------------------------------------------------------------------ the oracle

def position_combos(rng, ranks):
    """in_axes tuples in which every operand takes every position at least once."""
    choices = []
    for r in ranks:
        ps = [None] + list(range(r + 1)) + [-int(rng.integers(1, r + 2))]
        choices.append([ps[i] for i in rng.permutation(len(ps))])
    n = max((len(c) for c in choices), default=0)
    combos = {tuple(c[j % len(c)] for c in choices) for j in range(n)}
    combos.add(tuple(None for _ in ranks))
    return sorted(combos, key=repr)


def loop_oracle(fun, examples, axes, size):
    outs = [np.asarray(fun(*[ex[0] if a is None else ex[b] for ex, a in zip(examples, axes)]))
            for b in range(size)]
    return np.stack(outs)


def check_vmap(case: Case, rng, size: int):
    examples = [[m(rng) for _ in range(size)] for m in case.makers]
    ranks = [ex[0].ndim for ex in examples]
    for j, axes in enumerate(position_combos(rng, ranks)):
        args = [ex[0] if a is None else np.stack(ex, axis=a) for ex, a in zip(examples, axes)]
        expected = loop_oracle(case.fun, examples, axes, size)
        out_axis = int(rng.integers(-expected.ndim, expected.ndim))
        expected = np.moveaxis(expected, 0, out_axis)
        kw = {} if any(a is not None for a in axes) else {"axis_size": size}
        vf = vmap(case.fun, in_axes=axes, out_axes=out_axis, **kw)
        got = np.asarray(vf(*args))
        msg = f"in_axes={axes} out_axes={out_axis} shapes={[a.shape for a in args]}"
        assert_same(got, expected, case.exact, msg)
        if j == 0:   # the batched computation also stages and runs as a jaxpr
            closed = plax_core.make_jaxpr(vf)(*args)
            (staged,) = eval_jaxpr(closed.jaxpr, closed.consts, *args)
            assert_same(np.asarray(staged), expected, case.exact, "make_jaxpr: " + msg)


def assert_same(got, expected, exact, msg):
    assert got.shape == expected.shape, msg
    assert got.dtype == expected.dtype, msg
    tol = testing.tolerance(expected.dtype)
    if expected.dtype == BF16:      # NumPy cannot compare bfloat16 NaNs itself
        got, expected = got.astype(np.float32), expected.astype(np.float32)
    if exact:
        np.testing.assert_array_equal(got, expected, err_msg=msg)
    else:
        np.testing.assert_allclose(got, expected, err_msg=msg, **tol)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_matches_loop(name):
    rng = np.random.default_rng(sum(map(ord, name)) * 7919)
    for i in range(num_generated_cases()):
        case = CASES[name](rng)
        size = (1, 2, 3)[i % 3]
        with np.errstate(all="ignore"):
            check_vmap(case, rng, size)


def test_every_primitive_has_an_oracle_case():
    missing = sorted(set(PRIMS) - set(CASES) - NO_ORACLE)
    assert not missing, f"no batching oracle case for: {', '.join(missing)}"


@pytest.mark.parametrize("name", ["dynamic_slice", "dynamic_update_slice", "pad",
                                  "concatenate", "add", "dot_general", "reduce_sum"])
def test_empty_batch(name):
    """A batch of size 0 gives outputs with a 0-sized batch axis."""
    rng = np.random.default_rng(0)
    case = CASES[name](rng)
    examples = [m(rng) for m in case.makers]
    for axes in itertools.product([None, 0], repeat=len(examples)):
        if all(a is None for a in axes):
            continue
        args = [x if a is None else np.zeros((0,) + x.shape, x.dtype)
                for x, a in zip(examples, axes)]
        out = np.asarray(vmap(case.fun, in_axes=axes)(*args))
        per_example = np.asarray(case.fun(*examples))
        assert out.shape == (0,) + per_example.shape
        assert out.dtype == per_example.dtype
