"""The API reference, generated from each public module's ``__all__`` at build time.

One page per module (``docs/api/<module>.rst``, not checked in): a summary table, then
one autodoc entry per name; a class's entry lists its public methods and properties
(:func:`members`). Names come from ``__all__``, so a name added to a module
appears in the reference with no edit here. Objects that cannot carry a docstring (a
constant, a tuple of layers, a string tag) are described in :data:`DATA_DOCS`.

Grouping many names per page instead of one page per function keeps the build fast
(~1200 names). ``packages/plax/tests/test_docs_coverage.py`` imports this module
(without Sphinx) to check that every public name is documented and listed.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import types
from pathlib import Path

# (module, one-line description), in the order of the reference's table of contents.
MODULES = [
    ("plax", "Transformations (grad, jit, vmap, ...), jaxprs, arrays and devices."),
    ("plax.numpy", "JAX's NumPy API on plax arrays."),
    ("plax.numpy.linalg", "Linear algebra, as ``numpy.linalg``."),
    ("plax.numpy.fft", "Discrete Fourier transforms, as ``numpy.fft``."),
    ("plax.lax", "The primitives' functions: plax's lower-level, XLA-shaped API."),
    ("plax.lax.linalg", "Matrix decompositions as primitives."),
    ("plax.random", "Counter-based (threefry) pseudo-random numbers; the bits JAX gives."),
    ("plax.scipy", "A SciPy subset on plax arrays."),
    ("plax.scipy.linalg", "Linear algebra, as ``scipy.linalg``."),
    ("plax.scipy.special", "Special functions, as ``scipy.special``."),
    ("plax.scipy.stats", "Distributions, as ``scipy.stats``: one module per distribution."),
    ("plax.nn", "Activation functions and friends for neural networks."),
    ("plax.nn.initializers", "Parameter initializers: ``init(key, shape, dtype)``."),
    ("plax.tree_util", "Pytrees: flatten, unflatten, map, register your own node types."),
    ("plax.tree", "The short names of ``plax.tree_util`` (``plax.tree.map``, ...)."),
    ("plax.dtypes", "Dtypes, promotion and the default (32- or 64-bit) types."),
    ("plax.errors", "The exception classes plax raises (JAX's classes)."),
    ("plax.stax", "Neural-network layers as ``(init_fun, apply_fun)`` pairs."),
    ("plax.optimizers", "Optimizers as ``(init_fun, update_fun, get_params)`` triples."),
    ("plax.ops", "JAX's 2019 indexed updates (``index_update``, ...), aliases of ``x.at``."),
    ("plax.test_util", "``check_grads``: derivatives checked against finite differences."),
    ("plax_core.extend", "The plugin contract: everything a plugin may use."),
]
# Public modules documented under another name (the coverage test checks the list).
ALIASES = {
    "plax.example_libraries": "the package holding the two aliases below",
    "plax.example_libraries.stax": "plax.stax",
    "plax.example_libraries.optimizers": "plax.optimizers",
}
# Documented once they exist (modules that other work adds).
OPTIONAL_MODULES = [
    ("plax.sharding", "Shardings of arrays over devices."),
    ("plax.distributed", "Several processes, one program."),
    ("plax.debug", "Printing and callbacks from inside transformed code."),
    ("plax.experimental", "JAX's ``jax.experimental`` names plax provides."),
    ("plax.experimental.shard_map", "``shard_map`` under JAX's older name."),
    ("plax.experimental.multihost_utils", "Reading results of a multi-process run."),
    ("plax.export", "Jitted functions as serialisable artifacts that run without their "
                    "source."),
]

# Module attributes that are not functions or classes, so carry no docstring of their own.
_ACTIVATION = "A parameter-free layer applying ``{}`` elementwise: ``(init_fun, apply_fun)``."
DATA_DOCS = {
    **{f"plax.numpy.{n}": f"The scalar constant ``{n}`` as a Python float, as in NumPy."
       for n in ("e", "euler_gamma", "inf", "nan", "pi")},
    "plax.numpy.newaxis": "``None``: an alias for indexing, ``x[:, newaxis]`` adds an axis.",
    "plax.numpy.c_": "Stack along the last axis by index syntax: ``c_[a, b]``, as NumPy's.",
    "plax.numpy.r_": "Concatenate along the first axis by index syntax: ``r_[a, 1:3]``.",
    "plax.numpy.s_": "Build a slice tuple by index syntax: ``s_[1:3, ::2]``.",
    "plax.numpy.index_exp": "Like ``s_`` but always a tuple: ``index_exp[1:3]``.",
    "plax.numpy.mgrid": "Dense mesh grids by index syntax: ``mgrid[0:3, 0:2]``.",
    "plax.numpy.ogrid": "Open (broadcastable) mesh grids by index syntax: ``ogrid[0:3, 0:2]``.",
    "plax.numpy.float0": "The dtype of tangents of integer and boolean values (size 0), as JAX's.",
    "plax.dtypes.float0": "The dtype of tangents of integer and boolean values (size 0), as JAX's.",
    "plax.dtypes.python_scalar_dtypes": "Python scalar type -> the dtype it becomes (weak).",
    "plax.config": "The configuration object: ``plax.config.update('enable_x64', True)``.",
    "plax.tree_util.default_registry": "The registry of pytree node types that "
                                       "``tree_flatten`` uses by default.",
    "plax.tree_util.KeyEntry": "The type of one entry of a key path (a ``TypeVar``).",
    "plax.stax.Flatten": "A layer flattening all but the leading (batch) axis.",
    "plax.stax.Identity": "A layer returning its input unchanged.",
    "plax.stax.FanInSum": "A layer summing a list of inputs (after ``FanOut``/``parallel``).",
    **{f"plax.stax.{layer}": _ACTIVATION.format(fn) for layer, fn in {
        "Tanh": "plax.numpy.tanh", "Relu": "plax.nn.relu", "Exp": "plax.numpy.exp",
        "LogSoftmax": "plax.nn.log_softmax", "Softmax": "plax.nn.softmax",
        "Softplus": "plax.nn.softplus", "Sigmoid": "plax.nn.sigmoid", "Elu": "plax.nn.elu",
        "LeakyRelu": "plax.nn.leaky_relu", "Selu": "plax.nn.selu",
        "Gelu": "plax.nn.gelu"}.items()},
    "plax_core.extend.FAMILIES": "The primitive families, in the order rule files follow.",
    "plax_core.extend.RULE_TABLES": "The names of the rule tables a plugin may fill.",
    **{f"plax_core.extend.{n}": f"The name of the ``{n.lower()}`` rule table "
       "(``registry.rules(...)``)."
       for n in ("BATCHING", "JVP", "LOWERING", "PARTIAL_EVAL", "TRANSPOSE")},
    "plax.lax.ConvGeneralDilatedDimensionNumbers": "The type of ``dimension_numbers`` of "
        "``conv_general_dilated``: None, a ``ConvDimensionNumbers`` or three layout strings.",
    "plax.lax.DotDimensionNumbers": "The type of ``dimension_numbers`` of ``dot_general``: "
        "``((lhs_contracting, rhs_contracting), (lhs_batch, rhs_batch))``.",
    "plax.lax.PrecisionLike": "The type of a ``precision`` argument: None, a ``Precision``, "
        "a string, or a pair of them.",
    "plax.tree_util.KeyPath": "The type of a key path: a tuple of key entries.",
    "plax.dtypes.SUPPORTED_DTYPES": "Every dtype a plax array may have.",
    "plax.dtypes.weak_types": "The Python scalar types whose values are weakly typed.",
    "plax.stax.Conv": "A 2-d convolution layer: ``GeneralConv`` with NHWC inputs and HWIO "
        "kernels, ``Conv(out_chan, filter_shape, strides, padding)``.",
    "plax.stax.Conv1DTranspose": "A 1-d transposed convolution layer: "
        "``GeneralConvTranspose`` with NHC inputs and HIO kernels.",
    "plax.stax.ConvTranspose": "A 2-d transposed convolution layer: "
        "``GeneralConvTranspose`` with NHWC inputs and HWIO kernels.",
    "plax.ops.index": "Index builder for the ``index_*`` functions: ``index[1:, 2]`` is "
        "``(slice(1, None), 2)``.",
    "plax_core.extend.hookimpl": "Decorator marking a plugin module's hook "
                                 "implementations (pluggy's ``HookimplMarker('plax')``).",
}


def available_modules():
    """``(name, description)`` of every module of the reference that imports here."""
    found = list(MODULES)
    for name, text in OPTIONAL_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        found.append((name, text))
    return found


def load_module(name):
    """The module ``name`` names, also where it is an attribute of a module rather than
    an importable submodule (``plax.stax.initializers`` is ``plax_stax.initializers``)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        parent, _, attr = name.rpartition(".")
        if not parent:
            raise
        module = getattr(load_module(parent), attr, None)
        if not isinstance(module, types.ModuleType):
            raise
        return module


def public_names(module_name):
    """The names the reference lists for a module, sorted: its ``__all__``, plus the
    functions and classes of plax that the module binds itself outside ``__all__``
    (``plax.lax.betainc`` is plax-numpy's, bound by the meta-package's ``plax.lax``)."""
    module = load_module(module_name)
    names = set(module.__all__)
    for name, obj in vars(module).items():
        if (not name.startswith("_") and kind(obj) in ("class", "function")
                and (getattr(obj, "__module__", None) or "").startswith("plax")):
            names.add(name)
    return sorted(names, key=lambda n: (n.lower(), n))


def kind(obj):
    """How autodoc documents ``obj``: 'module', 'class', 'function' or 'data'."""
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if inspect.isroutine(obj) and not isinstance(obj, functools.partial):
        return "function"
    return "data"


def foreign(obj):
    """The library owning ``obj`` when plax re-exports it unchanged (NumPy's scalar
    types, ``printoptions``, ...), else None: its page says so instead of rendering that
    library's docstring, whose cross-references point into that library's docs."""
    owner = (getattr(obj, "__module__", None) or "").split(".")[0]
    return owner if owner in ("numpy", "ml_dtypes") else None


def members(cls):
    """The public methods and properties of a plax class that its page documents, in
    definition order: those defined by ``cls`` or a plax base class (``Array`` gets its
    NumPy methods from ``ArrayMethods``), not ``object``'s or a foreign base's. Plain
    data attributes (enum values, slots, named-tuple fields) are left to the class's
    own docstring."""
    found = {}
    for klass in reversed(cls.__mro__):
        if not (getattr(klass, "__module__", None) or "").startswith("plax"):
            continue
        for attr, value in vars(klass).items():
            if not attr.startswith("_") and _is_member(value):
                found[attr] = value
    return list(found)


def _is_member(value):
    if isinstance(value, (staticmethod, classmethod, property, functools.cached_property)):
        return True
    return inspect.isfunction(value)


def member_docstring(cls, attr):
    """The docstring of ``cls.attr`` (a method or property), or '' when there is none."""
    for klass in cls.__mro__:
        if attr in vars(klass):
            value = vars(klass)[attr]
            value = getattr(value, "__func__", value)  # staticmethod/classmethod
            return inspect.cleandoc(getattr(value, "__doc__", None) or "")
    return ""


def docstring(module_name, name):
    """The text documenting ``module_name.name``, or '' when there is none."""
    obj = getattr(load_module(module_name), name)
    if kind(obj) == "data":
        return DATA_DOCS.get(f"{module_name}.{name}", "")
    if foreign(obj):
        return f"``{foreign(obj)}.{obj.__name__}``, re-exported unchanged."
    return inspect.getdoc(obj) or ""


def _summary(module_name, name):
    text = docstring(module_name, name).strip()
    first = " ".join(text.split("\n\n")[0].split())
    return first[:-1] if first.endswith("::") else first  # no literal block in a table


def _submodules(module_name, listed):
    """Module-valued public names that get a section of this page (not a page of their own)."""
    module = load_module(module_name)
    return [n for n in public_names(module_name)
            if kind(getattr(module, n)) == "module" and f"{module_name}.{n}" not in listed]


def _entries(module_name, names, listed, lines, seen):
    """The summary table, then one entry per name, of ``names`` in ``module_name``.

    ``seen`` maps id(class) -> the first name it was documented under: a class
    re-exported by two modules is described once (Sphinx indexes a class under its
    canonical name too) and the second table links to the first."""
    module = load_module(module_name)
    rows = []
    for name in names:
        obj = getattr(module, name)
        k = kind(obj)
        full = f"{module_name}.{name}"
        if k == "module":
            target = full if full in listed else obj.__name__
            rows.append((f":doc:`{name} <{target}>`" if target in listed
                         else f":py:mod:`{name} <{full}>`", _module_text(obj)))
        else:
            target = seen.get(id(obj), full) if k == "class" else full
            rows.append((f":py:obj:`{name} <{target}>`", _summary(module_name, name)))
    if rows:
        lines += [".. list-table::", "   :widths: 30 70", ""]
        for link, text in rows:
            lines += [f"   * - {link}", f"     - {text or ' '}"]
        lines.append("")
    for name in names:
        obj = getattr(module, name)
        k = kind(obj)
        if k == "module":
            continue
        if k == "class" and id(obj) in seen:
            continue
        if k == "class":
            seen[id(obj)] = f"{module_name}.{name}"
        if k == "data" or foreign(obj):
            directive = {"data": "data", "class": "class", "function": "function"}[k]
            lines += [f".. py:{directive}:: {name}", "",
                      f"   {docstring(module_name, name)}", ""]
        elif k == "class" and members(obj):
            lines += [f".. autoclass:: {name}", f"   :members: {', '.join(members(obj))}", ""]
        else:
            lines += [f".. auto{k}:: {name}", ""]


def _module_text(module):
    doc = inspect.getdoc(module) or ""
    return " ".join(doc.split("\n\n")[0].split())


def render(module_name, description, listed, seen):
    """The reST source of the page of ``module_name``."""
    title = f"``{module_name}``"
    lines = [title, "=" * len(title), "", f".. py:module:: {module_name}", "",
             description, "", f".. currentmodule:: {module_name}", ""]
    subs = _submodules(module_name, listed)
    names = public_names(module_name)
    _entries(module_name, names, listed, lines, seen)
    for sub in subs:
        full = f"{module_name}.{sub}"
        heading = f"``{full}``"
        lines += [heading, "-" * len(heading), "", f".. py:module:: {full}", "",
                  _module_text(load_module(full)), "",
                  f".. currentmodule:: {full}", ""]
        _entries(full, public_names(full), listed, lines, seen)
    return "\n".join(lines) + "\n"


def reference_names():
    """Every ``module.name`` the reference documents (for the coverage test)."""
    listed = {name for name, _ in available_modules()}
    out = set()
    for module_name in listed:
        out.update(f"{module_name}.{n}" for n in public_names(module_name))
        for sub in _submodules(module_name, listed):
            full = f"{module_name}.{sub}"
            out.update(f"{full}.{n}" for n in public_names(full))
    return out


def reference_classes():
    """``{name: class}`` of every plax class the reference documents, each under the
    first name it is listed by (for the coverage test of their members)."""
    out, seen = {}, set()
    for full in sorted(reference_names()):
        module_name, _, name = full.rpartition(".")
        obj = getattr(load_module(module_name), name)
        if kind(obj) == "class" and not foreign(obj) and id(obj) not in seen:
            seen.add(id(obj))
            out[full] = obj
    return out


def write_pages(outdir):
    """Write ``index.rst`` and one page per module into ``outdir``; skip unchanged files."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    modules = available_modules()
    listed = {name for name, _ in modules}
    pages = {"index": _index(modules)}
    seen = {}
    for name, text in modules:
        pages[name] = render(name, text, listed, seen)
    for stale in outdir.glob("*.rst"):
        if stale.stem not in pages:
            stale.unlink()
    for stem, text in pages.items():
        path = outdir / f"{stem}.rst"
        if not path.exists() or path.read_text() != text:  # unchanged: no rebuild
            path.write_text(text)


def _index(modules):
    lines = ["API reference", "=============", "",
             "Every public name of plax, generated from the modules' docstrings.", "",
             ".. list-table::", "   :widths: 30 70", ""]
    for name, text in modules:
        lines += [f"   * - :doc:`{name}`", f"     - {text}"]
    lines += ["", ".. toctree::", "   :hidden:", ""]
    lines += [f"   {name}" for name, _ in modules]
    return "\n".join(lines) + "\n"


def _on_builder_inited(app):
    write_pages(Path(app.srcdir) / "api")


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
