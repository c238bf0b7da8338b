"""The special-point cases of test_special_points.py, as data both plax and JAX evaluate.

Each case is ``(case_id, expression, points)``: ``expression`` is the body of a function of
one float32 scalar ``x`` returning a float32 scalar, written against the names
``jnp, lax, nn, sp, la, fft`` (plax.numpy, plax.lax, plax.nn, plax.scipy.special,
plax.numpy.linalg, plax.numpy.fft; or JAX's modules of the same names) and the helpers in
``HELPERS``; ``points`` are the values of ``x`` where the derivative is checked: ties,
zeros, kinks, domain boundaries, +-inf and NaN.  ``case_id`` is ``"<ns>.<name>"`` (plus
``"#<n>"`` when a function has several cases): the coverage check reads the function name
from it.  ``JAX_EXPR`` gives JAX's spelling where plax keeps a name JAX dropped.

This module imports nothing, so the generator (run outside the repository with JAX) and
the test share it; the pinned JAX values live in special_points_jax.py.
"""

inf = float("inf")
nan = float("nan")

# Vector and matrix builders: ties (x, x), a sign flip, a constant; weights for the
# scalar summary ``S`` differ per position so that each element's gradient shows.
HELPERS = '''
def V(x):
    return jnp.stack([x, x, -x, jnp.ones_like(x)])

def M(x):
    one = jnp.ones_like(x)
    return jnp.stack([jnp.stack([x, one]), jnp.stack([one, x])])

def D(x):
    zero, one = jnp.zeros_like(x), jnp.ones_like(x)
    return jnp.stack([jnp.stack([x, zero]), jnp.stack([zero, one])])

def S(y):
    y = jnp.asarray(y)
    w = jnp.arange(1, y.size + 1, dtype=jnp.float32).reshape(y.shape)
    if jnp.iscomplexobj(y):
        return jnp.sum(jnp.real(y) * w) + 0.5 * jnp.sum(jnp.imag(y) * w)
    return jnp.sum(y * w)
'''

ALL = [0.0, -0.0, 1.0, -1.0, inf, -inf, nan]
STD = [0.0, 1.0, -1.0, inf, -inf, nan]
STRUCT = [0.0, 1.0, inf, nan]
TIES = [0.0, 1.0, -1.0, 2.0]

CASES = []


def _add(case_id, expr, points):
    CASES.append((case_id, expr, list(points)))


def _unary(ns, names, points, fmt="{f}(x)"):
    for name in names.split():
        _add(f"{ns}.{name}", fmt.format(f=f"{ns}.{name}"), points)


def _binary(ns, names, points, const, tie_points=TIES):
    """``f(x, c)``, ``f(c, x)`` and the tie ``f(x, x)``."""
    for name in names.split():
        f = f"{ns}.{name}"
        _add(f"{f}#x,c", f"{f}(x, {const})", points)
        _add(f"{f}#c,x", f"{f}({const}, x)", points)
        _add(f"{f}#x,x", f"{f}(x, x)", tie_points)


# ------------------------------------------------------------------ plax.numpy unary
_unary("jnp", "abs absolute fabs", ALL)
_unary("jnp", "negative positive square reciprocal exp exp2 expm1 deg2rad rad2deg degrees "
       "radians real imag conj conjugate", STD)
_unary("jnp", "sqrt cbrt", [0.0, -0.0, 1.0, -1.0, inf, nan])
_unary("jnp", "log log2 log10", [0.0, -0.0, 1.0, -1.0, inf, nan])
_unary("jnp", "log1p", [-1.0, 0.0, -2.0, inf, nan])
_unary("jnp", "sin cos tan", [0.0, 1.0, inf, nan])
_unary("jnp", "arcsin arccos asin acos", [-1.0, 0.0, 1.0, 2.0, nan])
_unary("jnp", "arctan atan sinh cosh tanh arcsinh asinh", STD)
_unary("jnp", "arccosh acosh", [1.0, 0.0, 2.0, inf, nan])
_unary("jnp", "arctanh atanh", [-1.0, 0.0, 1.0, 2.0, nan])
_unary("jnp", "sinc", [0.0, 1.0, -1.0, 0.5, inf, nan])
_unary("jnp", "i0", [0.0, 1.0, -1.0, inf, nan])
_unary("jnp", "angle", [0.0, -0.0, 1.0, -1.0, inf, nan])
_unary("jnp", "nan_to_num", [nan, inf, -inf, 0.0, 1.0])
_add("jnp.modf#frac", "jnp.modf(x)[0]", [0.0, 1.0, 1.5, -1.0, -1.5, inf, nan])
_add("jnp.modf#int", "jnp.modf(x)[1]", [0.0, 1.0, 1.5, -1.5, inf])
_add("jnp.clip#x", "jnp.clip(x, 0.0, 1.0)", [0.0, 1.0, 0.5, -1.0, 2.0, inf, -inf, nan])
_add("jnp.clip#lo", "jnp.clip(0.5, x, 1.0)", [0.5, 0.0, 1.0, 2.0])
_add("jnp.clip#hi", "jnp.clip(0.5, 0.0, x)", [0.5, 0.0, 1.0, -1.0])
_add("jnp.clip#crossed", "jnp.clip(x, 1.0, 0.0)", [0.5, 0.0, 1.0])
_add("jnp.clip#lo_only", "jnp.clip(x, min=0.0)", [0.0, 1.0, -1.0])
_add("jnp.where", "jnp.where(x > 0, x, 0.0)", [0.0, 1.0, -1.0, nan])
_add("jnp.where#sqrt", "jnp.where(x > 0, jnp.sqrt(x), 0.0)", [0.0, 1.0, -1.0])
_add("jnp.select", "jnp.select([x > 0, x < 0], [x, -2 * x], 0.5 * x)", [0.0, 1.0, -1.0, nan])
_add("jnp.piecewise", "jnp.piecewise(x, [x < 0, x >= 0], [lambda t: -t, lambda t: 2 * t])",
     [0.0, 1.0, -1.0, nan])
_add("jnp.interp#x", "jnp.interp(x, jnp.array([0.0, 1.0, 2.0]), jnp.array([0.0, 1.0, 0.0]))",
     [0.0, 1.0, 2.0, 0.5, -1.0, 3.0, nan])
_add("jnp.interp#fp", "jnp.interp(0.5, jnp.array([0.0, 1.0]), jnp.stack([x, 2 * x]))",
     [0.0, 1.0, inf])
_add("jnp.interp#xp", "jnp.interp(0.5, jnp.stack([x, jnp.ones_like(x)]), jnp.array([0.0, 1.0]))",
     [0.0, 0.5, 1.0])

# ----------------------------------------------------------------- plax.numpy binary
_binary("jnp", "add subtract multiply divide true_divide", STRUCT, "2.0")
_binary("jnp", "maximum minimum fmax fmin", [0.0, -0.0, 1.0, -1.0, inf, -inf, nan], "0.0")
_add("jnp.vectorize", "jnp.vectorize(lambda t: jnp.maximum(t, 0.0))(x)", [0.0, 1.0, nan])
_add("jnp.frompyfunc", "jnp.frompyfunc(lambda t: jnp.maximum(t, 0.0), 1, 1)(x)",
     [0.0, 1.0, nan])
_add("jnp.fmax#nan", "jnp.fmax(x, jnp.nan)", [0.0, nan])
_add("jnp.fmin#nan", "jnp.fmin(jnp.nan, x)", [0.0, nan])
_binary("jnp", "logaddexp logaddexp2", STD, "0.0", [0.0, 1.0, inf, -inf, nan])
_add("jnp.logaddexp#x,inf", "jnp.logaddexp(x, jnp.inf)", [0.0, inf, -inf])
_add("jnp.logaddexp#x,-inf", "jnp.logaddexp(x, -jnp.inf)", [0.0, inf, -inf])
_add("jnp.logaddexp2#x,-inf", "jnp.logaddexp2(-jnp.inf, x)", [0.0, inf, -inf])
for _i, (_f, _pts) in enumerate([("{p}(x, 2.0)", [0.0, -1.0, 1.0, inf, nan]),
                                 ("{p}(x, 0.0)", [0.0, 1.0, inf, nan]),
                                 ("{p}(x, 0.5)", [0.0, 1.0, -1.0]),
                                 ("{p}(x, 3.0)", [0.0, -1.0]),
                                 ("{p}(x, -1.0)", [0.0, -0.0]),
                                 ("{p}(0.0, x)", [0.0, 1.0, 2.0, -1.0]),
                                 ("{p}(2.0, x)", [0.0, -inf, inf]),
                                 ("{p}(-1.0, x)", [2.0, 0.5]),
                                 ("{p}(x, x)", [0.0, 1.0, -1.0])]):
    for _p in ("jnp.power", "jnp.pow", "jnp.float_power"):
        _add(f"{_p}#{_i}", _f.format(p=_p), _pts)
_add("jnp.power#int", "jnp.power(x, 2)", [0.0, -1.0, inf])
_add("jnp.power#int0", "jnp.power(x, 0)", [0.0, inf, nan])
_binary("jnp", "arctan2 atan2", [0.0, -0.0, 1.0, -1.0, inf, nan], "0.0")
_binary("jnp", "hypot", [0.0, 1.0, -1.0, inf, nan], "0.0")
_add("jnp.hypot#x,inf", "jnp.hypot(x, jnp.inf)", [0.0, inf])
_binary("jnp", "fmod mod remainder", [0.0, 1.0, 1.5, -1.0, -0.5, inf, nan], "1.0",
        [1.0, -1.0, 0.0])
_add("jnp.divmod#q", "jnp.divmod(x, 1.0)[0]", [0.0, 1.0, 1.5, -0.5])
_add("jnp.divmod#r", "jnp.divmod(x, 1.0)[1]", [0.0, 1.0, 1.5, -0.5, -1.0])
_add("jnp.divmod#d", "jnp.divmod(1.0, x)[1]", [1.0, 0.5, -0.5])
_binary("jnp", "copysign", [0.0, -0.0, 1.0, -1.0, inf, nan], "-1.0")
_add("jnp.ldexp", "jnp.ldexp(x, 2)", [0.0, 1.0, inf, nan])

# ---------------------------------------------------- reductions, sorts, statistics
for _name in ("sum prod mean average nansum nanprod nanmean max min amax amin nanmax nanmin "
              "ptp std var nanstd nanvar median nanmedian cumsum cumprod cumulative_sum "
              "cumulative_prod nancumsum nancumprod sort").split():
    _add(f"jnp.{_name}", f"S(jnp.{_name}(V(x)))", [0.0, 1.0, -1.0, 2.0, inf, -inf, nan])
_add("jnp.product", "S(jnp.product(V(x)))", [0.0, 1.0, inf, nan])
_add("jnp.max#pair", "jnp.max(jnp.stack([x, 1.0 - x]))", [0.5, 0.0, nan])
_add("jnp.std#const", "jnp.std(jnp.stack([x, x]))", [0.0, 1.0])
_add("jnp.var#const", "jnp.var(jnp.stack([x, x]))", [0.0, 1.0])
_add("jnp.prod#zeros", "jnp.prod(jnp.stack([x, x, 2.0 * jnp.ones_like(x)]))", [0.0, 1.0])
for _name, _q in (("percentile", "50.0"), ("nanpercentile", "25.0"), ("quantile", "0.5"),
                  ("nanquantile", "0.25")):
    _add(f"jnp.{_name}", f"jnp.{_name}(V(x), {_q})", [0.0, 1.0, -1.0, inf, nan])
_add("jnp.partition", "S(jnp.partition(V(x), 2))", [0.0, 1.0, -1.0, nan])
_add("jnp.sort_complex", "S(jnp.sort_complex(V(x)))", [0.0, 1.0, -1.0, nan])
_add("jnp.average#w", "jnp.average(V(x), weights=jnp.array([1.0, 2.0, 3.0, 4.0]))",
     [0.0, inf, nan])

# ------------------------------------------------- structural and linear (via S, V)
for _name, _call in {
    "append": "jnp.append(V(x), x)", "array": "jnp.array([x, 2 * x])",
    "array_split": "jnp.array_split(V(x), 3)[0]", "asarray": "jnp.asarray(x)",
    "astype": "V(x).astype(jnp.float32)", "atleast_1d": "jnp.atleast_1d(x)",
    "atleast_2d": "jnp.atleast_2d(x)", "atleast_3d": "jnp.atleast_3d(x)",
    "block": "jnp.block([[M(x), M(x)]])", "broadcast_arrays": "jnp.broadcast_arrays(x, V(x))[0]",
    "broadcast_to": "jnp.broadcast_to(x, (3,))",
    "choose": "jnp.choose(jnp.array([1, 0]), [jnp.stack([x, x]), jnp.stack([-x, 3 * x])])",
    "column_stack": "jnp.column_stack([V(x), V(x)])", "compress":
    "jnp.compress(jnp.array([True, False, True, True]), V(x))",
    "concat": "jnp.concat([V(x), V(x)])", "concatenate": "jnp.concatenate([V(x), V(x)])",
    "copy": "jnp.copy(V(x))", "delete": "jnp.delete(V(x), 1)", "diag": "jnp.diag(V(x))",
    "diagflat": "jnp.diagflat(V(x))", "diagonal": "jnp.diagonal(M(x))", "diff": "jnp.diff(V(x))",
    "dsplit": "jnp.dsplit(jnp.reshape(V(x), (1, 1, 4)), 2)[1]", "dstack": "jnp.dstack([V(x)])",
    "ediff1d": "jnp.ediff1d(V(x))", "einsum": "jnp.einsum('i,i->', V(x), V(x))",
    "expand_dims": "jnp.expand_dims(V(x), 0)",
    "extract": "jnp.extract(jnp.array([True, False, True, True]), V(x))",
    "fill_diagonal": "jnp.fill_diagonal(M(x), 0.0, inplace=False)",
    "flip": "jnp.flip(V(x))", "fliplr": "jnp.fliplr(M(x))", "flipud": "jnp.flipud(M(x))",
    "gradient": "jnp.gradient(V(x))", "hsplit": "jnp.hsplit(V(x), 2)[1]",
    "hstack": "jnp.hstack([V(x), x])", "insert": "jnp.insert(V(x), 1, x)",
    "kron": "jnp.kron(V(x), V(x))", "matrix_transpose": "jnp.matrix_transpose(M(x))",
    "meshgrid": "jnp.meshgrid(V(x), V(x))[0]", "moveaxis": "jnp.moveaxis(M(x), 0, 1)",
    "outer": "jnp.outer(V(x), V(x))", "pad": "jnp.pad(V(x), 1, mode='reflect')",
    "permute_dims": "jnp.permute_dims(M(x), (1, 0))",
    "place": "jnp.place(V(x), jnp.array([True, False, False, True]), jnp.stack([2 * x]), "
             "inplace=False)",
    "put": "jnp.put(V(x), jnp.array([1]), 3 * x, inplace=False)",
    "put_along_axis": "jnp.put_along_axis(V(x), jnp.array([1]), 3 * x, 0, inplace=False)",
    "ravel": "jnp.ravel(M(x))", "repeat": "jnp.repeat(V(x), 2)",
    "reshape": "jnp.reshape(V(x), (2, 2))", "resize": "jnp.resize(V(x), (6,))",
    "roll": "jnp.roll(V(x), 1)", "rollaxis": "jnp.rollaxis(M(x), 1)", "rot90": "jnp.rot90(M(x))",
    "split": "jnp.split(V(x), 2)[1]", "squeeze": "jnp.squeeze(jnp.reshape(V(x), (1, 4)))",
    "stack": "jnp.stack([x, x])", "swapaxes": "jnp.swapaxes(M(x), 0, 1)",
    "take": "jnp.take(V(x), jnp.array([0, 2, 2]))",
    "take_along_axis": "jnp.take_along_axis(V(x), jnp.array([3, 0, 0]), 0)",
    "tile": "jnp.tile(V(x), 2)", "trace": "jnp.trace(M(x))", "transpose": "jnp.transpose(M(x))",
    "tril": "jnp.tril(M(x))", "triu": "jnp.triu(M(x))", "unstack": "jnp.unstack(M(x))[1]",
    "vsplit": "jnp.vsplit(M(x), 2)[0]", "vstack": "jnp.vstack([V(x), V(x)])",
    "apply_along_axis": "jnp.apply_along_axis(jnp.max, 0, M(x))",
    "apply_over_axes": "jnp.apply_over_axes(jnp.sum, M(x), [0])",
    "convolve": "jnp.convolve(V(x), jnp.array([1.0, 2.0]))",
    "correlate": "jnp.correlate(V(x), jnp.array([1.0, 2.0]), mode='full')",
    "corrcoef": "jnp.corrcoef(V(x), jnp.array([1.0, 2.0, 3.0, 5.0]))",
    "cov": "jnp.cov(V(x))", "cross": "jnp.cross(V(x)[:3], jnp.array([1.0, 2.0, 3.0]))",
    "dot": "jnp.dot(V(x), V(x))", "inner": "jnp.inner(V(x), V(x))",
    "matmul": "jnp.matmul(M(x), M(x))", "matvec": "jnp.matvec(M(x), V(x)[:2])",
    "vecmat": "jnp.vecmat(V(x)[:2], M(x))", "vecdot": "jnp.vecdot(V(x), V(x))",
    "tensordot": "jnp.tensordot(M(x), M(x))", "vdot": "jnp.vdot(V(x), V(x))",
    "trapezoid": "jnp.trapezoid(V(x))", "unwrap": "jnp.unwrap(jnp.stack([0.0 * x, x, 2 * x]))",
    "vander": "jnp.vander(V(x)[2:])", "poly": "jnp.poly(V(x)[2:])",
    "polyadd": "jnp.polyadd(V(x), jnp.array([1.0, 2.0]))",
    "polyder": "jnp.polyder(V(x))", "polydiv": "jnp.polydiv(V(x), jnp.array([1.0, 2.0]))[0]",
    "polyint": "jnp.polyint(V(x))", "polymul": "jnp.polymul(V(x), V(x))",
    "polysub": "jnp.polysub(V(x), jnp.array([1.0, 2.0]))", "polyval": "jnp.polyval(V(x), x)",
    "row_stack": "jnp.row_stack([V(x), V(x)])",
}.items():
    _add(f"jnp.{_name}", f"S({_call})", STRUCT)
_add("jnp.unwrap#jump", "S(jnp.unwrap(jnp.stack([jnp.zeros_like(x), x])))",
     [3.141592653589793, 4.0, -4.0, 0.0])
_add("jnp.corrcoef#const", "S(jnp.corrcoef(jnp.stack([x, x, x]), jnp.array([1.0, 2.0, 3.0])))",
     [0.0, 1.0])
_add("jnp.polyval#root", "jnp.polyval(jnp.array([1.0, 0.0, 0.0]), x)", [0.0, inf, nan])

# -------------------------------------------------------------------------- linalg
for _name, _call in {
    "cholesky": "la.cholesky(M(x) + 2.0 * jnp.eye(2))", "cond": "la.cond(M(x))",
    "cross": "la.cross(V(x)[:3], jnp.array([1.0, 2.0, 3.0]))", "det": "la.det(M(x))",
    "diagonal": "la.diagonal(M(x))", "eigh": "la.eigh(M(x))[0]",
    "eigvalsh": "la.eigvalsh(M(x))", "inv": "la.inv(M(x))",
    "lstsq": "la.lstsq(M(x), jnp.array([1.0, 2.0]))[0]", "matmul": "la.matmul(M(x), M(x))",
    "matrix_norm": "la.matrix_norm(M(x))", "matrix_power": "la.matrix_power(M(x), 3)",
    "matrix_transpose": "la.matrix_transpose(M(x))", "multi_dot": "la.multi_dot([M(x), M(x)])",
    "norm": "la.norm(V(x))", "outer": "la.outer(V(x), V(x))", "pinv": "la.pinv(M(x))",
    "qr": "jnp.abs(la.qr(M(x))[1])", "slogdet": "la.slogdet(M(x))[1]",
    "solve": "la.solve(M(x), jnp.array([1.0, 2.0]))", "svd": "la.svd(M(x))[1]",
    "svdvals": "la.svdvals(M(x))", "tensordot": "la.tensordot(M(x), M(x))",
    "tensorinv": "la.tensorinv(jnp.reshape(M(x), (2, 2)), ind=1)",
    "tensorsolve": "la.tensorsolve(M(x), jnp.array([1.0, 2.0]))", "trace": "la.trace(M(x))",
    "vecdot": "la.vecdot(V(x), V(x))", "vector_norm": "la.vector_norm(V(x))",
    "eigvals": "jnp.real(la.eigvals(M(x) + jnp.array([[0.0, 0.0], [0.5, 0.0]])))",
}.items():
    # (no NaN point: LAPACK's results on NaN input are unspecified, so not a convention)
    _add(f"la.{_name}", f"S({_call})", [0.0, 1.0, -1.0, 2.0])
_add("la.norm#zero", "la.norm(jnp.stack([x, 0.0 * x]))", [0.0, 1.0, inf])
_add("la.norm#ord1", "la.norm(jnp.stack([x, 1.0 + 0.0 * x]), ord=1)", [0.0, 1.0, -1.0])
_add("la.norm#ordinf", "la.norm(jnp.stack([x, jnp.ones_like(x)]), ord=jnp.inf)",
     [1.0, -1.0, 0.0, 2.0])
_add("la.norm#fro", "la.norm(D(x) - jnp.eye(2))", [1.0, 0.0, 2.0])
_add("la.norm#2", "la.norm(D(x), ord=2)", [1.0, -1.0, 0.0, 2.0])
_add("la.norm#nuc", "la.norm(D(x), ord='nuc')", [0.0, 1.0, -1.0])
_add("la.vector_norm#zero", "la.vector_norm(jnp.stack([x, 0.0 * x]))", [0.0, 1.0])
_add("la.matrix_norm#zero", "la.matrix_norm(D(x) - D(x) + x * jnp.eye(2))", [0.0, 1.0])
_add("la.eigh#degenerate", "S(la.eigh(D(x))[0])", [1.0, 0.0, 2.0])
_add("la.eigvalsh#degenerate", "S(la.eigvalsh(D(x)))", [1.0, 0.0, 2.0])
_add("la.svdvals#degenerate", "S(la.svdvals(D(x)))", [1.0, -1.0, 0.0, 2.0])
_add("la.det#singular", "la.det(D(x))", [0.0, 1.0])
_add("la.slogdet#singular", "la.slogdet(D(x))[1]", [0.0, 1.0, -1.0])

# ----------------------------------------------------------------------------- fft
for _name, _call in {
    "fft": "fft.fft(V(x))", "ifft": "fft.ifft(V(x))", "fft2": "fft.fft2(M(x))",
    "ifft2": "fft.ifft2(M(x))", "fftn": "fft.fftn(M(x))", "ifftn": "fft.ifftn(M(x))",
    "rfft": "fft.rfft(V(x))", "irfft": "fft.irfft(V(x))", "rfft2": "fft.rfft2(M(x))",
    "irfft2": "fft.irfft2(M(x))", "rfftn": "fft.rfftn(M(x))", "irfftn": "fft.irfftn(M(x))",
    "hfft": "fft.hfft(V(x))", "ihfft": "fft.ihfft(V(x))", "fftshift": "fft.fftshift(V(x))",
    "ifftshift": "fft.ifftshift(V(x))",
}.items():
    _add(f"fft.{_name}", f"S({_call})", [0.0, 1.0, inf, nan])

# ------------------------------------------------------------------ scipy.special
_unary("sp", "digamma gammaln loggamma gamma", [0.0, -1.0, 1.0, 0.5, -0.5, inf, -inf, nan])
_unary("sp", "erf erfc expit ndtr log_ndtr", [0.0, 1.0, -40.0, inf, -inf, nan])
_unary("sp", "erfinv ndtri logit", [-1.0, 0.0, 0.5, 1.0, 2.0, nan])
_unary("sp", "entr", [0.0, -1.0, 1.0, inf, nan])
_unary("sp", "factorial", [0.0, 1.0, -1.0, 2.5, inf])
_unary("sp", "i0 i0e i1 i1e", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.betainc#x", "sp.betainc(1.0, 2.0, x)", [0.0, 0.5, 1.0, -1.0, 2.0, nan])
_add("sp.gammainc#x", "sp.gammainc(1.0, x)", [0.0, 1.0, -1.0, inf, nan])
_add("sp.gammainc#a", "sp.gammainc(x, 1.0)", [1.0, 0.5, 0.0])
_add("sp.gammaincc#x", "sp.gammaincc(1.0, x)", [0.0, 1.0, -1.0, inf, nan])
_add("sp.gammaincc#a", "sp.gammaincc(x, 1.0)", [1.0, 0.5])
_add("sp.polygamma#1", "sp.polygamma(1, x)", [0.0, -1.0, 1.0, 0.5, inf])
_add("sp.polygamma#0", "sp.polygamma(0, x)", [0.0, 1.0, 0.5])
_add("sp.zeta#x", "sp.zeta(x, 1.0)", [1.0, 2.0, 0.5, inf])
_add("sp.zeta#q", "sp.zeta(2.0, x)", [1.0, 0.0, -1.0, 0.5])
_add("sp.multigammaln", "sp.multigammaln(x, 2)", [0.5, 1.0, 2.0, inf])
_binary("sp", "xlogy xlog1py", [0.0, 1.0, -1.0, inf, nan], "0.0", [0.0, 1.0, -1.0])
_binary("sp", "rel_entr kl_div", [0.0, 1.0, -1.0, inf, nan], "1.0", [0.0, 1.0])
_add("sp.rel_entr#x,0", "sp.rel_entr(x, 0.0)", [0.0, 1.0])
_add("sp.kl_div#x,0", "sp.kl_div(x, 0.0)", [0.0, 1.0])
# the special functions JAX added later (series, continued fractions, quadrature)
_unary("sp", "dawsn erfcx", [0.0, 1.0, -1.0, -40.0, inf, -inf, nan])
_unary("sp", "exp1", [0.0, 1.0, -1.0, 100.0, inf, nan])
_unary("sp", "expi", [0.0, 1.0, -1.0, -100.0, inf, -inf, nan])
for _n in (0, 1, 2, 5):
    _add(f"sp.expn#{_n}", f"sp.expn({_n}, x)", [0.0, 1.0, -1.0, inf, nan])
_add("sp.fresnel#s", "sp.fresnel(x)[0]", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.fresnel#c", "sp.fresnel(x)[1]", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.sici#si", "sp.sici(x)[0]", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.sici#ci", "sp.sici(x)[1]", [0.0, 1.0, -1.0, inf, -inf, nan])
_unary("sp", "spence", [0.0, 1.0, 0.5, 2.0, -1.0, inf, nan])
_add("sp.comb#n", "sp.comb(x, 2.0)", [2.0, 1.0, 0.0, 5.0, -1.0])
_add("sp.comb#k", "sp.comb(5.0, x)", [0.0, 5.0, 2.0, 6.0, -1.0])
_add("sp.comb#rep", "sp.comb(x, 2.0, repetition=True)", [2.0, 0.0, 5.0])
_add("sp.owens_t#h", "sp.owens_t(x, 0.5)", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.owens_t#a", "sp.owens_t(1.0, x)", [0.0, 1.0, -1.0, inf, nan])
_add("sp.hyp1f1#x", "sp.hyp1f1(1.0, 2.0, x)", [0.0, 1.0, -1.0, -200.0, nan])
_add("sp.hyp1f1#a", "sp.hyp1f1(x, 2.0, 1.0)", [0.0, 1.0, 2.0, -1.0])
_add("sp.hyp1f1#b", "sp.hyp1f1(1.0, x, 1.0)", [1.0, 2.0, 0.5])
_add("sp.hyp2f1#x", "sp.hyp2f1(1.0, 1.0, 2.0, x)", [0.0, 0.5, -1.0, -5.0, 1.0, nan])
_add("sp.hyp2f1#a", "sp.hyp2f1(x, 1.0, 2.0, 0.5)", [0.0, 1.0, -1.0])
_add("sp.hyp2f1#c", "sp.hyp2f1(1.0, 1.0, x, 0.5)", [2.0, 1.0, 0.5])
_add("sp.wofz", "S(sp.wofz(x))", [0.0, 1.0, -1.0, inf, -inf, nan])
_add("sp.wofz#imag", "S(sp.wofz(x * jnp.complex64(1j)))", [0.0, 1.0, -1.0, 5.0])
_add("sp.bessel_jn", "S(sp.bessel_jn(x, v=2))", [0.0, 1.0, -1.0, 1e-5, 10.0, nan])
_add("sp.sph_harm_y#theta",
     "S(sp.sph_harm_y(jnp.array([2]), jnp.array([1]), x, jnp.float32(0.3)))",
     [0.0, 0.5, 1.5707963267948966, 3.141592653589793])
_add("sp.sph_harm_y#phi",
     "S(sp.sph_harm_y(jnp.array([2]), jnp.array([-1]), jnp.float32(0.7), x))",
     [0.0, 1.0, 6.283185307179586])
_binary("sp", "beta betaln poch", [0.0, 1.0, -1.0, 0.5, inf], "1.0", [0.0, 1.0, -1.0])
_add("sp.boxcox#x", "sp.boxcox(x, 0.0)", [0.0, 1.0, -1.0, inf])
_add("sp.boxcox#lmbda", "sp.boxcox(2.0, x)", [0.0, 1.0, 1e-30])
_add("sp.boxcox1p#x", "sp.boxcox1p(x, 0.0)", [0.0, -1.0, inf])
_add("sp.boxcox1p#lmbda", "sp.boxcox1p(1.0, x)", [0.0, 1.0])
for _ns in ("sp", "nn"):
    for _name in ("logsumexp softmax log_softmax").split():
        _add(f"{_ns}.{_name}", f"S({_ns}.{_name}(V(x)))", [0.0, 1.0, inf, -inf, nan])
_add("sp.logsumexp#neginf", "sp.logsumexp(jnp.stack([x, -jnp.inf * jnp.ones_like(x)]))",
     [0.0, -inf, inf])
_add("sp.logsumexp#b", "sp.logsumexp(V(x), b=jnp.array([1.0, 0.0, 1.0, 1.0]))",
     [0.0, -inf, inf])

# -------------------------------------------------------------------------- plax.nn
_unary("nn", "relu", ALL)
_unary("nn", "relu6", [0.0, 6.0, 3.0, -1.0, 7.0, inf, -inf, nan])
_unary("nn", "sigmoid softplus soft_sign log_sigmoid silu swish tanh mish squareplus "
       "identity", STD)
_add("nn.gelu", "nn.gelu(x)", STD)
_add("nn.gelu#exact", "nn.gelu(x, approximate=False)", STD)
_unary("nn", "elu celu selu", STD)
_add("nn.elu#alpha", "nn.elu(x, 0.5)", [0.0, -1.0])
_add("nn.celu#alpha", "nn.celu(x, 0.5)", [0.0, -1.0])
_unary("nn", "leaky_relu", ALL)
_add("nn.leaky_relu#slope", "nn.leaky_relu(x, 0.2)", [0.0, -1.0])
_unary("nn", "hard_tanh", [-1.0, 1.0, 0.0, 2.0, -2.0, inf, nan])
_unary("nn", "hard_sigmoid hard_silu hard_swish", [-3.0, 3.0, 0.0, 4.0, -4.0, inf, nan])
_unary("nn", "sparse_plus sparse_sigmoid", [-1.0, 1.0, 0.0, 2.0, -2.0, inf, nan])
_unary("nn", "log1mexp", [0.0, 0.6931471805599453, 1.0, inf, -1.0, nan])
_add("nn.glu", "S(nn.glu(V(x)))", STRUCT)
_add("nn.standardize", "S(nn.standardize(V(x)))", [0.0, 1.0, nan])
_add("nn.standardize#const", "S(nn.standardize(jnp.stack([x, x])))", [0.0, 1.0])
_add("nn.logmeanexp", "nn.logmeanexp(V(x))", [0.0, 1.0, inf, -inf, nan])
_add("nn.dot_product_attention",
     "S(nn.dot_product_attention(jnp.reshape(V(x), (2, 1, 2)), jnp.reshape(V(x), (2, 1, 2)), "
     "jnp.reshape(V(x), (2, 1, 2))))", [0.0, 1.0, nan])

# ------------------------------------------------------------------------ plax.lax
_unary("lax", "abs", ALL)
_unary("lax", "neg square reciprocal exp exp2 expm1 logistic tanh sinh cosh atan asinh erf "
       "erfc", STD)
_unary("lax", "sqrt rsqrt cbrt log", [0.0, -0.0, 1.0, -1.0, inf, nan])
_unary("lax", "log1p", [-1.0, 0.0, -2.0, inf, nan])
_unary("lax", "sin cos tan", [0.0, 1.0, inf, nan])
_unary("lax", "asin acos atanh erf_inv", [-1.0, 0.0, 1.0, 2.0, nan])
_unary("lax", "acosh", [1.0, 0.0, 2.0, inf, nan])
_unary("lax", "lgamma digamma", [0.0, -1.0, 1.0, 0.5, inf, -inf, nan])
_unary("lax", "real imag", STRUCT, "{f}(lax.complex(x, 2.0 * x))")
_add("lax.conj", "S(lax.conj(lax.complex(x, 2.0 * x)))", STRUCT)
_binary("lax", "add sub mul div", STRUCT, "2.0")
_binary("lax", "max min", [0.0, -0.0, 1.0, -1.0, inf, -inf, nan], "0.0")
_binary("lax", "atan2", [0.0, -0.0, 1.0, -1.0, inf, nan], "0.0")
_binary("lax", "rem", [0.0, 1.0, 1.5, -1.0, -0.5, inf, nan], "1.0", [1.0, -1.0, 0.0])
_binary("lax", "pow", [0.0, 1.0, -1.0, 2.0], "2.0", [0.0, 1.0])
_add("lax.pow#x,0", "lax.pow(x, 0.0)", [0.0, 1.0])
_add("lax.pow#0,x", "lax.pow(0.0, x)", [0.0, 1.0, 2.0])
_add("lax.pow#x,int", "lax.pow(x, 2)", [0.0, -1.0])
for _n in (0, 1, 2, 3, -1, -2):
    _add(f"lax.integer_pow#{_n}", f"lax.integer_pow(x, {_n})", [0.0, -0.0, 1.0, inf, nan])
_add("lax.clamp#x", "lax.clamp(0.0, x, 1.0)", [0.0, 1.0, 0.5, -1.0, 2.0, inf, -inf, nan])
_add("lax.clamp#lo", "lax.clamp(x, 0.5, 1.0)", [0.5, 0.0, 1.0, 2.0])
_add("lax.clamp#hi", "lax.clamp(0.0, 0.5 * jnp.ones_like(x), x)", [0.5, 0.0, 1.0, -1.0])
_add("lax.clamp#all", "lax.clamp(x, x, x)", [0.0, 1.0])
_add("lax.complex", "S(lax.complex(x, 2.0 * x))", STRUCT)
_add("lax.convert_element_type", "lax.convert_element_type(x, jnp.float32)", STRUCT)
_add("lax.reduce_precision", "lax.reduce_precision(x, 5, 10)", [0.0, 1.0, inf, nan])
_add("lax.stop_gradient", "lax.stop_gradient(x) * x", STRUCT)
_add("lax.zeros_like_array", "lax.zeros_like_array(x) + x", STRUCT)
_add("lax.full_like", "lax.full_like(x, 2.0) * x", STRUCT)
_add("lax.select", "lax.select(x > 0, x, -2.0 * x)", [0.0, 1.0, -1.0, nan])
_add("lax.select_n", "lax.select_n(x > 0, x, -2.0 * x)", [0.0, 1.0, -1.0, nan])
for _name, _call in {
    "reduce_max": "lax.reduce_max(V(x), (0,))", "reduce_min": "lax.reduce_min(V(x), (0,))",
    "reduce_prod": "lax.reduce_prod(V(x), (0,))", "reduce_sum": "lax.reduce_sum(V(x), (0,))",
    "cummax": "lax.cummax(V(x))", "cummin": "lax.cummin(V(x))",
    "cumprod": "lax.cumprod(V(x))", "cumsum": "lax.cumsum(V(x))",
    "cumlogsumexp": "lax.cumlogsumexp(V(x))", "sort": "lax.sort(V(x))",
    "sort_key_val": "lax.sort_key_val(V(x), jnp.stack([x, 2 * x, 3 * x, 4 * x]))[1]",
    "top_k": "lax.top_k(V(x), 2)[0]",
    "reduce_window_max": "lax.reduce_window_max(V(x), (2,), (1,), 'VALID')",
    "reduce_window_min": "lax.reduce_window_min(V(x), (2,), (1,), 'VALID')",
    "reduce_window_sum": "lax.reduce_window_sum(V(x), (2,), (1,), 'VALID')",
    "reduce_window": "lax.reduce_window(V(x), -jnp.inf, lax.max, (2,), (1,), 'VALID')",
}.items():
    _add(f"lax.{_name}", f"S({_call})", [0.0, 1.0, -1.0, inf, -inf, nan])
for _name, _call in {
    "broadcast": "lax.broadcast(V(x), (2,))",
    "broadcast_in_dim": "lax.broadcast_in_dim(V(x), (2, 4), (1,))",
    "broadcast_to_rank": "lax.broadcast_to_rank(V(x), 2)",
    "collapse": "lax.collapse(M(x), 0)", "concatenate": "lax.concatenate([V(x), V(x)], 0)",
    "dynamic_index_in_dim": "lax.dynamic_index_in_dim(V(x), 2)",
    "dynamic_slice": "lax.dynamic_slice(V(x), (1,), (2,))",
    "dynamic_slice_in_dim": "lax.dynamic_slice_in_dim(V(x), 1, 2)",
    "dynamic_update_slice": "lax.dynamic_update_slice(V(x), jnp.stack([3 * x]), (1,))",
    "dynamic_update_slice_in_dim": "lax.dynamic_update_slice_in_dim(V(x), jnp.stack([3 * x]), "
                                   "1, 0)",
    "dynamic_update_index_in_dim": "lax.dynamic_update_index_in_dim(V(x), 3 * x, 1, 0)",
    "expand_dims": "lax.expand_dims(V(x), (0,))", "index_in_dim": "lax.index_in_dim(V(x), 2)",
    "pad": "lax.pad(V(x), 0.0, [(1, 2, 1)])", "reshape": "lax.reshape(V(x), (2, 2))",
    "rev": "lax.rev(V(x), (0,))", "slice": "lax.slice(V(x), (1,), (3,))",
    "slice_in_dim": "lax.slice_in_dim(V(x), 1, 3)", "squeeze": "lax.squeeze(M(x)[:1], (0,))",
    "transpose": "lax.transpose(M(x), (1, 0))", "dot": "lax.dot(V(x), V(x))",
    "dot_general": "lax.dot_general(M(x), M(x), (((1,), (0,)), ((), ())))",
    "batch_matmul": "lax.batch_matmul(M(x)[None], M(x)[None])",
    "conv": "lax.conv(jnp.reshape(V(x), (1, 1, 4)), jnp.ones((1, 1, 2)), (1,), 'VALID')",
    "conv_general_dilated": "lax.conv_general_dilated(jnp.reshape(V(x), (1, 1, 4)), "
                            "jnp.reshape(V(x)[:2], (1, 1, 2)), (1,), 'SAME')",
    "conv_with_general_padding": "lax.conv_with_general_padding(jnp.reshape(V(x), (1, 1, 4)), "
                                 "jnp.ones((1, 1, 2)), (1,), [(1, 0)], None, None)",
    "conv_transpose": "lax.conv_transpose(jnp.reshape(V(x), (1, 4, 1)), jnp.ones((2, 1, 1)), "
                      "(1,), 'VALID')",
    "gather": "lax.gather(V(x), jnp.array([[2], [2]]), lax.GatherDimensionNumbers("
              "offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)), (1,))",
    "scatter": "lax.scatter(V(x), jnp.array([[1]]), jnp.stack([3 * x]), _SDN)",
    "scatter_add": "lax.scatter_add(V(x), jnp.array([[1], [1]]), jnp.stack([3 * x, x]), _SDN)",
    "scatter_mul": "lax.scatter_mul(V(x), jnp.array([[1], [2]]), jnp.stack([3 * x, x]), _SDN, "
                   "unique_indices=True)",
    "scatter_max": "lax.scatter_max(V(x), jnp.array([[1], [0]]), jnp.stack([x, x]), _SDN)",
    "scatter_min": "lax.scatter_min(V(x), jnp.array([[1], [0]]), jnp.stack([x, x]), _SDN)",
    "fft": "lax.fft(V(x).astype(jnp.complex64), 'FFT', (4,))",
    "cond": "lax.cond(x > 0, lambda t: t, lambda t: -2 * t, x)",
    "switch": "lax.switch(jnp.where(x > 0, 1, 0), [lambda t: -2 * t, lambda t: t], x)",
    "while_loop": "lax.while_loop(lambda c: c[0] < 2, lambda c: (c[0] + 1, jnp.maximum(c[1], "
                  "0.0) * c[1]), (0, x))[1]",
    "fori_loop": "lax.fori_loop(0, 2, lambda i, c: jnp.abs(c) + c, x)",
    "scan": "lax.scan(lambda c, t: (jnp.maximum(c, t), c), x, V(x))[0]",
    "map": "lax.map(jnp.abs, V(x))", "associative_scan": "lax.associative_scan(lax.max, V(x))",
    "cholesky": "lax.cholesky(M(x) + 2.0 * jnp.eye(2))", "eigh": "lax.eigh(M(x))[1]",
    "eig": "jnp.real(lax.eig(M(x) + jnp.array([[0.0, 0.0], [0.5, 0.0]]), "
           "compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0])",
    "lu": "jnp.abs(lax.lu(M(x))[0])", "qr": "jnp.abs(lax.qr(M(x))[1])",
    "svd": "lax.svd(M(x), compute_uv=False)",
    "triangular_solve": "lax.triangular_solve(M(x) + 2.0 * jnp.eye(2), jnp.ones((1, 2)), "
                        "lower=True)",
}.items():
    _linalg = _name in ("cholesky", "eigh", "eig", "lu", "qr", "svd", "triangular_solve")
    _add(f"lax.{_name}", f"S({_call})", [0.0, 1.0, -1.0] + ([] if _linalg else [nan]))

for _name, _call in {
    "approx_max_k": "lax.approx_max_k(V(x), 2)[0]", "approx_min_k": "lax.approx_min_k(V(x), 2)[0]",
    "broadcast_like": "lax.broadcast_like(x, V(x))",
    "conv_general_dilated_local": "lax.conv_general_dilated_local(jnp.reshape(V(x), (1, 1, 4)), "
                                  "jnp.reshape(V(x)[:2] * 0.0 + 1.0, (1, 2, 1)) * jnp.ones("
                                  "(1, 2, 3)), (1,), 'VALID', (2,))",
    "conv_general_dilated_patches": "lax.conv_general_dilated_patches(jnp.reshape(V(x), "
                                    "(1, 1, 4)), (2,), (1,), 'VALID')",
    "index_take": "lax.index_take(V(x), (jnp.array([2, 0, 2]),), (0,))",
    "optimization_barrier": "lax.optimization_barrier(V(x)) * V(x)",
    "reduce": "lax.reduce(V(x), -jnp.inf, lax.max, (0,))",
    "scatter_apply": "lax.scatter_apply(V(x), jnp.array([[1]]), jnp.sin, _SDN, "
                     "update_shape=(1,))",
    "scatter_sub": "lax.scatter_sub(V(x), jnp.array([[1], [1]]), jnp.stack([3 * x, x]), _SDN)",
    "split": "lax.split(V(x), (1, 3))[1]", "stack": "lax.stack([x, 2 * x])",
    "tile": "lax.tile(V(x), (2,))", "unstack": "lax.unstack(M(x))[1]",
}.items():
    _add(f"lax.{_name}", f"S({_call})", [0.0, 1.0, -1.0, inf, nan])
_add("jnp.polyfit", "S(jnp.polyfit(jnp.array([0.0, 1.0, 2.0]), jnp.stack([x, 2 * x, x * x]), 1))",
     [0.0, 1.0, -1.0, 2.0])
_add("jnp.roots", "S(jnp.roots(jnp.stack([jnp.ones_like(x), -2.0 * x, jnp.ones_like(x) * 0.75]), "
     "strip_zeros=False))", [0.0, 1.0, 2.0, -1.0])

# The scatter dimension numbers the scatter cases share (bound in both environments).
HELPERS += '''
_SDN = lax.ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
                                   scatter_dims_to_operand_dims=(0,))
'''

# JAX spellings of cases whose plax name JAX no longer has (or keeps elsewhere).
JAX_EXPR = {
    "jnp.product": "S(jnp.prod(V(x)))",
    "jnp.row_stack": "S(jnp.vstack([V(x), V(x)]))",
    "lax.reduce_window_max": "S(lax.reduce_window(V(x), -jnp.inf, lax.max, (2,), (1,), 'VALID'))",
    "lax.reduce_window_min": "S(lax.reduce_window(V(x), jnp.inf, lax.min, (2,), (1,), 'VALID'))",
    "lax.reduce_window_sum": "S(lax.reduce_window(V(x), 0.0, lax.add, (2,), (1,), 'VALID'))",
    "lax.zeros_like_array": "jnp.zeros_like(x) + x",
    "lax.cholesky": "S(lax.linalg.cholesky(M(x) + 2.0 * jnp.eye(2)))",
    "lax.eigh": "S(lax.linalg.eigh(M(x))[1])",
    "lax.eig": "S(jnp.real(lax.linalg.eig(M(x) + jnp.array([[0.0, 0.0], [0.5, 0.0]]), "
               "compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0]))",
    "lax.lu": "S(jnp.abs(lax.linalg.lu(M(x))[0]))",
    "lax.qr": "S(jnp.abs(lax.linalg.qr(M(x))[1]))",
    "lax.svd": "S(lax.linalg.svd(M(x), compute_uv=False))",
    "lax.triangular_solve": "S(lax.linalg.triangular_solve(M(x) + 2.0 * jnp.eye(2), "
                            "jnp.ones((1, 2)), lower=True))",
}
