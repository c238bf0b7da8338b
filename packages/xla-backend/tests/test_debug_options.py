"""disable_jit, ensure_compile_time_eval, log_compiles and explain_cache_misses."""

import logging

import numpy as np
import pytest

import plax_core
from plax_core import core, lax
from plax_core.config import config
from plax_core.eval_control import disable_jit, ensure_compile_time_eval
from plax_xla import jit


def _branchy(x):
    if x.sum() > 0:            # a Python `if` on a traced value: fails under jit
        return x * 2.0
    return -x


def test_disable_jit_makes_a_traced_value_if_work():
    f = jit(_branchy)
    x = plax_core.device_put(np.array([1.0, 2.0], np.float32))
    with pytest.raises(core.ConcretizationTypeError):
        f(x)
    with disable_jit():
        assert config.read("jax_disable_jit") is True
        np.testing.assert_array_equal(np.asarray(f(x)), [2.0, 4.0])
        np.testing.assert_array_equal(np.asarray(f(-x)), [1.0, 2.0])
    assert config.read("disable_jit") is False
    with pytest.raises(core.ConcretizationTypeError):
        f(x)


def test_disable_jit_runs_python_each_call_and_false_keeps_jit():
    calls = []

    def g(x):
        calls.append(type(x).__name__)
        return x + 1.0

    f = jit(g)
    x = plax_core.device_put(np.float32(1.0))
    with disable_jit():
        f(x)
        f(x)
    assert calls == ["Array", "Array"]          # no tracer: plain Python, every call
    with disable_jit(False):
        f(x)
        f(x)
    assert len(calls) == 3 and calls[2] != "Array"   # traced once, then cached
    with config.override(jax_disable_jit=True):
        assert float(f(x)) == 2.0 and len(calls) == 4


def test_ensure_compile_time_eval_gives_concrete_values_under_jit():
    seen = {}

    def f(x):
        with ensure_compile_time_eval():
            c = lax.sin(np.float32(0.5))            # concrete operands: run now
            seen["c"] = c
            n = int(lax.reduce_sum(lax.iota(np.int32, 4), (0,)))   # int() works
            y = x * c                               # a tracer operand: still staged
        return y + n

    jaxpr = plax_core.make_jaxpr(f)(np.float32(2.0))
    assert not isinstance(seen["c"], core.Tracer)
    np.testing.assert_allclose(float(seen["c"]), np.sin(0.5), rtol=1e-6)
    prims = [e.primitive.name for e in jaxpr.jaxpr.eqns]
    assert "sin" not in prims and "iota" not in prims and "mul" in prims
    np.testing.assert_allclose(float(jit(f)(np.float32(2.0))), 2 * np.sin(0.5) + 6,
                               rtol=1e-6)


def test_without_ensure_compile_time_eval_constants_are_staged():
    def f(x):
        return x * lax.sin(np.float32(0.5))
    prims = [e.primitive.name for e in plax_core.make_jaxpr(f)(np.float32(2.0)).jaxpr.eqns]
    assert "sin" in prims


def _messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "plax.jit"]


def test_log_compiles_names_the_function_and_the_reason(caplog):
    def scaled(x, k):
        return x * k

    f = jit(scaled, static_argnums=1)
    with caplog.at_level(logging.WARNING, logger="plax.jit"), \
            config.override(jax_log_compiles=True):
        f(np.ones(3, np.float32), 2)
        f(np.ones(3, np.float32), 2)                    # a hit: no log
        f(np.ones(4, np.float32), 2)
        f(np.ones(4, np.float32), 3)
    msgs = _messages(caplog)
    assert msgs == [
        "Compiling jit(scaled) for arguments (x: f32[3]) because: first call "
        "(no earlier signature in its cache)",
        "Compiling jit(scaled) for arguments (x: f32[4]) because: argument x: "
        "f32[3] before, f32[4] now",
        "Compiling jit(scaled) for arguments (x: f32[4]) because: static argument "
        "at position 1: 2 before, 3 now",
    ]


def test_explain_cache_misses_names_the_argument(caplog):
    def loss(params, x):
        return params["w"] * x

    f = jit(loss)
    with caplog.at_level(logging.WARNING, logger="plax.jit"), \
            config.override(jax_explain_cache_misses=True):
        f({"w": np.float32(1.0)}, np.ones(2, np.float32))
        f({"w": np.float32(1.0)}, np.ones(2, np.int32))
        f({"w": 1.0}, np.ones(2, np.int32))
    msgs = _messages(caplog)
    assert len(msgs) == 3 and all(m.startswith("TRACING CACHE MISS for jit(loss) (loss at ")
                                  for m in msgs)
    assert msgs[1].endswith("because: argument x: f32[2] before, i32[2] now")
    assert msgs[2].endswith("because: argument params['w']: f32[] before, "
                            "f32[]{weak_type=True} now")


def test_logging_options_do_not_invalidate_caches():
    f = jit(lambda x: x + 1.0)
    f(np.ones(2, np.float32))
    with config.override(log_compiles=True, explain_cache_misses=True,
                         compilation_cache=False):
        f(np.ones(2, np.float32))
    assert f._cache_size() == 1


def _log_of_shifted(x):
    y = x * 2.0
    z = lax.log(y - 4.0)          # the line debug_nans must name
    return z + 1.0


_LOG_LINE = _log_of_shifted.__code__.co_firstlineno + 2


@pytest.mark.parametrize("option,value,kind", [("jax_debug_nans", 1.0, "nan"),
                                               ("jax_debug_infs", 2.0, "inf")])
def test_debug_nans_names_the_primitive_and_the_line(option, value, kind):
    f = jit(_log_of_shifted)
    assert np.isnan(float(f(np.float32(1.0))))           # off: no check
    with config.override(**{option: True}):
        for _ in range(2):                                # the slow and the fast path
            with pytest.raises(FloatingPointError) as info:
                f(plax_core.device_put(np.float32(value)))
            msg = str(info.value)
            assert msg.startswith(f"invalid value ({kind}) encountered in log at ")
            assert f"{__file__}:{_LOG_LINE} (_log_of_shifted)" in msg
        assert float(f(np.float32(5.0))) == pytest.approx(np.log(6.0) + 1)


def test_debug_nans_eagerly():
    with config.override(debug_nans=True):
        with pytest.raises(FloatingPointError, match=r"encountered in sqrt at .*"
                                                     r"test_debug_options.py"):
            lax.sqrt(plax_core.device_put(np.float32(-1.0)))


def test_aot_lower_compile_and_analyses():
    f = jit(lambda x: x * 2.0 + 1.0)
    x = np.ones(4, np.float32)
    lowered = f.lower(x)
    assert "stablehlo.multiply" in lowered.as_text()
    compiled = lowered.compile()
    cost = compiled.cost_analysis()
    assert cost["flops"] == 8.0                     # 4 multiplies + 4 adds
    mem = compiled.memory_analysis()
    assert mem.argument_size_in_bytes == 16 and mem.output_size_in_bytes == 16
    np.testing.assert_array_equal(np.asarray(compiled(x)), x * 2 + 1)
    names = [e.primitive.name for e in f.trace(x).jaxpr.eqns]
    assert "mul" in names and names[-1] == "add"
