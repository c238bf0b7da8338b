"""Special-point audit (issue 12): derivatives at ties, zeros, kinks, domain boundaries,
+-inf and NaN match JAX's conventions exactly.

Every case of special_points_cases.py (a scalar function of ``x`` built from one public
function of plax.numpy, plax.numpy.linalg/fft, plax.scipy.special, plax.nn or plax.lax)
is evaluated at its special points four ways: the value, forward mode (``jvp`` with
tangent 1), reverse mode (``grad``) and ``vmap(grad)`` over the vector of points; a few
kink cases also run under ``jit``.  The expected numbers are JAX 0.10.2's, pinned in
special_points_jax.py (obtained by running JAX outside this repository; see that
module).  Where JAX answers NaN or +-inf, so must plax.

The coverage test fails when a differentiable public function (the enumeration of
test_grad_audit.py for plax.numpy & co., ``LAX_NOT_DIFFERENTIABLE`` below for plax.lax)
has no case here and is not listed in ``NO_CASE`` with a reason.
"""

import importlib
import importlib.util
import math
import pathlib

import numpy as np
import pytest

pytest.importorskip("plax_autodiff")
pytest.importorskip("plax_batching")

import plax_core  # noqa: E402
import plax_numpy  # noqa: E402
import plax_numpy.fft  # noqa: E402
import plax_numpy.linalg  # noqa: E402
import plax_numpy.nn  # noqa: E402
import plax_numpy.scipy.special  # noqa: E402
from plax_core import transformations as T  # noqa: E402

TESTS = pathlib.Path(__file__).parent
inf, nan = math.inf, math.nan


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_plax_{name}", TESTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load("special_points_cases")
PINNED = {k: v if len(v) == 4 else (v[0], v[1], v[1], v[1])
          for k, v in _load("special_points_jax").VALUES.items()}
GRAD_AUDIT = _load("test_grad_audit")

ENV = {"jnp": plax_numpy, "lax": plax_core.lax, "nn": plax_numpy.nn,
       "sp": plax_numpy.scipy.special, "la": plax_numpy.linalg, "fft": plax_numpy.fft}
exec(CASES.HELPERS, ENV)

NAMESPACES = {"plax_numpy": "jnp", "plax_numpy.linalg": "la", "plax_numpy.fft": "fft",
              "plax_numpy.scipy.special": "sp", "plax_numpy.nn": "nn", "plax_core.lax": "lax"}

# Public plax.lax names without a derivative to check (plax.numpy's are in test_grad_audit).
LAX_NOT_DIFFERENTIABLE = {
    **dict.fromkeys("""argmax argmin bitcast_convert_type bitwise_and bitwise_not bitwise_or
        bitwise_xor clz population_count reduce_and reduce_or reduce_xor shift_left
        shift_right_arithmetic shift_right_logical eq ne lt le gt ge is_finite nextafter
        """.split(), "integer, boolean or bit-level result"),
    **dict.fromkeys("ceil floor round sign".split(),
                    "piecewise constant: zero derivative almost everywhere"),
    **dict.fromkeys("""broadcasted_iota full iota conv_dimension_numbers
        conv_general_permutations conv_general_shape_tuple conv_shape_tuple
        conv_transpose_shape_tuple padtype_to_pads reduce_window_shape_tuple
        lu_pivots_to_permutation dtype broadcast_shapes empty""".split(),
                    "shape, dtype, index or dimension-number utility, or uninitialised "
                    "creation"),
    **dict.fromkeys("ConvGeneralDilatedDimensionNumbers DotDimensionNumbers "
                    "PrecisionLike".split(), "type alias"),
    "mulhi": "integer high half of a product",
}

# Differentiable functions deliberately without a special-point case.
NO_CASE = {
    "la.eig": "JAX raises NotImplementedError for any derivative of jnp.linalg.eig (it "
              "computes eigenvectors); eigvals is checked instead",
    "sp.bernoulli": "takes an integer n and returns Bernoulli numbers: nothing to "
                    "differentiate",
}

# (case id) -> (modes, reason) where plax still differs from JAX: found by this audit and
# not fixed yet (outside the kink fixes of issue 12's first item).  Strict xfails, so a fix
# shows up as XPASS and the entry must go.  Keep shrinking.
_LINALG = "linear-algebra rule at a singular, degenerate or NaN matrix differs from JAX"
_INCOMPLETE = "series/continued-fraction special function: JAX's NaN outside the domain " \
              "and at its poles not reproduced"
_SCATTER = "scatter_max/min tie rule differs from JAX's (scatter rules are indexing's)"
_TIES = "tie-breaking of the primitive's derivative differs from JAX's"
_NANRED = "nan-reduction at +-inf: JAX's NaN/inf value (and derivative) differ"
_EDGE = "value or derivative at a domain edge, +-inf or NaN differs from JAX"
_JIT_NAN = "under jit, reduce_max's derivative at a NaN maximum is 0 (eager: NaN, as JAX)"
KNOWN_MISMATCH = {
    'jnp.ldexp': ('jvp grad vmap_grad', _EDGE),
    'jnp.nanpercentile': ('value', _NANRED),
    'jnp.nanquantile': ('value', _NANRED),
    'jnp.nanstd': ('value grad vmap_grad', _NANRED),
    'jnp.nanvar': ('value jvp grad vmap_grad', _NANRED),
    'jnp.unwrap#jump': ('value jvp grad vmap_grad', _EDGE),
    'la.det#singular': ('jvp grad vmap_grad', _LINALG),
    'la.det': ('jvp grad vmap_grad', _LINALG),
    'la.inv': ('value grad vmap_grad', _LINALG),
    'la.pinv': ('jvp grad vmap_grad', _LINALG),
    'la.slogdet#singular': ('jvp grad vmap_grad', _LINALG),
    'la.slogdet': ('jvp grad vmap_grad', _LINALG),
    'la.solve': ('value grad vmap_grad', _LINALG),
    'la.svd': ('jvp grad vmap_grad', _LINALG),
    'la.tensorinv': ('value grad vmap_grad', _LINALG),
    'la.tensorsolve': ('value grad vmap_grad', _LINALG),
    'lax.cumlogsumexp': ('jvp grad vmap_grad', _TIES),
    'lax.reduce_window': ('jvp grad vmap_grad', _TIES),
    'lax.reduce_window_max': ('jvp grad vmap_grad', _TIES),
    'lax.reduce_window_min': ('jvp grad vmap_grad', _TIES),
    'lax.scatter_max': ('jvp grad vmap_grad', _SCATTER),
    'lax.scatter_min': ('jvp grad vmap_grad', _SCATTER),
    'sp.gamma': ('value', _EDGE),
    'sp.loggamma': ('value jvp', _EDGE),
    'sp.logsumexp#b': ('value', _EDGE),
    'sp.poch#x,x': ('value', _EDGE),
    'jnp.max': ('jit_vmap_grad', _JIT_NAN),
}



def _jn(n, z):
    """Bessel J_n(z) by its power series (|z| <= 10 here)."""
    return sum((-1) ** k * (z / 2) ** (2 * k + n) / (math.factorial(k) * math.factorial(k + n))
               for k in range(60))


def _s_jn(z):       # S(bessel_jn(z, v=2)) = J0 + 2 J1 + 3 J2 and its derivative
    return (_jn(0, z) + 2 * _jn(1, z) + 3 * _jn(2, z),
            -_jn(1, z) + (_jn(0, z) - _jn(2, z)) + 1.5 * (_jn(1, z) - _jn(3, z)))


def _dy21(theta, phi=0.3):  # d/dtheta S(Y_2^1) = -1/2 sqrt(15/2pi) |sin| cos (cos + sin/2)
    theta = float(np.float32(theta))
    return (-0.5 * math.sqrt(15 / (2 * math.pi)) * math.copysign(1.0, math.sin(theta))
            * math.cos(2 * theta) * (math.cos(phi) + 0.5 * math.sin(phi)))


_PI32 = 3.141592653589793
_WRONG_EDGE = "JAX 0.10.2 gives NaN or a wrong constant at this edge; SciPy's value is kept"
_PIECEWISE = "JAX 0.10.2's spence is a piecewise function with constant branches at 0, 1 " \
             "and x < 0 (derivative 0 there) and a NaN-poisoned grad at 2; the derivative " \
             "is log(x) / (1 - x)"
_ZERO_LOG = "JAX 0.10.2 writes the density as exp((a - 1) log x ...), NaN from 0 * log 0 " \
            "at a = 1, x = 0 and from -inf + inf at x = inf"
# Documented deviations: points where JAX 0.10.2's number is mathematically wrong and plax
# keeps the right one.  case id -> (reason, {point: (value, derivative)}); ``None`` keeps
# JAX's pinned number for that part, a derivative applies to jvp, grad and vmap_grad.  The
# numbers are closed forms (SciPy's values), not plax's output.
DEVIATIONS = {
    "sp.exp1": (_WRONG_EDGE, {inf: (0.0, 0.0)}),
    "sp.expi": (_WRONG_EDGE, {0.0: (-inf, None), inf: (inf, None), -inf: (0.0, None)}),
    "sp.expn#0": (_WRONG_EDGE + "; d/dx exp(-x)/x = -2/e at 1",
                  {1.0: (None, -2 / math.e), inf: (0.0, None)}),
    "sp.expn#1": (_WRONG_EDGE, {inf: (0.0, 0.0)}),
    "sp.expn#2": (_WRONG_EDGE + "; E_n(0) = 1/(n - 1)", {0.0: (1.0, None), inf: (0.0, 0.0)}),
    "sp.expn#5": (_WRONG_EDGE + "; E_n(0) = 1/(n - 1), E_n' = -E_(n-1)",
                  {0.0: (0.25, -1 / 3), inf: (0.0, 0.0)}),
    "sp.spence": (_PIECEWISE, {0.0: (None, -inf), 1.0: (None, -1.0), -1.0: (None, nan),
                               2.0: (None, -math.log(2.0))}),
    "sp.hyp1f1#x": ("JAX 0.10.2's series underflows at x = -200: 1F1(1; 2; x) = "
                    "(e^x - 1)/x", {-200.0: (1 / 200, 1 / 40000)}),
    "sp.hyp2f1#x": ("JAX 0.10.2 loses accuracy for x < 0 (inf at -5) and gives NaN for the "
                    "derivative at 1: 2F1(1, 1; 2; x) = -log(1 - x)/x",
                    {-1.0: (math.log(2.0), None),
                     -5.0: (math.log(6.0) / 5, 1 / (-5 * 6) + math.log(6.0) / 25),
                     1.0: (None, inf)}),
    "sp.bessel_jn": ("JAX 0.10.2's backward recurrence gives NaN for |z| <= 1 (at 0, "
                     "negative and small z); the power series of J_n is kept",
                     {z: _s_jn(z) for z in (0.0, 1.0, -1.0, 1e-5)}),
    "sp.gammainc#x": (_ZERO_LOG + "; P(1, x)' = e^-x", {0.0: (None, 1.0), inf: (None, 0.0)}),
    "sp.gammaincc#x": (_ZERO_LOG + "; Q(1, x)' = -e^-x",
                       {0.0: (None, -1.0), inf: (None, 0.0)}),
    "sp.betainc#x": (_ZERO_LOG + "; I_x(1, 2)' = 2 (1 - x)", {0.0: (None, 2.0)}),
    "sp.polygamma#1": (_WRONG_EDGE + "; polygamma(n, x) -> 0 as x -> inf",
                       {inf: (0.0, 0.0)}),
    "sp.i0": ("JAX composes exp(|x|) i0e(x) with |x|' = 1 at 0, so i0'(0) = 1; i0 is even "
              "and smooth: i0'(0) = I1(0) = 0", {0.0: (None, 0.0)}),
    "sp.i1e": ("JAX's rule selects its x -> 0 limit 0.5 wherever |x| > eps is false, NaN "
               "included; the derivative at NaN is NaN", {nan: (None, nan)}),
    "sp.sph_harm_y#theta": ("JAX 0.10.2's Legendre recurrence differentiates sqrt(1 - "
                            "cos^2) at the poles (NaN/inf); Y_2^1's derivative is finite",
                            {0.0: (None, _dy21(0.0)), _PI32: (None, _dy21(_PI32))}),
}

# Cases where JAX 0.10.2's forward mode differs from its own reverse mode (its rule
# multiplies a tangent that reverse mode drops, or a NaN branch of a select leaks only one
# way): plax follows JAX's grad in every mode, the value users train with.
JVP_AS_GRAD = {
    "sp.zeta#q": "at the poles q = 0, -1 JAX's jvp is NaN, its grad -inf (plax: -inf)",
}

MODES = ("value", "jvp", "grad", "vmap_grad")
RTOL, ATOL = 2e-4, 1e-5


def _function(case_id):
    expr = dict((c[0], c[1]) for c in CASES.CASES)[case_id]
    return eval("lambda x: " + expr, ENV)


def _evaluate(f, points, mode):
    xs = [np.float32(p) for p in points]
    if mode == "value":
        return [f(x) for x in xs]
    if mode == "jvp":
        return [T.jvp(f, (x,), (np.float32(1),))[1] for x in xs]
    if mode == "grad":
        return [T.grad(f)(x) for x in xs]
    if mode == "vmap_grad":
        return T.vmap(T.grad(f))(plax_numpy.asarray(np.array(points, np.float32)))
    if mode == "jit_vmap_grad":
        return T.jit(T.vmap(T.grad(f)))(plax_numpy.asarray(np.array(points, np.float32)))
    raise ValueError(mode)


def _check(case_id, mode, expected):
    points = dict((c[0], c[2]) for c in CASES.CASES)[case_id]
    got = np.array([np.asarray(v) for v in _evaluate(_function(case_id), points, mode)],
                   np.float64).reshape(-1)
    want = np.array(expected, np.float64)
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
    if bad.any():
        rows = "\n".join(f"  x={points[i]!r}: plax {got[i]!r}, JAX {want[i]!r}"
                         for i in np.flatnonzero(bad))
        pytest.fail(f"{case_id} ({mode}) differs from JAX 0.10.2 at:\n{rows}")


def _deviated(case_id, mode, points, expected):
    """JAX's pinned numbers with DEVIATIONS' right ones put in."""
    fixes = {repr(p): v for p, v in DEVIATIONS.get(case_id, ("", {}))[1].items()}
    part = 0 if mode == "value" else 1
    return [fixes[repr(p)][part] if repr(p) in fixes and fixes[repr(p)][part] is not None
            else e for p, e in zip(points, expected)]


def _params():
    out = []
    for case_id, _, points in CASES.CASES:
        for mode, expected in zip(MODES, PINNED[case_id]):
            if expected is None:     # JAX itself cannot do this mode (e.g. grad of while)
                continue
            if mode == "jvp" and case_id in JVP_AS_GRAD:
                expected = PINNED[case_id][2]
            expected = _deviated(case_id, mode, points, expected)
            out.append(pytest.param(case_id, mode, expected, id=f"{case_id}-{mode}",
                                    marks=_known(case_id, mode)))
    return out


def _known(case_id, mode):
    modes, reason = KNOWN_MISMATCH.get(case_id, ("", ""))
    return pytest.mark.xfail(reason=reason, strict=True) if mode in modes.split() else ()


@pytest.mark.parametrize("case_id,mode,expected", _params())
def test_special_point(case_id, mode, expected):
    _check(case_id, mode, expected)


# The kink cases also run compiled: jit(vmap(grad(f))) shares the rules but goes through
# lowering, where a different select or comparison would show.
JIT_CASES = ["jnp.logaddexp#x,c", "jnp.logaddexp#c,x", "jnp.logaddexp2#x,c", "nn.relu",
             "nn.relu6", "nn.hard_tanh", "jnp.maximum#x,x", "jnp.clip#x", "jnp.abs",
             "nn.leaky_relu", "nn.elu", "jnp.max", "nn.softplus", "sp.xlogy#x,c"]


@pytest.mark.parametrize("case_id", [pytest.param(c, marks=_known(c, "jit_vmap_grad"))
                                     for c in JIT_CASES])
def test_special_point_under_jit(case_id):
    pytest.importorskip("plax_xla")
    _check(case_id, "jit_vmap_grad", PINNED[case_id][3])


def test_deviations_are_real():
    """Each documented deviation names a case and points it has, and JAX's pinned number
    there really differs from the right one (otherwise the entry must go)."""
    points = {c[0]: c[2] for c in CASES.CASES}
    for case_id, (_, fixes) in DEVIATIONS.items():
        for p, right in fixes.items():
            where = [repr(q) for q in points[case_id]]
            assert repr(p) in where, (case_id, p)
            i = where.index(repr(p))
            jax = [PINNED[case_id][0][i]] + [m[i] for m in PINNED[case_id][1:] if m]
            wrong = [not np.isclose(j, r, rtol=RTOL, atol=ATOL, equal_nan=True)
                     for r, js in zip(right, (jax[:1], jax[1:])) if r is not None for j in js]
            assert any(wrong), f"{case_id} at {p}: JAX's value is right, drop the deviation"


def test_pinned_values_match_cases():
    ids = [c[0] for c in CASES.CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    missing = sorted(set(ids) - set(PINNED))
    assert not missing, f"cases without pinned JAX values (rerun the generator): {missing}"
    for case_id, _, points in CASES.CASES:
        assert all(m is None or len(m) == len(points) for m in PINNED[case_id]), case_id


def _differentiable(path):
    if path == "plax_core.lax":
        module = importlib.import_module(path)
        return sorted(n for n in dir(module) if not n.startswith("_")
                      and not n.endswith("_p") and callable(getattr(module, n))
                      and not isinstance(getattr(module, n), type)
                      and n not in LAX_NOT_DIFFERENTIABLE)
    return [n for n in GRAD_AUDIT._public_names(path) if n not in GRAD_AUDIT.NOT_FUNCTIONS
            and n not in GRAD_AUDIT.NOT_DIFFERENTIABLE]


@pytest.mark.parametrize("path", list(NAMESPACES))
def test_every_differentiable_function_has_special_points(path):
    ns = NAMESPACES[path]
    covered = {c[0].split("#")[0] for c in CASES.CASES}
    lacking = sorted(n for n in _differentiable(path)
                     if f"{ns}.{n}" not in covered and f"{ns}.{n}" not in NO_CASE)
    n_cases = sum(1 for c in CASES.CASES if c[0].startswith(ns + "."))
    print(f"\n{path}: {len(_differentiable(path))} differentiable functions, {n_cases} cases")
    assert not lacking, f"{path}: differentiable functions without a special-point case: " \
                        f"{lacking}"
