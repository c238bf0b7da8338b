"""check_grads (order 2, forward and reverse mode, float64) for the differentiable
plax.numpy / linalg / fft / scipy.special / nn functions that test_grad_audit.py found
without a gradient check.  Inputs are kept away from kinks and singularities."""

import zlib

import numpy as np
import pytest

pytest.importorskip("plax_autodiff")

import plax_core  # noqa: E402
import plax_numpy as jnp  # noqa: E402
from plax_autodiff.test_util import check_grads  # noqa: E402
from plax_core.config import config  # noqa: E402

sp = jnp.scipy.special
L = jnp.linalg
F = jnp.fft
nn = jnp.nn


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def pos(x):          # strictly positive, smooth in x
    return x * x + 0.5


def unit(x):         # inside (-0.9, 0.9), smooth
    return jnp.tanh(x) * 0.9


def sq(x):           # (2, 4) -> (2, 2) block, well conditioned after + 3I
    return x[:, :2] + 3 * jnp.eye(2)


def spd(x):          # symmetric positive definite (2, 2)
    a = x[:, :2]
    return a @ a.T + 3 * jnp.eye(2)


# Elementwise math, reductions, shape ops: one (2, 4) float64 input.
GRAD_CASES = [
    # elementwise
    ("absolute", lambda x: jnp.absolute(x + 3.0)), ("fabs", lambda x: jnp.fabs(x + 3.0)),
    ("add", lambda x: jnp.add(x, x * x)), ("subtract", lambda x: jnp.subtract(x, x * x)),
    ("multiply", lambda x: jnp.multiply(x, jnp.sin(x))),
    ("divide", lambda x: jnp.divide(x, pos(x))),
    ("true_divide", lambda x: jnp.true_divide(x, pos(x))),
    ("negative", lambda x: jnp.negative(x * x)), ("positive", lambda x: jnp.positive(x * x)),
    ("reciprocal", lambda x: jnp.reciprocal(pos(x))),
    ("power", lambda x: jnp.power(pos(x), x)),
    ("float_power", lambda x: jnp.float_power(pos(x), 1.5)),
    ("square", jnp.square), ("sqrt", lambda x: jnp.sqrt(pos(x))),
    ("cbrt", lambda x: jnp.cbrt(pos(x))),
    ("exp", jnp.exp), ("exp2", jnp.exp2), ("expm1", jnp.expm1),
    ("log", lambda x: jnp.log(pos(x))), ("log2", lambda x: jnp.log2(pos(x))),
    ("log10", lambda x: jnp.log10(pos(x))), ("log1p", lambda x: jnp.log1p(x * x)),
    ("logaddexp", lambda x: jnp.logaddexp(x, x * x)),
    ("logaddexp2", lambda x: jnp.logaddexp2(x, x * x)),
    ("sin", jnp.sin), ("cos", jnp.cos), ("tan", lambda x: jnp.tan(unit(x))),
    ("sinh", jnp.sinh), ("cosh", jnp.cosh),
    ("arcsin", lambda x: jnp.arcsin(unit(x))), ("arccos", lambda x: jnp.arccos(unit(x))),
    ("arctan", jnp.arctan), ("arcsinh", jnp.arcsinh),
    ("arccosh", lambda x: jnp.arccosh(pos(x) + 1.0)),
    ("arctanh", lambda x: jnp.arctanh(unit(x))),
    ("arctan2", lambda x: jnp.arctan2(x, pos(x))), ("atan2", lambda x: jnp.atan2(x, pos(x))),
    ("hypot", lambda x: jnp.hypot(x, pos(x))),
    ("deg2rad", jnp.deg2rad), ("rad2deg", jnp.rad2deg),
    ("maximum", lambda x: jnp.maximum(x, x * 0.5 + 10.0)),
    ("minimum", lambda x: jnp.minimum(x, x * 0.5 + 10.0)),
    ("fmax", lambda x: jnp.fmax(x, x * 0.5 + 10.0)),
    ("fmin", lambda x: jnp.fmin(x, x * 0.5 + 10.0)),
    ("clip", lambda x: jnp.clip(x, -10.0, 10.0)),
    ("copysign", lambda x: jnp.copysign(x, 2.0)),
    ("ldexp", lambda x: jnp.ldexp(x, 3)),
    ("mod", lambda x: jnp.mod(pos(x), 7.0)), ("remainder", lambda x: jnp.remainder(pos(x), 7.0)),
    ("fmod", lambda x: jnp.fmod(pos(x), 7.0)),
    ("divmod", lambda x: jnp.divmod(pos(x), 7.0)[1]),
    ("modf", lambda x: jnp.modf(pos(x) * 0.1)[0]),
    ("nan_to_num", lambda x: jnp.nan_to_num(x * x)),
    ("where", lambda x: jnp.where(np.array([True, False, True, False]), x, x * x)),
    ("select", lambda x: jnp.select([np.array([True, False, False, True])], [x], x * x)),
    ("choose", lambda x: jnp.choose(np.array([0, 1, 1, 0]), [x[0], x[1] ** 2])),
    ("real", lambda x: jnp.real(x * x)), ("imag", lambda x: jnp.imag(x * x) + x),
    ("conj", lambda x: jnp.conj(x * x)), ("conjugate", lambda x: jnp.conjugate(x * x)),
    ("angle", lambda x: jnp.angle(x + 1j * pos(x))),
    ("unwrap", lambda x: jnp.unwrap(x * 0.3)),
    # reductions
    ("sum", lambda x: jnp.sum(x * x, axis=1)), ("prod", lambda x: jnp.prod(x, axis=0)),
    ("max", lambda x: jnp.max(x, axis=1)), ("min", lambda x: jnp.min(x, axis=1)),
    ("amax", lambda x: jnp.amax(x, axis=0)), ("amin", lambda x: jnp.amin(x, axis=0)),
    ("ptp", lambda x: jnp.ptp(x, axis=1)),
    ("average", lambda x: jnp.average(x, axis=1, weights=np.array([1.0, 2, 3, 4]))),
    ("var", lambda x: jnp.var(x, axis=1)), ("std", lambda x: jnp.std(x, axis=1)),
    ("nanstd", lambda x: jnp.nanstd(x, axis=1)), ("nanprod", lambda x: jnp.nanprod(x, 0)),
    ("nanmin", lambda x: jnp.nanmin(x, axis=1)),
    ("nanmedian", lambda x: jnp.nanmedian(x, axis=1)),
    ("percentile", lambda x: jnp.percentile(x, 30.0, axis=1)),
    ("nanpercentile", lambda x: jnp.nanpercentile(x, 30.0, axis=1)),
    ("nancumprod", lambda x: jnp.nancumprod(x, axis=1)),
    ("cumulative_sum", lambda x: jnp.cumulative_sum(x * x, axis=1)),
    ("cumulative_prod", lambda x: jnp.cumulative_prod(x, axis=1)),
    ("trace", lambda x: jnp.trace(x * x)),
    ("ediff1d", lambda x: jnp.ediff1d(x * x)),
    # products
    ("dot", lambda x: jnp.dot(x, x.T)), ("vdot", lambda x: jnp.vdot(x, x * x)),
    ("inner", lambda x: jnp.inner(x, x)), ("outer", lambda x: jnp.outer(x[0], x[1])),
    ("matmul", lambda x: jnp.matmul(x, x.T)), ("tensordot", lambda x: jnp.tensordot(x, x.T, 1)),
    ("einsum", lambda x: jnp.einsum("ij,kj->ik", x, x)),
    ("kron", lambda x: jnp.kron(x[:, :2], x[:, 2:])),
    ("vecdot", lambda x: jnp.vecdot(x, x * x)),
    ("matvec", lambda x: jnp.matvec(x, x[0])), ("vecmat", lambda x: jnp.vecmat(x[0], x.T)),
    ("correlate", lambda x: jnp.correlate(x[0], x[1], "full")),
    # shape ops
    ("reshape_ravel", lambda x: jnp.ravel(x * x)), ("transpose", lambda x: jnp.transpose(x * x)),
    ("matrix_transpose", lambda x: jnp.matrix_transpose(x * x)),
    ("permute_dims", lambda x: jnp.permute_dims(x * x, (1, 0))),
    ("moveaxis", lambda x: jnp.moveaxis(x * x, 0, 1)),
    ("rollaxis", lambda x: jnp.rollaxis(x * x, 1)),
    ("squeeze", lambda x: jnp.squeeze(x[None] * x)),
    ("expand_dims", lambda x: jnp.expand_dims(x * x, 1)),
    ("broadcast_to", lambda x: jnp.broadcast_to(x * x, (3, 2, 4))),
    ("broadcast_arrays", lambda x: jnp.broadcast_arrays(x * x, x[0])[1]),
    ("atleast_1d", lambda x: jnp.atleast_1d(x * x)),
    ("atleast_2d", lambda x: jnp.atleast_2d(x[0] ** 2)),
    ("atleast_3d", lambda x: jnp.atleast_3d(x * x)),
    ("concatenate", lambda x: jnp.concatenate([x, x * x], axis=1)),
    ("concat", lambda x: jnp.concat([x, x * x], axis=0)),
    ("stack", lambda x: jnp.stack([x, x * x])), ("hstack", lambda x: jnp.hstack([x, x * x])),
    ("vstack", lambda x: jnp.vstack([x, x * x])), ("dstack", lambda x: jnp.dstack([x, x * x])),
    ("row_stack", lambda x: jnp.row_stack([x, x * x])),
    ("column_stack", lambda x: jnp.column_stack([x[0], x[1] ** 2])),
    ("block", lambda x: jnp.block([[x, x * x]])),
    ("append", lambda x: jnp.append(x, x * x, axis=0)),
    ("split", lambda x: jnp.split(x * x, 2, axis=1)[1]),
    ("array_split", lambda x: jnp.array_split(x * x, 3, axis=1)[0]),
    ("hsplit", lambda x: jnp.hsplit(x * x, 2)[0]), ("vsplit", lambda x: jnp.vsplit(x * x, 2)[1]),
    ("dsplit", lambda x: jnp.dsplit((x * x)[..., None] * jnp.ones(2), 2)[0]),
    ("unstack", lambda x: jnp.unstack(x * x)[1]),
    ("flip", lambda x: jnp.flip(x * x)), ("fliplr", lambda x: jnp.fliplr(x * x)),
    ("flipud", lambda x: jnp.flipud(x * x)), ("roll", lambda x: jnp.roll(x * x, 3)),
    ("tile", lambda x: jnp.tile(x * x, (2, 1))), ("repeat", lambda x: jnp.repeat(x * x, 2, 1)),
    ("resize", lambda x: jnp.resize(x * x, (3, 5))),
    ("diag", lambda x: jnp.diag(x[0] ** 2)), ("diagflat", lambda x: jnp.diagflat(x[0] ** 2)),
    ("diagonal", lambda x: jnp.diagonal(x * x)), ("tril", lambda x: jnp.tril(x * x)),
    ("triu", lambda x: jnp.triu(x * x)),
    ("fill_diagonal", lambda x: jnp.fill_diagonal(x * x, 2.0, inplace=False)),
    ("put", lambda x: jnp.put(x * x, np.array([1, 5]), 2.0, inplace=False)),
    ("put_along_axis", lambda x: jnp.put_along_axis(x * x, np.array([[1], [2]]), 2.0, 1,
                                                   inplace=False)),
    ("place", lambda x: jnp.place(x * x, np.array([[True, False] * 2] * 2), 2.0,
                                  inplace=False)),
    ("compress", lambda x: jnp.compress(np.array([True, False, True, True]), x * x, axis=1)),
    ("extract", lambda x: jnp.extract(np.array([[True, False] * 2] * 2), x * x)),
    ("meshgrid", lambda x: jnp.meshgrid(x[0], x[1] ** 2)[1]),
    ("apply_along_axis", lambda x: jnp.apply_along_axis(lambda r: jnp.sum(r * r), 1, x)),
    ("apply_over_axes", lambda x: jnp.apply_over_axes(jnp.sum, x * x, [1])),
    ("copy", lambda x: jnp.copy(x * x)), ("array", lambda x: jnp.array(x * x)),
    ("asarray", lambda x: jnp.asarray(x * x)), ("astype", lambda x: jnp.astype(x * x, x.dtype)),
    ("partition", lambda x: jnp.partition(x * x, 2, axis=1)[:, 2:]),
    ("sort_complex", lambda x: jnp.real(jnp.sort_complex(x[0] ** 2 + 1j))),
    ("vander", lambda x: jnp.vander(x[0], 3)),
    # polynomials
    ("poly", lambda x: jnp.poly(x[0])), ("polyadd", lambda x: jnp.polyadd(x[0], x[1, :2])),
    ("polysub", lambda x: jnp.polysub(x[0], x[1, :2])),
    ("polymul", lambda x: jnp.polymul(x[0], x[1, :2])),
    ("polyder", lambda x: jnp.polyder(x[0] ** 2)), ("polyint", lambda x: jnp.polyint(x[0] ** 2)),
    ("polydiv", lambda x: jnp.polydiv(x[0], x[1, :2] + np.array([3.0, 0]))[0]),
    # linalg
    ("L.cond", lambda x: L.cond(sq(x))), ("L.eigh", lambda x: L.eigh(spd(x))[0]),
    ("L.lstsq", lambda x: L.lstsq(x.T, np.arange(4.0))[0]),
    ("L.matrix_power", lambda x: L.matrix_power(sq(x), 3)),
    ("L.multi_dot", lambda x: L.multi_dot([x, x.T, x])),
    ("L.qr", lambda x: jnp.abs(L.qr(x.T)[1])),
    ("L.tensorinv", lambda x: L.tensorinv(sq(x).reshape(2, 2), ind=1)),
    ("L.tensorsolve", lambda x: L.tensorsolve(sq(x), x[0, :2])),
    ("L.diagonal", lambda x: L.diagonal(x * x)), ("L.trace", lambda x: L.trace(x * x)),
    ("L.matmul", lambda x: L.matmul(x, x.T)), ("L.outer", lambda x: L.outer(x[0], x[1])),
    ("L.tensordot", lambda x: L.tensordot(x, x.T, 1)), ("L.vecdot", lambda x: L.vecdot(x, x)),
    ("L.matrix_transpose", lambda x: L.matrix_transpose(x * x)),
    ("L.eigvals", lambda x: jnp.real(L.eigvals(spd(x)))),
    ("L.eig", lambda x: jnp.real(L.eig(spd(x))[0])),
    # fft
    ("F.ifft", lambda x: jnp.real(F.ifft(x))), ("F.fft2", lambda x: jnp.imag(F.fft2(x))),
    ("F.ifft2", lambda x: jnp.real(F.ifft2(x))), ("F.fftn", lambda x: jnp.abs(F.fftn(x + 3.0))),
    ("F.ifftn", lambda x: jnp.real(F.ifftn(x))), ("F.rfftn", lambda x: jnp.imag(F.rfftn(x))),
    ("F.irfft2", lambda x: F.irfft2(F.rfft2(x))), ("F.irfftn", lambda x: F.irfftn(F.rfftn(x))),
    ("F.hfft", lambda x: F.hfft(x)), ("F.fftshift", lambda x: F.fftshift(x * x)),
    ("F.ifftshift", lambda x: F.ifftshift(x * x)),
    # scipy.special
    ("digamma", lambda x: sp.digamma(pos(x))), ("entr", lambda x: sp.entr(pos(x))),
    ("erf", sp.erf), ("erfc", sp.erfc), ("erfinv", lambda x: sp.erfinv(unit(x))),
    ("expit", sp.expit), ("gamma", lambda x: sp.gamma(pos(x))),
    ("gammaln", lambda x: sp.gammaln(pos(x))), ("loggamma", lambda x: sp.loggamma(pos(x))),
    ("i1e", sp.i1e), ("log_ndtr", sp.log_ndtr), ("ndtr", sp.ndtr),
    ("ndtri", lambda x: sp.ndtri(jnp.tanh(x) * 0.4 + 0.5)),
    ("logit", lambda x: sp.logit(jnp.tanh(x) * 0.4 + 0.5)),
    ("sp.log_softmax", lambda x: sp.log_softmax(x, axis=1)),
    ("sp.softmax", lambda x: sp.softmax(x, axis=1)),
    ("sp.logsumexp", lambda x: sp.logsumexp(x, axis=1)),
    ("xlogy", lambda x: sp.xlogy(x, pos(x))), ("xlog1py", lambda x: sp.xlog1py(x, x * x)),
    ("gammaincc", lambda x: sp.gammaincc(2.0, pos(x))),
    ("bessel_jn", lambda x: sp.bessel_jn(pos(x), v=2)),
    ("comb", lambda x: sp.comb(pos(x) + 3.0, 2.0)), ("dawsn", sp.dawsn), ("erfcx", sp.erfcx),
    ("exp1", lambda x: sp.exp1(pos(x))), ("expi", lambda x: sp.expi(pos(x))),
    ("expn", lambda x: sp.expn(2, pos(x))), ("fresnel", lambda x: sp.fresnel(x)),
    ("hyp1f1", lambda x: sp.hyp1f1(1.5, 2.5, x)),
    ("hyp2f1", lambda x: sp.hyp2f1(0.5, 1.5, 2.5, unit(x) * 0.5)),
    ("owens_t", lambda x: sp.owens_t(x, 0.5)), ("sici", lambda x: sp.sici(pos(x))),
    ("spence", lambda x: sp.spence(pos(x))),
    ("sph_harm_y", lambda x: jnp.real(sp.sph_harm_y(2, 1, pos(x), x))),
    ("wofz", lambda x: jnp.real(sp.wofz(x + 0j))),
    # numpy: polynomials and function wrappers
    ("polyfit", lambda x: jnp.polyfit(x[0], x[1], 1)),
    ("roots", lambda x: jnp.sort(jnp.real(
        jnp.roots(jnp.array([1.0, 0.0, -4.0]) + x[0, :3], strip_zeros=False)))),
    ("vectorize", lambda x: jnp.vectorize(jnp.sin)(x)),
    ("frompyfunc", lambda x: jnp.frompyfunc(jnp.sin, 1, 1)(x)),
    # nn (inputs shifted away from the kinks at 0 / +-1 / +-3 / +-6 below)
    ("celu", nn.celu), ("elu", nn.elu), ("gelu", nn.gelu),
    ("gelu_exact", lambda x: nn.gelu(x, approximate=False)),
    ("glu", lambda x: nn.glu(x, axis=1)), ("hard_sigmoid", nn.hard_sigmoid),
    ("hard_silu", nn.hard_silu), ("hard_tanh", nn.hard_tanh),
    ("leaky_relu", nn.leaky_relu), ("log_sigmoid", nn.log_sigmoid),
    ("nn.log_softmax", lambda x: nn.log_softmax(x, axis=1)),
    ("nn.logsumexp", lambda x: nn.logsumexp(x, axis=1)),
    ("relu", nn.relu), ("relu6", nn.relu6), ("selu", nn.selu), ("sigmoid", nn.sigmoid),
    ("silu", nn.silu), ("swish", nn.swish), ("soft_sign", nn.soft_sign),
    ("nn.softmax", lambda x: nn.softmax(x, axis=1)), ("softplus", nn.softplus),
    ("sparse_plus", nn.sparse_plus), ("sparse_sigmoid", nn.sparse_sigmoid),
    ("standardize", lambda x: nn.standardize(x, axis=1)),
]


def _away_from_kinks(x):
    # Kinks of relu6 / hard_* / sparse_* / clip sit at 0, +-1, +-3, +-6: keep |x| in
    # in [0.2, 0.8) or [1.2, 1.8) by construction.
    s = np.where(x < 0, -1.0, 1.0)
    m = np.abs(x) % 1.0
    return s * (0.2 + 0.6 * m + np.floor(np.minimum(np.abs(x), 1.9)))


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(name, fn):
    if "jvp" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not registered")
    x = _away_from_kinks(rng_for("grad_gaps", name).normal(size=(2, 4)))
    with config.override(enable_x64=True):
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"), rtol=1e-4, atol=1e-4)
