"""``jit``'s checks of its own arguments, against JAX 0.10.2's behaviour.

The expected exception classes and the key phrases of the messages were obtained by
running JAX 0.10.2 outside this repository (``jax.jit(...)`` on the same functions);
plax keeps JAX's phrases and adds the function's name and what to do.  JAX checks
``static_argnums``/``donate_argnums``/``static_argnames``/``donate_argnames`` at
``jit`` time whenever ``inspect.signature`` works, so does plax.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import plax_numpy as jnp
from plax_xla import jit


def f(x, y):
    return x + y


def star_args(x, *args):
    return x


def star_kwargs(x, **kw):
    return x


def kw_only(x, y=1, *, z=2):
    return x


def pos_only(x, y, /):
    return x


class Model:
    def apply(self, x):
        return x


# (label, make the jitted function, JAX's exception class or None, message phrase)
CASES = [
    ("argnums past the end", lambda: jit(f, static_argnums=5), ValueError,
     r"Jitted function f has static_argnums=\(5,\), but only accepts 2 positional"),
    ("argnums == len", lambda: jit(f, static_argnums=2), ValueError,
     r"static_argnums=\(2,\), but only accepts 2 positional arguments \(x, y\)"),
    ("negative past the start", lambda: jit(f, static_argnums=-3), ValueError,
     r"static_argnums=\(-3,\)"),
    ("one bad of several", lambda: jit(f, static_argnums=(1, 5)), ValueError,
     r"static_argnums=\(1, 5\)"),
    ("numpy integer", lambda: jit(f, static_argnums=np.int64(5)), ValueError,
     r"static_argnums=\(5,\)"),
    ("donate past the end", lambda: jit(f, donate_argnums=5), ValueError,
     r"donate_argnums=\(5,\), but only accepts 2"),
    ("donate negative past the start", lambda: jit(f, donate_argnums=-3), ValueError,
     r"donate_argnums=\(-3,\)"),
    ("unknown argname", lambda: jit(f, static_argnames="q"), ValueError,
     r"invalid argnames \['q'\] in static_argnames. Function does not take these"),
    ("one unknown of two", lambda: jit(f, static_argnames=("y", "q")), ValueError,
     r"invalid argnames \['q'\] in static_argnames"),
    ("unknown donate argname", lambda: jit(f, donate_argnames="q"), ValueError,
     r"invalid argnames \['q'\] in donate_argnames"),
    ("keyword-only counts no position", lambda: jit(kw_only, static_argnums=2),
     ValueError, r"Jitted function kw_only has static_argnums=\(2,\), but only accepts 2"),
    ("positional-only name", lambda: jit(pos_only, static_argnames="x"), ValueError,
     r"invalid argnames \['x'\] in static_argnames. These are positional-only"),
    ("bound method drops self", lambda: jit(Model().apply, static_argnums=1),
     ValueError, r"static_argnums=\(1,\), but only accepts 1 positional"),
    ("partial names the wrapped function",
     lambda: jit(functools.partial(f, 1), static_argnums=5), ValueError,
     r"Jitted function f has static_argnums=\(5,\), but only accepts 1"),
    ("static and donated by number", lambda: jit(f, static_argnums=0, donate_argnums=0),
     ValueError, r"static_argnames and donate_argnames cannot intersect. Argument names "
                 r"\['x'\] appear in both"),
    ("static and donated by name",
     lambda: jit(f, static_argnames="y", donate_argnames="y"), ValueError,
     r"cannot intersect. Argument names \['y'\]"),
    ("static by number, donated by name",
     lambda: jit(f, static_argnums=1, donate_argnames="y"), ValueError,
     r"cannot intersect. Argument names \['y'\]"),
    ("donate_argnames without a signature",
     lambda: jit(max, donate_argnames="a"), ValueError,
     r"Pass donate_argnums instead of donate_argnames"),
    ("float argnums", lambda: jit(f, static_argnums=1.5), TypeError, "static_argnums"),
    ("str argnums", lambda: jit(f, static_argnums="y"), TypeError, "static_argnums"),
    ("int argnames", lambda: jit(f, static_argnames=1), TypeError, "static_argnames"),
    # Accepted by JAX 0.10.2, so accepted here:
    ("negative in range", lambda: jit(f, static_argnums=-1), None, None),
    ("duplicates", lambda: jit(f, static_argnums=(0, 0)), None, None),
    ("*args takes any position", lambda: jit(star_args, static_argnums=5), None, None),
    ("**kwargs takes any name", lambda: jit(star_kwargs, static_argnames="q"), None, None),
    ("keyword-only name", lambda: jit(kw_only, static_argnames="z"), None, None),
    ("positional-only by number", lambda: jit(pos_only, static_argnums=1), None, None),
    ("no signature: unchecked", lambda: jit(max, static_argnums=5), None, None),
    ("no signature: static names", lambda: jit(max, static_argnames="a"), None, None),
    ("negative donate is not matched to a name",
     lambda: jit(f, static_argnums=1, donate_argnums=-1), None, None),
    ("negative static is not matched to a name",
     lambda: jit(f, static_argnums=-2, donate_argnums=0), None, None),
    ("empty argnames", lambda: jit(f, static_argnames=[]), None, None),
]


@pytest.mark.parametrize("label,make,exc,match", CASES, ids=[c[0] for c in CASES])
def test_jit_checks_its_arguments_like_jax(label, make, exc, match):
    if exc is None:
        assert callable(make())
    else:
        with pytest.raises(exc, match=match):
            make()


def test_negative_static_argnum_is_positional_only(xla):
    # JAX 0.10.2: static_argnums=-1 does not make the keyword y static (calling with
    # y=True traces y, and `if y` raises TracerBoolConversionError there).
    g = jit(lambda x, y: x * y, static_argnums=-1)
    assert float(g(2.0, 3)) == 6.0
    assert float(g(2.0, y=3.0)) == 6.0          # y traced, same value


def test_static_argnum_also_matches_its_keyword(xla):
    # JAX 0.10.2: jit(lambda x, y: x * y, static_argnums=1)(1., y=2) -> 2.0, y static
    g = jit(lambda x, y: x * (len(y) if isinstance(y, tuple) else y), static_argnums=1)
    assert float(g(1.0, y=(1, 2, 3))) == 3.0


# JAX 0.10.2's messages for jit(fun)(1.0) where fun returns a non-array:
#   function <lambda> at FILE:LINE traced for jit returned a value of type
#   <class 'str'>, which is not a valid JAX type
#   ... of type <class 'object'> at output component [1], which is not a valid JAX type
#   ... of type <class 'str'> at output component ['b'], ...
# (TypeError; for a functools.partial JAX names the wrapped function.)
def returns_str(x):
    return "abc"


@pytest.mark.parametrize("fun,name,where", [
    (lambda x: "abc", "<lambda>", ""),
    (returns_str, "returns_str", ""),
    (functools.partial(lambda x, y: "abc", 1), "<lambda>", ""),
    (lambda x: [x, object()], "<lambda>", " at output component [1]"),
    (lambda x: {"a": x, "b": "no"}, "<lambda>", " at output component ['b']"),
    (lambda x: (x, [x, None, print]), "<lambda>", " at output component [1][2]"),
])
def test_non_array_output_names_the_users_function(xla, fun, name, where):
    with pytest.raises(TypeError) as info:
        jit(fun)(1.0)
    msg = str(info.value)
    assert msg.startswith(f"function {name} at {__file__}:"), msg
    assert "traced for jit returned a value of type " in msg
    assert f"{where}, which is not a valid plax type" in msg
    assert "with_static" not in msg and "flat_fun" not in msg


def test_valid_outputs_still_work(xla):
    out = jit(lambda x: {"a": x, "b": (x * 2, 3), "c": None})(jnp.ones(2))
    np.testing.assert_allclose(np.asarray(out["b"][0]), [2.0, 2.0])
    assert out["c"] is None
