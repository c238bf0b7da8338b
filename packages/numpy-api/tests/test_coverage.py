"""Coverage of JAX's public API by plax.numpy, plax.numpy.linalg/fft, plax.scipy.special
and plax.nn.

The name lists below are data: every public name of ``jax.numpy``, ``jax.numpy.linalg``,
``jax.numpy.fft``, ``jax.scipy.special`` and ``jax.nn`` in JAX 0.10.2 (``dir()`` without the
underscore names), written out once so that no test imports ``jax``.  Each test prints
what plax lacks (``pytest -s`` shows it); the main-namespace test asserts coverage of at
least ``JNP_COVERAGE_THRESHOLD`` (the issue's target is 0.90).
"""

import importlib

import pytest

import plax_numpy as jnp

JNP_COVERAGE_THRESHOLD = 0.98  # the level with all issue-9 parts in the tree (target 0.90)

JNP_NAMES = """
    ComplexWarning abs absolute acos acosh add all allclose amax amin angle any append
    apply_along_axis apply_over_axes arange arccos arccosh arcsin arcsinh arctan arctan2
    arctanh argmax argmin argpartition argsort argwhere around array array_equal
    array_equiv array_repr array_split array_str asarray asin asinh astype atan atan2
    atanh atleast_1d atleast_2d atleast_3d average bartlett bfloat16 bincount
    bitwise_and bitwise_count bitwise_invert bitwise_left_shift bitwise_not bitwise_or
    bitwise_right_shift bitwise_xor blackman block bool bool_ broadcast_arrays
    broadcast_shapes broadcast_to c_ can_cast cbrt cdouble ceil character choose clip
    column_stack complex128 complex64 complex_ complexfloating compress concat
    concatenate conj conjugate convolve copy copysign corrcoef correlate cos cosh
    count_nonzero cov cross csingle cumprod cumsum cumulative_prod cumulative_sum
    deg2rad degrees delete diag diag_indices diag_indices_from diagflat diagonal diff
    digitize divide divmod dot double dsplit dstack dtype e ediff1d einsum einsum_path
    empty empty_like equal euler_gamma exp exp2 expand_dims expm1 extract eye fabs fft
    fill_diagonal finfo flatnonzero flexible flip fliplr flipud float16 float32
    float4_e2m1fn float64 float6_e2m3fn float6_e3m2fn float8_e3m4 float8_e4m3
    float8_e4m3b11fnuz float8_e4m3fn float8_e4m3fnuz float8_e5m2 float8_e5m2fnuz
    float8_e8m0fnu float_ float_power floating floor floor_divide fmax fmin fmod frexp
    from_dlpack frombuffer fromfile fromfunction fromiter frompyfunc fromstring full
    full_like gcd generic geomspace get_printoptions gradient greater greater_equal
    hamming hanning heaviside histogram histogram2d histogram_bin_edges histogramdd
    hsplit hstack hypot i0 identity iinfo imag index_exp indices inexact inf inner
    insert int1 int16 int2 int32 int4 int64 int8 int_ integer interp intersect1d invert
    isclose iscomplex iscomplexobj isdtype isfinite isin isinf isnan isneginf isposinf
    isreal isrealobj isscalar issubdtype iterable ix_ kaiser kron lcm ldexp left_shift
    less less_equal lexsort linalg linspace load log log10 log1p log2 logaddexp
    logaddexp2 logical_and logical_not logical_or logical_xor logspace mask_indices
    matmul matrix_transpose matvec max maximum mean median meshgrid mgrid min minimum
    mod modf moveaxis multiply nan nan_to_num nanargmax nanargmin nancumprod nancumsum
    nanmax nanmean nanmedian nanmin nanpercentile nanprod nanquantile nanstd nansum
    nanvar ndarray ndim negative newaxis nextafter nonzero not_equal number object_
    ogrid ones ones_like outer packbits pad partition percentile permute_dims pi
    piecewise place poly polyadd polyder polydiv polyfit polyint polymul polysub polyval
    positive pow power printoptions prod promote_types ptp put put_along_axis quantile
    r_ rad2deg radians ravel ravel_multi_index real reciprocal remainder repeat reshape
    resize result_type right_shift rint roll rollaxis roots rot90 round s_ save savez
    searchsorted select set_printoptions setdiff1d setxor1d shape sign signbit
    signedinteger sin sinc single sinh size sort sort_complex spacing split sqrt square
    squeeze stack std subtract sum swapaxes take take_along_axis tan tanh tensordot tile
    trace transpose trapezoid tri tril tril_indices tril_indices_from trim_zeros triu
    triu_indices triu_indices_from true_divide trunc ufunc uint uint1 uint16 uint2
    uint32 uint4 uint64 uint8 union1d unique unique_all unique_counts unique_inverse
    unique_values unpackbits unravel_index unsignedinteger unstack unwrap vander var
    vdot vecdot vecmat vectorize vsplit vstack where zeros zeros_like
""".split()

JNP_LINALG_NAMES = """
    cholesky cond cross det diagonal eig eigh eigvals eigvalsh inv lstsq matmul
    matrix_norm matrix_power matrix_rank matrix_transpose multi_dot norm outer pinv qr
    slogdet solve svd svdvals tensordot tensorinv tensorsolve trace vecdot vector_norm
""".split()

JNP_FFT_NAMES = """
    fft fft2 fftfreq fftn fftshift hfft ifft ifft2 ifftn ifftshift ihfft irfft irfft2
    irfftn rfft rfft2 rfftfreq rfftn
""".split()

JSP_SPECIAL_NAMES = """
    bernoulli bessel_jn beta betainc betaln boxcox boxcox1p comb dawsn digamma entr erf
    erfc erfcx erfinv exp1 expi expit expn factorial fresnel gamma gammainc gammaincc
    gammaln gammasgn hyp1f1 hyp2f1 i0 i0e i1 i1e kl_div log_ndtr log_softmax loggamma
    logit logsumexp multigammaln ndtr ndtri owens_t poch polygamma rel_entr sici softmax
    spence sph_harm_y wofz xlog1py xlogy zeta
""".split()

JNN_NAMES = """
    celu dot_product_attention elu gelu get_scaled_dot_general_config glu hard_sigmoid
    hard_silu hard_swish hard_tanh identity initializers leaky_relu log1mexp log_sigmoid
    log_softmax logmeanexp logsumexp mish one_hot relu relu6 scaled_dot_general
    scaled_matmul selu sigmoid silu soft_sign softmax softplus sparse_plus
    sparse_sigmoid squareplus standardize swish tanh
""".split()


def _module(path):
    try:
        return importlib.import_module(path)
    except ImportError:
        return None


NAMESPACES = {  # plax module -> JAX's names
    "plax_numpy": JNP_NAMES,
    "plax_numpy.linalg": JNP_LINALG_NAMES,
    "plax_numpy.fft": JNP_FFT_NAMES,
    "plax_numpy.scipy.special": JSP_SPECIAL_NAMES,
    "plax_numpy.nn": JNN_NAMES,
}


def missing(path):
    module = _module(path)
    names = NAMESPACES[path]
    return [n for n in names if module is None or not hasattr(module, n)]


def coverage(path):
    names = NAMESPACES[path]
    return 1 - len(missing(path)) / len(names)


@pytest.mark.parametrize("path", list(NAMESPACES))
def test_report_missing_names(path):
    lacking = missing(path)
    print(f"\n{path}: {coverage(path):.1%} of {len(NAMESPACES[path])} JAX names present; "
          f"missing {len(lacking)}: {' '.join(lacking)}")
    assert len(set(NAMESPACES[path])) == len(NAMESPACES[path])


def test_jnp_coverage():
    cov = coverage("plax_numpy")
    assert cov >= JNP_COVERAGE_THRESHOLD, (
        f"plax.numpy has {cov:.1%} of jax.numpy's names, below the threshold "
        f"{JNP_COVERAGE_THRESHOLD:.0%}; missing: {' '.join(missing('plax_numpy'))}")


def test_present_names_are_not_placeholders():
    for path, names in NAMESPACES.items():
        module = _module(path)
        if module is None:
            continue
        for n in names:
            if hasattr(module, n) and n not in ("newaxis",):
                assert getattr(module, n) is not None, f"{path}.{n} is None"


def test_public_all_lists_the_main_namespace():
    exported = set(jnp.__all__)
    present = [n for n in JNP_NAMES if hasattr(jnp, n)]
    not_in_all = [n for n in present if n not in exported and n not in ("fft",)]
    assert not not_in_all, f"present in plax.numpy but not in __all__: {not_in_all}"
