"""The rule registry, the plugin manager, backends, and the third-party plugin."""

import importlib.metadata
import importlib.util
import os

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.registry import MissingRuleError, Registry

THIRDPARTY_REQUIRED = os.environ.get("PLAX_REQUIRE_THIRDPARTY") == "1"


def test_core_primitives_are_registered():
    registry = plax_core.get_registry()
    for name in ["add", "tanh", "dot_general", "broadcast_in_dim", "reduce_sum", "select_n",
                 "convert_element_type", "iota", "argmax", "concatenate", "pad"]:
        assert name in registry.primitives, name
    assert registry is plax_core.get_registry()  # loaded once


def test_every_core_primitive_has_abstract_eval_and_numpy_impl():
    for prim in plax_core.get_registry().primitives.values():
        assert prim.impl is not None, prim
        assert prim._abstract_eval is not None, prim


def test_missing_rule_names_primitive_and_transformation():
    registry = Registry()
    table = registry.rules("my_transform")
    with pytest.raises(MissingRuleError, match="'my_transform' rule for primitive 'tanh'"):
        table[lax.tanh_p]
    assert registry.missing_rules("my_transform") == []


def test_missing_rule_is_not_a_key_error():
    table = Registry().rules("jvp")
    with pytest.raises(NotImplementedError):
        table[lax.sin_p]
    try:
        table[lax.sin_p]
    except KeyError:  # pragma: no cover
        pytest.fail("a missing rule must not surface as KeyError")
    except MissingRuleError:
        pass


def test_numpy_backend_is_the_default_without_plugins():
    backend = plax_core.get_backend()
    assert backend.name in plax_core.get_registry().backends
    x = plax_core.device_put(np.arange(3, dtype=np.float32))
    assert isinstance(x, plax_core.Array)
    assert plax_core.devices()
    assert plax_core.default_backend() == backend.platform


def test_device_put_copies_numpy_input():
    host = np.arange(4.0, dtype=np.float32)
    x = plax_core.device_put(host)
    host[0] = 100.0
    assert float(np.asarray(x)[0]) == 0.0


def test_transformations_namespace_lists_installed():
    with pytest.raises(AttributeError, match="No plax transformation named 'nope'"):
        plax_core.transformations.nope


def _thirdparty_installed():
    return importlib.util.find_spec("plax_countprims") is not None


@pytest.fixture
def count_primitives():
    if not _thirdparty_installed():
        if THIRDPARTY_REQUIRED:
            pytest.fail("plax-countprims must be installed (nox -s core installs it)")
        pytest.skip("the third-party test plugin is installed by `nox -s core`")
    eps = importlib.metadata.entry_points(group="plax")
    assert "countprims" in {ep.name for ep in eps}
    return plax_core.transformations.count_primitives


def test_thirdparty_transformation_counts_primitives(count_primitives):
    def f(x):
        y = lax.sin(x)
        return lax.add(lax.mul(y, y), lax.mul(x, 2.0))

    out, counts = count_primitives(f)(np.float32(0.5))
    np.testing.assert_allclose(float(out), np.sin(0.5) ** 2 + 1.0, rtol=1e-6)
    assert counts == {"sin": 1, "mul": 2, "add": 1}


def test_thirdparty_transformation_composes_with_staging(count_primitives):
    def f(x):
        return lax.exp(lax.neg(x))

    closed = plax_core.make_jaxpr(lambda x: count_primitives(f)(x)[0])(1.0)
    assert [e.primitive.name for e in closed.eqns] == ["neg", "exp"]
    (out, counts) = count_primitives(lambda x: plax_core.make_jaxpr(f)(x).consts)(1.0)
    assert counts == {}  # staging inside counting records, it does not execute


def test_thirdparty_rule_table_covers_every_core_primitive(count_primitives):
    assert plax_core.get_registry().missing_rules("count_primitives") == []
