"""Audit: eager and staged results agree in shape, dtype and weak type, for every public
function of ``plax.numpy``, ``plax.lax``, ``plax.nn`` and ``plax.scipy.special``.

Every function is called with each argument pattern below (weak Python scalars, strong
arrays of several dtypes, mixes of the two). Where the eager call succeeds, the same call
is staged with ``make_jaxpr`` (whose output types are exactly what ``jit`` returns) and
the types must agree; so must ``grad`` eagerly and under ``jit`` for differentiable
float results. A pattern the function refuses eagerly is skipped; a function that takes
no pattern at all must be listed in ``NO_PATTERN`` with a reason.
"""

import inspect
import warnings

import numpy as np
import pytest

import plax
import plax.lax as lax
import plax.nn as nn
import plax.numpy as jnp
import plax.scipy.special as special
from plax import errors, grad, jit
from plax_core.core import get_aval

F32 = np.array([0.25, 0.5, 0.75], np.float32)
PATTERNS = {
    "f32": lambda: (F32,),
    "weak float": lambda: (0.5,),
    "weak int": lambda: (2,),
    "i32": lambda: (np.array([1, 2, 3], np.int32),),
    "bool": lambda: (np.array([True, False, True]),),
    "f16": lambda: (F32.astype(np.float16),),
    "f32 matrix": lambda: (np.array([[2.0, 0.5], [0.5, 1.0]], np.float32),),
    "f16, weak float": lambda: (F32.astype(np.float16), 0.5),
    "weak float, f32": lambda: (0.5, F32),
    "weak float, weak float": lambda: (0.5, 0.25),
    "i32, weak int": lambda: (np.array([1, 2, 3], np.int32), 2),
    "f32, f32": lambda: (F32, F32[::-1].copy()),
    "weak float, i32": lambda: (0.5, np.array([1, 2, 3], np.int32)),
    "bool, f32, weak float": lambda: (np.array([True, False, True]), F32, 0.5),
    "f32, weak float, weak float": lambda: (F32, 0.3, 0.6),
    "f32, f32, f32": lambda: (F32, F32 * 2, F32 * 3),
    "f32, f32, weak int": lambda: (F32, F32 * 2, 1),
    "f32, f32, f32, f32": lambda: (F32, F32 * 2, F32 * 3 + 1, F32 / 2),
    "f32 matrix, weak int": lambda: (PATTERNS["f32 matrix"]()[0], 1),
    "f32 matrix, weak int, weak int": lambda: (PATTERNS["f32 matrix"]()[0], 0, 1),
    "f32 matrix, f32 matrix": lambda: PATTERNS["f32 matrix"]() * 2,
    "f32 matrix, f32 vector": lambda: (PATTERNS["f32 matrix"]()[0], F32[:2]),
    "f32 vector, f32 matrix": lambda: (F32[:2], PATTERNS["f32 matrix"]()[0]),
    "weak int, weak float": lambda: (4, 0.5),
    "u8": lambda: (np.array([1, 200, 7], np.uint8),),
    "c64": lambda: (F32 + 1j * F32[::-1],),
    "f32, weak int 3": lambda: (F32, 3),
}

NAMESPACES = {"numpy": jnp, "lax": lax, "nn": nn, "scipy.special": special}

_SHAPE = "takes shapes, sizes or dtypes, not arrays"
_NOTFN = "not a numerical function of arrays (configuration, printing, introspection)"
_ARGS = "needs structured arguments (index tuples, dimension numbers, jaxprs, callables)"
NO_PATTERN = {
    **dict.fromkeys("""numpy.printoptions numpy.set_printoptions numpy.get_printoptions
        numpy.load numpy.save numpy.savez numpy.frombuffer numpy.fromfile numpy.fromiter
        numpy.fromstring numpy.from_dlpack numpy.issubdtype numpy.isdtype numpy.dtype
        numpy.can_cast numpy.promote_types numpy.result_type numpy.finfo numpy.iinfo
        numpy.iterable numpy.vectorize numpy.frompyfunc numpy.piecewise
        numpy.apply_along_axis numpy.apply_over_axes numpy.fromfunction numpy.ufunc
        numpy.einsum_path numpy.broadcast_shapes numpy.shape numpy.size numpy.ndim
        numpy.isscalar numpy.show_config""".split(), _NOTFN),
    **dict.fromkeys("""numpy.zeros numpy.ones numpy.empty numpy.full numpy.eye
        numpy.identity numpy.tri numpy.tril_indices numpy.triu_indices numpy.indices
        numpy.diag_indices numpy.mask_indices numpy.ravel_multi_index lax.iota
        lax.broadcasted_iota lax.full lax.zeros_like_shaped_array numpy.astype
        lax.broadcast""".split(), _SHAPE),
    **dict.fromkeys("""numpy.array_repr numpy.array_str numpy.iscomplexobj
        numpy.isrealobj""".split(), "returns a str or a Python bool, not an array"),
    **dict.fromkeys("""numpy.argwhere numpy.nonzero numpy.flatnonzero numpy.extract
        numpy.trim_zeros numpy.bincount numpy.compress""".split(),
        "data-dependent output shape: staged only with size=/length= (as in JAX)"),
    **dict.fromkeys("""numpy.einsum numpy.choose numpy.fill_diagonal numpy.insert
        numpy.place numpy.put numpy.put_along_axis numpy.select numpy.take_along_axis
        numpy.split numpy.dsplit numpy.hsplit numpy.vsplit nn.dot_product_attention
        lax.argmax lax.argmin lax.associative_scan lax.bitcast_convert_type
        lax.broadcast_in_dim lax.concatenate lax.cond lax.conv lax.conv_dimension_numbers
        lax.conv_general_dilated lax.conv_general_permutations lax.conv_general_shape_tuple
        lax.conv_shape_tuple lax.conv_transpose lax.conv_transpose_shape_tuple
        lax.conv_with_general_padding lax.convert_element_type lax.dot_general
        lax.dynamic_slice lax.dynamic_update_index_in_dim lax.dynamic_update_slice
        lax.dynamic_update_slice_in_dim lax.expand_dims lax.fft lax.fori_loop lax.gather
        lax.map lax.pad lax.padtype_to_pads lax.reduce_and lax.reduce_max lax.reduce_min
        lax.reduce_or lax.reduce_precision lax.reduce_prod lax.reduce_sum lax.reduce_window
        lax.reduce_window_max lax.reduce_window_min lax.reduce_window_shape_tuple
        lax.reduce_window_sum lax.reduce_xor lax.reshape lax.rev lax.scan lax.scatter
        lax.scatter_add lax.scatter_max lax.scatter_min lax.scatter_mul lax.slice
        lax.squeeze lax.switch lax.transpose lax.while_loop
        lax.ConvGeneralDilatedDimensionNumbers lax.conv_general_dilated_local
        lax.conv_general_dilated_patches lax.index_take lax.reduce lax.scatter_apply
        lax.scatter_sub lax.split lax.tile scipy.special.bessel_jn
        scipy.special.sph_harm_y""".split(), _ARGS),
    **dict.fromkeys("lax.PrecisionLike lax.broadcast_shapes lax.dtype lax.empty".split(),
                    _SHAPE),
}


def _public_functions():
    for prefix, module in NAMESPACES.items():
        impl = getattr(module, "_impl", module)       # plax.X re-exports an implementation
        for name in sorted(getattr(impl, "__all__", None) or dir(module)):
            obj = getattr(module, name, None)
            if (name.startswith("_") or not callable(obj) or inspect.isclass(obj)
                    or inspect.ismodule(obj)):
                continue
            yield f"{prefix}.{name}", obj


FUNCTIONS = dict(_public_functions())
_STATIC_ONLY = (errors.ConcretizationTypeError, errors.TracerIntegerConversionError,
                errors.TracerBoolConversionError, errors.TracerArrayConversionError)


def _types(tree):
    leaves = plax.tree_util.tree_leaves(tree)
    return [(tuple(a.shape), np.dtype(a.dtype).name, a.weak_type)
            for a in map(get_aval, leaves)]


def _eager(fun, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fun(*args)


def _check_one(qualname, fun, pattern):
    """None if the pattern does not apply, else a mismatch message or ''."""
    args = PATTERNS[pattern]()
    try:
        eager = _eager(fun, args)
    except Exception:                      # noqa: BLE001 - pattern not accepted
        return None
    if not plax.tree_util.tree_leaves(eager) or not all(
            hasattr(x, "dtype") for x in plax.tree_util.tree_leaves(eager)):
        return None
    try:
        staged = _staged(fun, args, static_scalars=False)
    except Exception:                      # noqa: BLE001
        # A traced Python scalar is a weakly typed array, stricter than the scalar itself
        # (lax.add(f16, 0.5) folds 0.5 to f16 eagerly), and sizes must be concrete
        # (arange(2)): stage again with the scalars as constants.
        try:
            staged = _staged(fun, args, static_scalars=True)
        except _STATIC_ONLY:
            return None
        except Exception as e:             # noqa: BLE001
            return (f"{qualname}({pattern}): works eagerly, staging raises "
                    f"{type(e).__name__}: {e}")
    want = _types(eager)
    got = [(tuple(a.shape), np.dtype(a.dtype).name, a.weak_type) for a in staged.out_avals]
    if want != got:
        return f"{qualname}({pattern}): eager {want} vs jit {got}"
    return ""


def _staged(fun, args, static_scalars):
    traced = [not (static_scalars and type(a) in (int, float)) for a in args]

    def staged_fun(*dynamic):
        it = iter(dynamic)
        return fun(*[next(it) if t else a for a, t in zip(args, traced)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plax.make_jaxpr(staged_fun)(*[a for a, t in zip(args, traced) if t])


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_eager_and_jit_results_have_the_same_types(namespace):
    checked, mismatches, untested = 0, [], []
    for qualname, fun in FUNCTIONS.items():
        if not qualname.startswith(namespace + ".") or qualname in NO_PATTERN:
            continue
        results = [_check_one(qualname, fun, p) for p in PATTERNS]
        applied = [r for r in results if r is not None]
        if not applied:
            untested.append(qualname)
        checked += len(applied)
        mismatches += [r for r in applied if r]
    print(f"{namespace}: {checked} (function, pattern) cases compared")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)
    assert not untested, ("no argument pattern applies to these functions; add a pattern "
                          f"or list them in NO_PATTERN with a reason: {untested}")
    assert checked > 20


GRAD_FUNCTIONS = ["numpy.sin", "numpy.tanh", "numpy.exp", "numpy.square", "numpy.sum",
                  "numpy.mean", "numpy.logaddexp", "numpy.maximum", "numpy.where",
                  "numpy.dot", "nn.relu", "nn.softplus", "nn.sigmoid", "lax.mul",
                  "scipy.special.logsumexp", "numpy.linalg.norm"]


@pytest.mark.parametrize("pattern", ["weak float", "weak float, weak float",
                                     "f16, weak float", "weak float, f32"])
def test_grad_eager_and_jit_have_the_same_types(pattern):
    compared = 0
    for qualname in GRAD_FUNCTIONS:
        module, _, name = qualname.rpartition(".")
        fun = getattr(eval(module.replace("numpy", "jnp").replace("scipy.special", "special")),
                      name)
        args = PATTERNS[pattern]()

        def total(*a, fun=fun):
            return jnp.sum(fun(*a)).astype(jnp.result_type(a[0]))

        try:
            eager = _eager(grad(total), args)
        except Exception:                  # noqa: BLE001 - pattern not accepted
            continue
        rest = args[1:]                    # held constant, as a traced weak scalar is
        staged = jit(grad(lambda x, rest=rest: total(x, *rest)))(args[0])  # (JAX too)
        assert _types(eager) == _types(staged), (qualname, pattern)
        np.testing.assert_allclose(np.asarray(eager, np.float64),
                                   np.asarray(staged, np.float64), rtol=2e-3)
        compared += 1
    assert compared >= 3


def test_the_issue_example():
    g = grad(lambda x: x * x)(1.0)
    assert g.weak_type and (g + jnp.ones(2, jnp.float16)).dtype == np.float16
