"""plax.export: export(jit(f))(*avals) -> Exported, serialize/deserialize, Exported.call.

Values are checked against NumPy; the error classes and the first words of the
messages are JAX's (obtained by running JAX 0.10.2's jax.export outside this
repository: ``ValueError: Shape mismatch for args[0].shape[0] (expected same
constant): expected (3,) and called with (4,)``, ``Dtype mismatch for args[0]:
expected float32 and called with int32``, ``Rank mismatch for args[0]: ...``, ``The
invocation args and kwargs must have the same pytree structure ...``, ``Function to
be exported must be the result of `jit` ...``, ``NotImplementedError: serialization
of host_callbacks is not yet implemented``, and ``NotImplementedError`` for ``vmap``
of a call).
"""

import collections
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.config import config
from plax_core.core import ShapeDtypeStruct
from plax_xla import jit
from plax_xla.export import FORMAT_VERSION, Exported, deserialize, export

TABLE = np.array([0.5, -1.0, 2.0, 0.25], np.float32)      # a closed-over constant


@jit
def _scale(v):
    return v * 3.0


def model(params, xs, *, offset):
    """A scan (cumulative sum of tanh), a nested jit, a closed-over array constant,
    pytrees in (a dict, a kwarg) and out (a dict holding a tuple)."""
    def step(carry, x):
        carry = carry + lax.tanh(x * params["w"])
        return carry, carry * 2.0
    last, ys = lax.scan(step, params["b"], xs)
    return {"ys": ys + TABLE, "stats": (_scale(last) + offset, lax.reduce_sum(xs, (0, 1)))}


def model_oracle(params, xs, offset):
    carry = params["b"].astype(np.float64)
    ys = []
    for x in xs:
        carry = carry + np.tanh(x * params["w"])
        ys.append(carry * 2.0)
    return {"ys": np.array(ys) + TABLE, "stats": (carry * 3.0 + offset, xs.sum())}


def _inputs(seed=0):
    rng = np.random.default_rng(seed)
    params = {"w": rng.standard_normal(4).astype(np.float32),
              "b": rng.standard_normal(4).astype(np.float32)}
    return params, rng.standard_normal((5, 4)).astype(np.float32)


def _exported() -> Exported:
    f32 = np.float32
    return export(jit(model))({"w": ShapeDtypeStruct((4,), f32),
                               "b": ShapeDtypeStruct((4,), f32)},
                              ShapeDtypeStruct((5, 4), f32),
                              offset=ShapeDtypeStruct((), f32))


def _close(got, want):
    got_leaves = plax_core.tree_util.tree_leaves(got)
    want_leaves = plax_core.tree_util.tree_leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        np.testing.assert_allclose(np.asarray(g), w, rtol=2e-6, atol=2e-6)


def test_exported_attributes_like_jax():
    exp = _exported()
    assert exp.fun_name == "model" and exp.platforms == ("cpu",)
    assert [a.str_short() for a in exp.in_avals] == ["f32[4]", "f32[4]", "f32[5,4]",
                                                     "f32[]"]
    assert [a.str_short() for a in exp.out_avals] == ["f32[4]", "f32[]", "f32[5,4]"]
    params, xs = _inputs()
    assert exp.in_tree == plax_core.tree_util.tree_structure(((params, xs),
                                                              {"offset": 1.0}))
    assert exp.out_tree == plax_core.tree_util.tree_structure(
        {"ys": 0, "stats": (0, 0)})
    text = exp.mlir_module()
    assert text.startswith("module @jit_model") and "func.func public @main(" in text
    assert '"stablehlo.while"' in text and "func.func private" in text    # scan, _scale
    assert text.count("%arg") and "%c0" not in text      # constants written inside


def test_round_trip_in_a_fresh_process(tmp_path):
    """The child has neither ``model`` nor this file: only the bytes and NumPy inputs."""
    exp = _exported()
    (tmp_path / "model.plax").write_bytes(exp.serialize())
    params, xs = _inputs(1)
    np.savez(tmp_path / "inputs.npz", w=params["w"], b=params["b"], xs=xs)
    want = model_oracle(params, xs, np.float32(0.5))
    parent = exp.call(params, xs, offset=np.float32(0.5))
    _close(parent, want)
    child = (
        "import sys, numpy as np\n"
        "from plax_xla.export import deserialize\n"
        "d = sys.argv[1]\n"
        "exp = deserialize(open(d + '/model.plax', 'rb').read())\n"
        "i = np.load(d + '/inputs.npz')\n"
        "out = exp.call({'w': i['w'], 'b': i['b']}, i['xs'], offset=np.float32(0.5))\n"
        "np.savez(d + '/out.npz', ys=out['ys'], s0=out['stats'][0], s1=out['stats'][1])\n"
        "print(exp.fun_name, exp.in_tree, exp.out_tree)\n")
    env = {**os.environ, "PLAX_COMPILATION_CACHE": "0"}
    run = subprocess.run([sys.executable, "-c", child, str(tmp_path)], env=env,
                         capture_output=True, text=True, cwd=str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        f"model {exp.in_tree} {exp.out_tree}")
    out = np.load(tmp_path / "out.npz")
    got = {"ys": out["ys"], "stats": (out["s0"], out["s1"])}
    for g, p in zip(plax_core.tree_util.tree_leaves(got),
                    plax_core.tree_util.tree_leaves(parent)):
        np.testing.assert_array_equal(g, np.asarray(p))      # bit for bit


def test_deserialized_has_the_same_attributes_and_values():
    exp = _exported()
    back = deserialize(exp.serialize())
    for name in ("fun_name", "in_tree", "out_tree", "platforms", "in_avals", "out_avals"):
        assert getattr(back, name) == getattr(exp, name), name
    assert back.mlir_module() == exp.mlir_module()
    assert back.calling_convention_version == FORMAT_VERSION
    params, xs = _inputs(2)
    _close(back.call(params, xs, offset=2.0), model_oracle(params, xs, 2.0))


@pytest.mark.parametrize("args,kwargs,message", [
    ((np.ones(4, np.float32), np.ones((5, 4), np.float32)), {},
     r"pytree structure as when the function 'model' was exported"),
    (({"w": np.ones(4, np.float32), "b": np.ones(3, np.float32)},
      np.ones((5, 4), np.float32)), {"offset": 1.0},
     r"Shape mismatch for args\[0\]\['b'\]\.shape\[0\] \(expected same constant\): "
     r"expected \(4,\) and called with \(3,\)"),
    (({"w": np.ones(4, np.float32), "b": np.ones(4, np.float32)},
      np.ones((5, 4), np.int32)), {"offset": 1.0},
     r"Dtype mismatch for args\[1\]: expected float32 and called with int32"),
    (({"w": np.ones(4, np.float32), "b": np.ones(4, np.float32)},
      np.ones((5, 4), np.float32)), {"offset": np.ones(1, np.float32)},
     r"Rank mismatch for kwargs\['offset'\]: expected \(\) and called with \(1,\)"),
])
def test_wrong_calls_raise_jaxs_value_error_naming_the_argument(args, kwargs, message):
    exp = deserialize(_exported().serialize())
    with pytest.raises(ValueError, match=message) as info:
        exp.call(*args, **kwargs)
    assert "'model'" in str(info.value)
    with pytest.raises(ValueError, match=message):          # the same check under jit
        jit(lambda *a, **k: exp.call(*a, **k))(*args, **kwargs)


def test_call_under_jit_inlines_the_module():
    exp = deserialize(_exported().serialize())
    params, xs = _inputs(3)

    def outer(params, xs):
        out = exp.call(params, xs, offset=1.0)
        return out["ys"].sum() + out["stats"][0]

    jaxpr = plax_core.make_jaxpr(outer)(params, xs)
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns][0] == "call_exported"
    text = jit(outer).lower(params, xs).as_text()
    assert "func.func private @exported0.main(" in text and "callee = @exported0.main" in text
    want = model_oracle(params, xs, 1.0)
    np.testing.assert_allclose(np.asarray(jit(outer)(params, xs)),
                               want["ys"].sum() + want["stats"][0], rtol=1e-5)
    twice = jit(lambda p, x: (exp.call(p, x, offset=0.0)["ys"],      # one copy of it
                              exp.call(p, x, offset=1.0)["ys"])).lower(params, xs).as_text()
    assert twice.count("func.func private @exported0.main(") == 1


def test_vmap_and_grad_of_a_call_are_refused(require):
    exp = export(jit(lambda x: lax.sin(x)))(ShapeDtypeStruct((3,), np.float32))
    x = np.ones((2, 3), np.float32)
    with pytest.raises(NotImplementedError, match="'call_exported'"):
        require("vmap")(exp.call)(x)
    with pytest.raises(NotImplementedError, match="'call_exported'"):
        require("grad")(lambda v: exp.call(v).sum())(x[0])


def test_export_needs_jit_and_no_callbacks():
    with pytest.raises(ValueError, match="Function to be exported must be the result of "
                                         "`jit`"):
        export(lambda x: x)
    from plax_core.callbacks import debug_print
    f = jit(lambda x: (debug_print("{}", x), x * 2)[1])
    with pytest.raises(NotImplementedError, match="serialization of host_callbacks"):
        export(f)(ShapeDtypeStruct((3,), np.float32))


def test_static_arguments_are_baked_in():
    f = jit(lambda x, n: x * n + lax.cumsum(x, 0), static_argnums=1)
    exp = deserialize(export(f)(np.ones(3, np.float32), 4).serialize())
    assert len(exp.in_avals) == 1
    x = np.array([1.0, 2.0, 3.0], np.float32)
    np.testing.assert_array_equal(np.asarray(exp.call(x)), x * 4 + np.cumsum(x))


def test_weak_types_x64_and_scalars():
    with config.override(enable_x64=True):
        exp = deserialize(export(jit(lambda x, k: x * k))(
            ShapeDtypeStruct((2,), np.float64), 3.0).serialize())
        assert [a.str_short() for a in exp.in_avals] == ["f64[2]", "f64[]"]
        assert exp.in_avals[1].weak_type and exp.out_avals[0].dtype == np.float64
        out = exp.call(np.array([1e-300, 2.0]), 3.0)
        assert out.dtype == np.float64 and np.asarray(out)[0] == 3e-300
    exp = deserialize(export(jit(lambda: (np.int32(7), np.bool_(True))))().serialize())
    assert exp.call() == (7, True)


def test_platform_check_and_unknown_platform():
    exp = export(jit(lambda x: x + 1), platforms=["cuda"])(np.ones(2, np.float32))
    assert exp.platforms == ("cuda",)
    with pytest.raises(ValueError, match=r"exported for platforms \('cuda',\) but it is "
                                         r"used on \('cpu',\)"):
        deserialize(exp.serialize()).call(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="exported for platforms"):         # under jit
        jit(exp.call)(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="unknown platforms"):
        export(jit(lambda x: x), platforms=["tpu"])


def test_serialize_refuses_custom_pytree_nodes():
    point = collections.namedtuple("Point", "x y")
    exp = export(jit(lambda p: p.x + p.y))(point(np.float32(1), np.float32(2)))
    assert float(exp.call(point(np.float32(1), np.float32(5)))) == 6.0   # in-process: fine
    with pytest.raises(ValueError, match="input tree of '<lambda>' holds a node of type "
                                         "Point"):
        exp.serialize()


def test_deserialize_refuses_bad_bytes():
    blob = bytes(_exported().serialize())
    with pytest.raises(ValueError, match="not a plax export artifact"):
        deserialize(b"PK\x03\x04" + blob[4:])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        deserialize(blob[:-10])
    newer = blob[:8] + (FORMAT_VERSION + 1).to_bytes(4, "little") + blob[12:]
    with pytest.raises(ValueError, match=f"format version {FORMAT_VERSION + 1}"):
        deserialize(newer)


def test_exported_functions_keep_apart_from_the_callers():
    """The caller outlines the same nested jit (``_scale``) as the exported module:
    the copies get distinct names, and both compute."""
    exp = deserialize(export(jit(lambda v: _scale(lax.exp(v))))(
        ShapeDtypeStruct((2,), np.float32)).serialize())
    f = jit(lambda v: _scale(exp.call(v)) + _scale(v))
    x = np.array([0.5, -1.0], np.float32)
    text = f.lower(x).as_text()
    names = re.findall(r"func\.func \w+ (@[\w.$]+)\(", text)
    assert len(names) == len(set(names)) == 4, names
    np.testing.assert_allclose(np.asarray(f(x)), np.exp(x) * 9 + x * 3, rtol=1e-6)
