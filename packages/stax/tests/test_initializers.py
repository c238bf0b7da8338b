"""``plax_stax.initializers`` (``plax.nn.initializers``) against JAX 0.10.2.

``JAX_VALUES`` were obtained by running JAX 0.10.2 outside the repository with
``jax.random.PRNGKey(0)`` and the same calls.  plax-random gives JAX's bits for uniform,
normal and orthogonal, so those initialisers must match exactly; its truncated_normal is
within a few ulp of JAX's (its erf/erfinv differ in the last bits), hence the tolerance
for the truncated family.
"""
import inspect

import numpy as np
import pytest

import plax_numpy as jnp
import plax_random as random
from plax_stax import initializers as init

JAX_VALUES = {
    "zeros": ('float32', (2,), [
        0.0, 0.0]),
    "ones": ('float32', (2,), [
        1.0, 1.0]),
    "constant": ('float32', (2,), [
        -7.0, -7.0]),
    "uniform": ('float32', (2, 3), [
        0.00947667, 0.009785798, 0.0033229147, 0.0046866843, 0.005698887, 0.0016550302]),
    "normal": ('float32', (2, 3), [
        3.2452843, 4.0505295, -0.8671889, -0.1572347, 0.3521818, -1.9441785]),
    "truncated_normal": ('float32', (2, 3), [
        4.3678775, 5.144246, -1.238026, -0.22510031, 0.50400305, -2.7378423]),
    "glorot_normal": ('float32', (3, 4), [
        0.8847433, 1.042002, -0.25077057, -0.045595594, 0.10208923, -0.5545685, -0.28619498,
        0.28566742, 0.38262045, -0.54252505, 1.0877076, -1.018373]),
    "glorot_uniform": ('float32', (3, 4), [
        0.8289182, 0.88615775, -0.31053585, -0.05801474, 0.12940875, -0.6193681,
        -0.35145128, 0.3508498, 0.4569229, -0.6091627, 0.89870065, -0.8790058]),
    "lecun_normal": ('float32', (3, 2, 4), [
        0.67573386, 0.79584223, -0.19152921, -0.034824215, 0.07797195, -0.42355877,
        -0.21858504, 0.2181821, 0.2922312, -0.41436037, 0.8307505, -0.7777953, 0.15853691,
        0.06987707, 0.5477725, 0.63616437, 0.42295828, 0.26412123, 0.010942243, -0.76728094,
        -0.7510478, 0.71080005, 0.020904532, 0.35669407]),
    "he_uniform": ('float32', (3, 2, 4), [
        0.895334, 0.95715976, -0.33541703, -0.06266308, 0.13977742, -0.66899395,
        -0.37961078, 0.3789611, 0.49353313, -0.6579709, 0.97070765, -0.94943476, 0.28008366,
        0.12538171, 0.7984276, 0.86907506, 0.66828036, 0.45123243, 0.01970625, -0.9446957,
        -0.93702245, 0.91603756, 0.037638426, 0.5844283]),
    "variance_scaling_fan_geo_avg_normal": ('float32', (4, 9), [
        0.93683285, 1.1692871, -0.25033587, -0.045389745, 0.10166612, -0.56123596,
        -0.28596085, 0.2854296, 0.38356224, -0.54857713, 1.2583524, -1.1288067, 0.2070209,
        0.09110306, 0.7373252, 0.8720672, 0.5604085, 0.34618387, 0.014260958, -1.1064786,
        -1.0734957, 0.99774444, 0.027245361, 0.470037, 0.07582206, 0.16330181, 0.7179895,
        0.39853337, -0.46230596, -0.42781076, -0.8884432, 0.17475921, -0.011960414,
        0.0654064, -0.12739505, 0.04071622]),
    "variance_scaling_fan_out_batch": ('float32', (2, 3, 4), [
        0.775382, 0.82892466, -0.29047966, -0.054267816, 0.1210508, -0.57936573,
        -0.32875258, 0.3281899, 0.4274122, -0.5698195, 0.8406575, -0.82223463, 0.24255955,
        0.10858374, 0.6914586, 0.7526411, 0.57874775, 0.39077875, 0.017066112, -0.8181305,
        -0.81148523, 0.7933118, 0.032595832, 0.50612974]),
    "orthogonal": ('float32', (2, 3), [
        0.96083665, -0.25675002, 0.10427104, 0.18604839, 0.3188112, -0.92937905]),
    "orthogonal_col0": ('float32', (3, 2), [
        1.9216733, 0.37209678, -0.51350003, 0.6376224, 0.20854208, -1.8587581]),
    "delta_orthogonal": ('float32', (3, 2, 2), [
        0.0, 0.0, 0.0, 0.0, 0.96610296, 0.25815725, -0.25815725, 0.9661029, 0.0, 0.0, 0.0,
        0.0]),
    "complex_uniform": ('complex64', (2, 2), [
        complex(0.9168131, 0.04204554),
        complex(0.42338425, 0.05589619),
        complex(-0.41560096, -0.23335367),
        complex(-0.22455369, 0.26514387)]),
    "complex_truncated": ('complex64', (2, 2), [
        complex(0.98146796, 0.04501065),
        complex(0.32668498, 0.04312972),
        complex(-0.32495642, -0.18245812),
        complex(-0.1702941, 0.2010764)]),
}

KEY = random.PRNGKey(0)
CASES = {
    "zeros": lambda: init.zeros(KEY, (2,)),
    "ones": lambda: init.ones(KEY, (2,)),
    "constant": lambda: init.constant(-7.0)(KEY, (2,)),
    "uniform": lambda: init.uniform()(KEY, (2, 3)),
    "normal": lambda: init.normal(2.0)(KEY, (2, 3)),
    "truncated_normal": lambda: init.truncated_normal(3.0)(KEY, (2, 3)),
    "glorot_normal": lambda: init.glorot_normal()(KEY, (3, 4)),
    "glorot_uniform": lambda: init.glorot_uniform()(KEY, (3, 4)),
    "lecun_normal": lambda: init.lecun_normal()(KEY, (3, 2, 4)),
    "he_uniform": lambda: init.he_uniform(in_axis=0, out_axis=2)(KEY, (3, 2, 4)),
    "variance_scaling_fan_geo_avg_normal":
        lambda: init.variance_scaling(2.0, "fan_geo_avg", "normal")(KEY, (4, 9)),
    "variance_scaling_fan_out_batch":
        lambda: init.variance_scaling(1.0, "fan_out", "uniform", batch_axis=0)(KEY, (2, 3, 4)),
    "orthogonal": lambda: init.orthogonal()(KEY, (2, 3)),
    "orthogonal_col0": lambda: init.orthogonal(2.0, column_axis=0)(KEY, (3, 2)),
    "delta_orthogonal": lambda: init.delta_orthogonal()(KEY, (3, 2, 2)),
    "complex_uniform": lambda: init.variance_scaling(1.0, "fan_in", "uniform",
                                                     dtype=jnp.complex64)(KEY, (2, 2)),
    "complex_truncated": lambda: init.variance_scaling(
        1.0, "fan_in", "truncated_normal", dtype=jnp.complex64)(KEY, (2, 2)),
}
TRUNCATED = {"truncated_normal", "glorot_normal", "lecun_normal"}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_jax(name):
    dtype, shape, flat = JAX_VALUES[name]
    expected = np.array(flat, dtype).reshape(shape)
    got = np.asarray(CASES[name]())
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if name in TRUNCATED:
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-7)
    else:
        np.testing.assert_array_equal(got, expected)


def test_statistics_of_variance_scaling():
    # He normal on a 1000x300 kernel: std sqrt(2/1000) after truncation at 2 sigma.
    w = np.asarray(init.he_normal()(random.PRNGKey(3), (1000, 300)))
    assert abs(w.std() - np.sqrt(2 / 1000)) < 0.02 * np.sqrt(2 / 1000)
    assert np.abs(w).max() <= 2 * np.sqrt(2 / 1000) / 0.87962566103423978 * (1 + 1e-6)
    u = np.asarray(init.glorot_uniform()(random.PRNGKey(4), (400, 600)))
    assert np.abs(u).max() <= np.sqrt(6 / 1000)
    q = np.asarray(init.orthogonal()(random.PRNGKey(5), (4, 7)))
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)


def test_default_dtype_and_aliases():
    assert init.normal()(KEY, (2,)).dtype == jnp.float32
    assert init.xavier_normal is init.glorot_normal and init.kaiming_uniform is init.he_uniform
    assert isinstance(init.normal(), init.Initializer)
    assert list(inspect.signature(init.normal()).parameters) == \
        ["key", "shape", "dtype", "out_sharding"]
    assert list(inspect.signature(init.glorot_normal).parameters) == \
        ["in_axis", "out_axis", "batch_axis", "dtype"]
    assert init.orthogonal()(KEY, (0, 3)).shape == (0, 3)


@pytest.mark.parametrize("make, shape, match", [
    (lambda: init.variance_scaling(1.0, "fan_x", "normal"), (2, 2), "invalid mode"),
    (lambda: init.variance_scaling(1.0, "fan_in", "cauchy"), (2, 2), "invalid distribution"),
    (init.glorot_normal, (3,), "Must be at least 2D"),
    (init.orthogonal, (3,), "at least a 2D shape"),
    (init.delta_orthogonal, (3, 3), "3D, 4D or 5D"),
    (init.delta_orthogonal, (3, 3, 2), "fan_in"),
])
def test_errors_are_jax_classes(make, shape, match):
    # JAX 0.10.2 raises ValueError for each of these.
    with pytest.raises(ValueError, match=match):
        make()(KEY, shape)
