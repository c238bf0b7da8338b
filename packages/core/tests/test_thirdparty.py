"""The third-party plugins under tests/thirdparty: a new primitive and a checking backend.

Each is installed with pip (``nox -s core`` and ``nox -s tests`` install them and set
``PLAX_REQUIRE_THIRDPARTY=1``, so a missing plugin fails there instead of skipping) and
reaches plax only through the ``plax`` entry-point group.  The checks that need the
transformations (``grad``, ``vmap``, ``jit``) skip where those packages are absent
(``nox -s core`` installs plax-core alone).
"""

import ast
import importlib
import importlib.metadata
import os
from pathlib import Path

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.backend import Backend, NumpyBackend
from plax_core.config import config
from plax_core.extend import BATCHING, JVP, LOWERING, RULE_TABLES, TRANSPOSE

THIRDPARTY_REQUIRED = os.environ.get("PLAX_REQUIRE_THIRDPARTY") == "1"


def _plugin(module, entry_point):
    try:
        mod = importlib.import_module(module)
    except ImportError:
        if THIRDPARTY_REQUIRED:
            pytest.fail(f"{module} must be installed (nox -s core and nox -s tests install "
                        f"it from packages/core/tests/thirdparty)")
        pytest.skip(f"the third-party test plugin {module} is installed by nox")
    eps = importlib.metadata.entry_points(group="plax")
    assert entry_point in {ep.name for ep in eps}
    return mod


def _transformations(*names):
    have = plax_core.get_registry().transformations
    missing = [n for n in names if n not in have]
    if missing:
        pytest.skip(f"needs the transformations {missing} (plax-autodiff, plax-batching, "
                    f"plax-xla)")
    return [have[n] for n in names]


@pytest.fixture
def diffop():
    return _plugin("plax_diffop", "diffop")


@pytest.fixture
def checkbackend():
    return _plugin("plax_checkbackend", "checkbackend")


# ------------------------------------------------------------------ the contract

# What plax_core.extend says a plugin may import (+ plax-xla's public StableHLO builder,
# which a lowering rule uses: docs/extend.md).
PUBLIC = {"plax_core.extend", "plax_core.lax", "plax_core.dtypes", "plax_core.tree_util",
          "plax_core.config", "plax_core.errors", "plax_core.numpy_semantics",
          "plax_xla.mlir"}
PLUGIN_SOURCES = sorted((Path(__file__).parent / "thirdparty").glob("*/plax_*/*.py"))


def _plax_imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("plax_core", "plax_xla"):    # from plax_core import lax
                yield from (f"{node.module}.{a.name}" for a in node.names)
            else:
                yield node.module


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda p: p.parent.name)
def test_plugins_import_only_the_contract(path):
    used = {m for m in _plax_imports(path) if m.split(".")[0].startswith("plax")}
    assert used and used <= PUBLIC, sorted(used - PUBLIC)


def test_all_three_plugins_are_checked():
    assert {p.parent.name for p in PLUGIN_SOURCES} == {
        "plax_countprims", "plax_diffop", "plax_checkbackend"}


# ------------------------------------------------------------------ plax-diffop

def test_diffop_primitive_is_registered_with_every_rule(diffop):
    registry = plax_core.get_registry()
    assert registry.primitives["adjacent_diff"] is diffop.adjacent_diff_p
    for table in (JVP, TRANSPOSE, BATCHING, LOWERING):
        assert registry.rules(table)[diffop.adjacent_diff_p] is diffop.RULES[table]
    assert set(diffop.RULES) <= set(RULE_TABLES)


CASES = [((5,), 0), ((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), -1),
         ((1,), 0), ((0, 3), 0), ((0, 3), 1), ((4, 1), 1)]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.complex64, np.uint8])
@pytest.mark.parametrize("shape,axis", CASES)
def test_diffop_values_match_numpy(diffop, shape, axis, dtype):
    rng = np.random.default_rng(len(shape) * 10 + axis)
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    want = np.diff(x, axis=axis)                      # the oracle: NumPy's own diff
    got = diffop.adjacent_diff(x, axis)               # on the default backend
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)
    impl = diffop.adjacent_diff_p.impl(x, axis=axis % len(shape))
    np.testing.assert_array_equal(impl, want)


def test_diffop_keeps_weak_type_and_stages(diffop):
    closed = plax_core.make_jaxpr(lambda x: diffop.adjacent_diff(x * 2.0, 0))(
        np.ones((3, 2), np.float32))
    eqn = closed.eqns[-1]
    assert eqn.primitive is diffop.adjacent_diff_p and eqn.params == {"axis": 0}
    assert "= adjacent_diff[axis=0] " in str(closed)
    assert eqn.outvars[0].aval.shape == (2, 2) and eqn.outvars[0].aval.dtype == np.float32
    aval = diffop.adjacent_diff_p.abstract_eval(
        plax_core.ShapedArray((4,), np.dtype(np.float32), True), axis=0)
    assert aval.shape == (3,) and aval.weak_type


@pytest.mark.parametrize("x,axis,error,match", [
    (np.float32(1.0), 0, ValueError, "at least one dimension"),
    (np.ones((2, 3)), 2, ValueError, "axis 2 is out of bounds .* 2 dimension"),
    (np.ones((2, 3)), -3, ValueError, "axis -3 is out of bounds"),
    (np.ones(3, bool), 0, TypeError, "must be numeric, got bool"),
])
def test_diffop_errors(diffop, x, axis, error, match):
    with pytest.raises(error, match=match):
        diffop.adjacent_diff(x, axis)


def _grad_oracle(x, axis):
    """d/dx sum(diff(x)**2), by hand: each difference pulls its two ends apart."""
    d = np.diff(x, axis=axis)
    g = np.zeros_like(x)
    n = x.shape[axis]
    upper = [slice(None)] * x.ndim
    lower = [slice(None)] * x.ndim
    upper[axis], lower[axis] = slice(1, None), slice(0, n - 1)
    g[tuple(upper)] += 2 * d
    g[tuple(lower)] -= 2 * d
    return g


def test_diffop_under_jit_vmap_grad(diffop):
    jit, vmap, grad = _transformations("jit", "vmap", "grad")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5)).astype(np.float32)

    def loss(row):
        return (diffop.adjacent_diff(row) ** 2).sum()

    got = jit(vmap(grad(loss)))(x)
    want = np.stack([_grad_oracle(r, 0) for r in x.astype(np.float64)])
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-5)
    # ... and against central finite differences of the loss itself (float64 NumPy)
    eps = 1e-4
    for i in range(x.shape[1]):
        e = np.zeros(x.shape[1])
        e[i] = eps
        for b in range(x.shape[0]):
            r = x[b].astype(np.float64)
            fd = ((np.diff(r + e) ** 2).sum() - (np.diff(r - e) ** 2).sum()) / (2 * eps)
            np.testing.assert_allclose(float(got[b, i]), fd, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("in_axes,axis", [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)])
def test_diffop_batching_moves_the_axis(diffop, in_axes, axis):
    (vmap,) = _transformations("vmap")
    x = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4) ** 2
    got = vmap(lambda e: diffop.adjacent_diff(e, axis), in_axes=in_axes)(x)
    want = np.stack([np.diff(e, axis=axis) for e in np.moveaxis(x, in_axes, 0)])
    np.testing.assert_array_equal(np.asarray(got), want)


def test_diffop_jvp_and_transpose_are_adjoint(diffop):
    jvp, vjp = _transformations("jvp", "vjp")
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((2, 4, 6)).astype(np.float32)
    ct = rng.standard_normal((4, 5)).astype(np.float32)
    f = lambda x: diffop.adjacent_diff(x, 1)
    primal, tangent = jvp(f, (x,), (t,))
    np.testing.assert_allclose(np.asarray(primal), np.diff(x, axis=1), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(tangent), np.diff(t, axis=1), rtol=1e-6)
    _, pullback = vjp(f, x)
    (xbar,) = pullback(ct)
    # <diff(t), ct> == <t, diff^T(ct)>
    np.testing.assert_allclose(float((np.diff(t, axis=1) * ct).sum()),
                               float((t * np.asarray(xbar)).sum()), rtol=1e-5)


def test_diffop_lowers_to_stablehlo(diffop):
    (jit,) = _transformations("jit")
    text = jit(lambda x: diffop.adjacent_diff(x, 0)).lower(
        np.ones((3, 2), np.float32)).as_text()
    assert text.count('"stablehlo.slice"') == 2 and '"stablehlo.subtract"' in text
    assert "start_indices = array<i64: 1, 0>" in text


# ------------------------------------------------------------------ plax-checkbackend

class OffByOne(Backend):
    """A broken backend: NumPy's results, except that ``sin`` is one too large."""

    name, platform = "off_by_one", "cpu"

    def __init__(self):
        self.numpy = NumpyBackend()

    def apply_primitive(self, primitive, args, params):
        out = self.numpy.apply_primitive(primitive, args, params)
        if primitive is lax.sin_p:
            return self.numpy.device_put(np.asarray(out) + 1)
        return out

    def device_put(self, x, device=None):
        return self.numpy.device_put(x, device)

    def devices(self):
        return self.numpy.devices()

    def to_numpy(self, array):
        return self.numpy.to_numpy(array)


def _workload(x):
    y = lax.tanh(x) * 2.0 + lax.cos(x)
    return lax.reduce_sum(lax.dot_general(y, y, (((1,), (1,)), ((), ()))), (0,))


def test_checkbackend_is_selected_by_platforms_and_checks_every_op(checkbackend):
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    before = plax_core.get_backend()
    with config.override(platforms="check"):
        backend = plax_core.get_backend()
        assert isinstance(backend, checkbackend.CheckingBackend)
        assert backend.reference.name == "numpy"
        assert backend.primary.name == before.name   # the best other backend
        out = _workload(x)
        assert {"tanh", "cos", "mul", "add", "dot_general", "reduce_sum"} <= set(
            backend.checked)
    after = plax_core.get_backend()                   # leaving the block restores it
    assert type(after) is type(before) and after.name == before.name
    y = np.tanh(x) * 2 + np.cos(x)
    np.testing.assert_allclose(np.asarray(out), (y @ y.T).sum(0), rtol=1e-5)


def test_checkbackend_names_the_primitive_that_differs(checkbackend):
    backend = checkbackend.CheckingBackend(OffByOne(), NumpyBackend())
    x = np.linspace(0, 1, 5, dtype=np.float32)
    ok = backend.apply_primitive(lax.cos_p, [x], {})
    np.testing.assert_allclose(np.asarray(ok), np.cos(x), rtol=1e-6)
    with pytest.raises(checkbackend.BackendMismatch,
                       match=r"primitive 'sin' \(output 0.*5 of 5 elements differ"):
        backend.apply_primitive(lax.sin_p, [x], {})
    assert backend.checked == {"cos": 1}


@pytest.mark.parametrize("got,want,ok", [
    (np.float32([1.0, np.nan, np.inf]), np.float32([1.0, np.nan, np.inf]), True),
    (np.float32([1.0, 1.0, np.inf]), np.float32([1.0, np.nan, np.inf]), False),
    (np.float32([1.0, -np.inf]), np.float32([1.0, np.inf]), False),
    (np.float32([1e-9, 1.0]), np.float32([0.0, 1.0]), True),     # relative to the scale
    (np.float32([1.001, 1.0]), np.float32([1.0, 1.0]), False),
    (np.int32([1, 2]), np.int32([1, 3]), False),
    (np.float32([1.0, 2.0]), np.int32([1, 2]), False),           # dtypes differ
    (np.float32([1.0, 2.0]), np.float32([1.0, 2.0, 3.0]), False),  # shapes differ
])
def test_checkbackend_comparison(checkbackend, got, want, ok):
    class Fixed(OffByOne):
        def __init__(self, result):
            super().__init__()
            self.result = result

        def apply_primitive(self, primitive, args, params):
            return self.numpy.device_put(self.result)

    backend = checkbackend.CheckingBackend(Fixed(got), Fixed(want))
    if ok:
        backend.apply_primitive(lax.neg_p, [want], {})
    else:
        with pytest.raises(checkbackend.BackendMismatch, match="primitive 'neg'"):
            backend.apply_primitive(lax.neg_p, [want], {})


def test_checkbackend_bad_setting_is_a_clear_error(checkbackend, monkeypatch):
    monkeypatch.setenv("PLAX_CHECK_BACKENDS", "numpy,nonesuch")
    with config.override(platforms="check"):
        with pytest.raises(RuntimeError, match="PLAX_CHECK_BACKENDS='numpy,nonesuch' must "
                                               "name two registered backends"):
            plax_core.get_backend()


def test_checkbackend_runs_jit_vmap_grad_op_by_op(checkbackend, diffop):
    jit, vmap, grad = _transformations("jit", "vmap", "grad")
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    loss = lambda r: (diffop.adjacent_diff(lax.sin(r)) ** 2).sum()
    want = np.asarray(jit(vmap(grad(loss)))(x))
    with config.override(platforms="check"):
        backend = plax_core.get_backend()
        got = jit(vmap(grad(loss)))(x)
        assert backend.checked["adjacent_diff"] >= 1 and backend.checked["sin"] >= 1
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5, atol=1e-6)
