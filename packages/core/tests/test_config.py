"""Tests of plax_core.config: env parsing, update/read/override, listeners."""

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

from plax_core.config import Config, UnknownOptionError, config, parse_bool

# ``plax_core.config`` as an attribute may be the Config instance (the package
# re-exports it), so fetch the module itself from the import system.
config_module = importlib.import_module("plax_core.config")


def fresh(monkeypatch, **env):
    """A new Config with the given environment, defining one bool and one str."""
    for name in ("PLAX_T_FLAG", "PLAX_T_STR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    c = Config()
    c.define_bool("flag", False, env_var="PLAX_T_FLAG", help="a flag")
    c.define_option("name", None, config_module.parse_optional_str,
                    env_var="PLAX_T_STR", help="a string")
    return c


# ----------------------------------------------------------- env parsing

@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "True", "yes", "Yes", "on", "ON",
                                 " 1 ", "t", "y"])
def test_env_truthy(monkeypatch, raw):
    assert fresh(monkeypatch, PLAX_T_FLAG=raw).flag is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "NO", "off", "f", "n"])
def test_env_falsy(monkeypatch, raw):
    monkeypatch.setenv("PLAX_T_FLAG", raw)
    c = Config()
    c.define_bool("flag", True, env_var="PLAX_T_FLAG")
    assert c.flag is False


@pytest.mark.parametrize("raw", ["", "   "])
def test_env_empty_means_default(monkeypatch, raw):
    monkeypatch.setenv("PLAX_T_FLAG", raw)
    c = Config()
    c.define_bool("flag", True, env_var="PLAX_T_FLAG")
    assert c.flag is True


def test_env_unset_means_default(monkeypatch):
    c = fresh(monkeypatch)
    assert c.flag is False and c.name is None


def test_env_invalid_bool_fails_at_definition(monkeypatch):
    monkeypatch.setenv("PLAX_T_FLAG", "maybe")
    c = Config()
    with pytest.raises(ValueError, match=r"PLAX_T_FLAG.*maybe"):
        c.define_bool("flag", False, env_var="PLAX_T_FLAG")


def test_env_string_option(monkeypatch):
    assert fresh(monkeypatch, PLAX_T_STR="cpu").name == "cpu"
    assert fresh(monkeypatch, PLAX_T_STR=" cuda,cpu ").name == "cuda,cpu"
    assert fresh(monkeypatch, PLAX_T_STR="").name is None


def test_parse_bool_values():
    assert parse_bool(True) is True and parse_bool(False) is False
    assert parse_bool(1) is True and parse_bool(0) is False
    assert parse_bool("On") is True and parse_bool("off") is False
    for bad in ("maybe", 2, None, 1.0, []):
        with pytest.raises(ValueError):
            parse_bool(bad)


def test_parse_bool_numpy_bool():
    np = pytest.importorskip("numpy")
    assert parse_bool(np.bool_(True)) is True
    assert parse_bool(np.bool_(False)) is False


ENV_SCRIPT = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("plax_config_under_test", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    c = mod.config
    print(c.enable_x64, c.platforms, c.check_key_reuse, c.debug_nans)
""")


def run_fresh(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAX_")}
    env.update(env_overrides)
    out = subprocess.run([sys.executable, "-c", ENV_SCRIPT, config_module.__file__],
                         env=env, capture_output=True, text=True, timeout=60)
    return out


def test_module_options_from_environment_subprocess():
    out = run_fresh({})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "None", "False", "False"]
    out = run_fresh({"PLAX_ENABLE_X64": "YES", "PLAX_PLATFORMS": "cpu",
                     "PLAX_CHECK_KEY_REUSE": "1", "PLAX_DEBUG_NANS": "true"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "cpu", "True", "True"]
    out = run_fresh({"PLAX_ENABLE_X64": "sometimes"})
    assert out.returncode != 0 and "PLAX_ENABLE_X64" in out.stderr


# ------------------------------------------------------- update and read

def test_defined_options_on_singleton():
    names = set(config.values)
    assert {"enable_x64", "platforms", "check_key_reuse", "debug_nans"} <= names
    assert "num_generated_cases" not in names
    opts = config.options
    assert opts["enable_x64"].env_var == "PLAX_ENABLE_X64"
    assert opts["platforms"].env_var == "PLAX_PLATFORMS"
    assert opts["check_key_reuse"].env_var == "PLAX_CHECK_KEY_REUSE"
    assert opts["debug_nans"].env_var == "PLAX_DEBUG_NANS"
    assert opts["check_key_reuse"].default is False and opts["debug_nans"].default is False
    assert config_module.enable_x64.value is config.enable_x64


def test_update_and_read(monkeypatch):
    c = fresh(monkeypatch)
    c.update("flag", True)
    assert c.read("flag") is True and c.flag is True
    c.update("flag", "off")
    assert c.flag is False
    c.update("name", "gpu")
    assert c.read("name") == "gpu"
    c.update("name", None)
    assert c.name is None


def test_option_handle_value(monkeypatch):
    c = Config()
    h = c.define_bool("flag", False)
    assert h.value is False and h.name == "flag"
    c.update("flag", True)
    assert h.value is True
    with pytest.raises(TypeError):
        bool(h)  # a handle is not its value


def test_jax_style_names(monkeypatch):
    c = fresh(monkeypatch)
    c.update("jax_flag", True)
    assert c.read("plax_flag") is True and c.jax_flag is True
    with c.override(jax_flag=False):
        assert c.flag is False
    assert "jax_flag" in c and "flag" in c and "nope" not in c


def test_update_bad_value(monkeypatch):
    c = fresh(monkeypatch)
    with pytest.raises(ValueError, match=r"'flag'"):
        c.update("flag", "maybe")
    with pytest.raises(ValueError):
        c.update("name", 3)
    assert c.flag is False and c.name is None


def test_unknown_names_list_known_options(monkeypatch):
    c = fresh(monkeypatch)
    for call in (lambda: c.update("enable_x65", True), lambda: c.read("nope"),
                 lambda: c.nope):
        with pytest.raises(UnknownOptionError) as info:
            call()
        assert "flag" in str(info.value) and "name" in str(info.value)
        assert isinstance(info.value, AttributeError) and isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="known options are: .*enable_x64"):
        config.update("enable_x65", True)
    with pytest.raises(AttributeError):
        _ = config.enable_x65
    assert not hasattr(config, "enable_x65")
    with pytest.raises(UnknownOptionError):
        with c.override(nope=1):
            pass


def test_attribute_assignment_is_refused(monkeypatch):
    c = fresh(monkeypatch)
    with pytest.raises(AttributeError, match="update"):
        c.flag = True
    assert c.flag is False


def test_values_is_a_snapshot(monkeypatch):
    c = fresh(monkeypatch)
    snap = c.values
    assert snap == {"flag": False, "name": None}
    snap["flag"] = True
    assert c.flag is False
    c.update("flag", True)
    assert snap["flag"] is True and c.values["flag"] is True


def test_define_errors():
    c = Config()
    c.define_bool("flag", False)
    with pytest.raises(ValueError, match="already defined"):
        c.define_bool("flag", True)
    for bad in ("update", "values", "_secret", "not an identifier"):
        with pytest.raises(ValueError):
            c.define_bool(bad, False)


def test_define_option_general_parse(monkeypatch):
    monkeypatch.setenv("PLAX_T_INT", "7")
    c = Config()
    c.define_option("level", 1, int, env_var="PLAX_T_INT")
    assert c.level == 7
    c.update("level", "3")
    assert c.level == 3
    with pytest.raises(ValueError, match="level"):
        c.update("level", "x")


def test_dir_lists_options(monkeypatch):
    assert {"flag", "name", "update"} <= set(dir(fresh(monkeypatch)))


# --------------------------------------------------------------- override

def test_override_restores(monkeypatch):
    c = fresh(monkeypatch)
    with c.override(flag=True, name="cpu") as cc:
        assert cc is c
        assert c.flag is True and c.name == "cpu"
        with c.override(flag=False):
            assert c.flag is False
        assert c.flag is True
    assert c.flag is False and c.name is None


def test_override_restores_after_exception(monkeypatch):
    c = fresh(monkeypatch)
    with pytest.raises(RuntimeError):
        with c.override(flag=True):
            raise RuntimeError("boom")
    assert c.flag is False


def test_override_bad_value_changes_nothing(monkeypatch):
    c = fresh(monkeypatch)
    with pytest.raises(ValueError):
        with c.override(name="cpu", flag="maybe"):
            pass
    assert c.values == {"flag": False, "name": None}


def test_override_on_singleton():
    before = config.values
    with config.override(enable_x64=not before["enable_x64"]):
        assert config.enable_x64 is (not before["enable_x64"])
    assert config.values == before


# -------------------------------------------------------------- listeners

def test_listeners(monkeypatch):
    c = fresh(monkeypatch)
    seen = []

    @c.on_change
    def listener(name, value):
        seen.append((name, value))

    assert listener is not None
    c.update("flag", True)
    c.update("flag", "yes")  # same value: no call
    c.update("name", "cpu")
    assert seen == [("flag", True), ("name", "cpu")]
    seen.clear()
    with c.override(flag=False):
        assert seen == [("flag", False)]
    assert seen == [("flag", False), ("flag", True)]
    c.remove_listener(listener)
    c.update("flag", False)
    assert len(seen) == 2
    with pytest.raises(ValueError):
        c.remove_listener(listener)
    with pytest.raises(TypeError):
        c.on_change("not callable")


def test_listener_sees_new_value_in_place(monkeypatch):
    c = fresh(monkeypatch)
    reads = []
    c.on_change(lambda name, value: reads.append(c.read(name)))
    c.update("flag", True)
    assert reads == [True]


def test_listener_on_singleton_is_called_and_removed():
    seen = []
    cb = config.on_change(lambda n, v: seen.append((n, v)))
    try:
        with config.override(debug_nans=True):
            pass
    finally:
        config.remove_listener(cb)
    assert seen == [("debug_nans", True), ("debug_nans", False)]


# ---------------------------------------------------------- trace context

def test_trace_context(monkeypatch):
    c = fresh(monkeypatch)
    tc = c.trace_context()
    assert tc == (("flag", False), ("name", None))
    hash(tc)
    assert c.trace_context() is tc  # cached while nothing changes
    with c.override(flag=True):
        tc2 = c.trace_context()
        assert tc2 != tc and dict(tc2)["flag"] is True
    assert c.trace_context() == tc
    c.define_bool("late", False)
    assert ("late", False) in c.trace_context()


def test_singleton_trace_context_covers_all_options():
    # every option but those that change no traced or compiled program
    untraced = {"compilation_cache", "compilation_cache_dir", "compilation_cache_max_size",
                "disable_jit", "log_compiles", "explain_cache_misses"}
    tc = config.trace_context()
    assert [n for n, _ in tc] == [n for n in config.values if n not in untraced]
    with config.override(log_compiles=True, compilation_cache_dir="/nonexistent"):
        assert config.trace_context() == tc
    with config.override(enable_x64=not config.enable_x64):
        assert config.trace_context() != tc
    assert config.trace_context() == tc


def test_absl_entry_points_are_no_ops():
    # JAX programs still call these at startup (jax.config.config_with_absl()).
    from plax_core.config import config
    before = dict(config.values)
    assert config.config_with_absl() is None
    assert config.parse_flags_with_absl() is None
    assert dict(config.values) == before
