"""plax-random (stub): it imports, registers through its entry point, and says it is a stub."""

import importlib.metadata

import pytest

import plax_core
import plax_core.plugins
import plax_random
import plax_random.plugin


def test_imports():
    assert "stub" in plax_random.__doc__
    for name in plax_random.__all__:
        assert callable(getattr(plax_random, name))


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["random"].value == "plax_random.plugin"
    assert eps["random"].load() is plax_random.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert plax_core.plugins.plugin_manager().get_plugin("random") is plax_random.plugin


STUB_CALLS = {
    "PRNGKey": lambda: plax_random.PRNGKey(0),
    "key": lambda: plax_random.key(0),
    "split": lambda: plax_random.split(None),
    "fold_in": lambda: plax_random.fold_in(None, 1),
    "uniform": lambda: plax_random.uniform(None, (2,), minval=-1.0),
    "normal": lambda: plax_random.normal(None, (2, 3)),
    "bits": lambda: plax_random.bits(None),
    "randint": lambda: plax_random.randint(None, (2,), 0, 10),
    "bernoulli": lambda: plax_random.bernoulli(None, 0.3),
    "permutation": lambda: plax_random.permutation(None, 5),
    "choice": lambda: plax_random.choice(None, 5, replace=False),
}


@pytest.mark.parametrize("name", sorted(STUB_CALLS))
def test_stub_raises_naming_issue(name):
    with pytest.raises(NotImplementedError,
                       match=rf"plax\.random\.{name} is not implemented yet.*issue #7"):
        STUB_CALLS[name]()


def test_stubs_cover_all():
    assert sorted(STUB_CALLS) == sorted(plax_random.__all__)
