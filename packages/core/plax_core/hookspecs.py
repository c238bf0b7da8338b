"""The plugin contract of plax: every hook a plugin may implement.

A plugin is one module named under ``[project.entry-points.plax]`` in its
``pyproject.toml``; it defines functions decorated with ``plax_core.plugins.hookimpl``
whose names are the hooks below.  First-party packages register exactly this way.

Hooks run once, when the registry is first needed, in this order:
primitives, then rules, then transformations, then backends.  A hook receives the
``Registry`` object (see ``plax_core.registry``) and fills it; nothing is looked up
through a hook while tracing.
"""

import pluggy

hookspec = pluggy.HookspecMarker("plax")


@hookspec
def plax_register_primitives(registry):
    """Add new primitives with ``registry.add_primitive(prim)``.

    A primitive brings its abstract-evaluation rule and NumPy implementation
    (``Primitive.def_abstract_eval`` / ``def_impl``); it should also bring its rules
    for the transformations it supports (next hook).
    """


@hookspec
def plax_register_rules(registry):
    """Fill rule tables: ``registry.rules("jvp")[prim] = rule``.

    A transformation package fills its own table for every primitive it knows; a
    primitive package fills every table it supports.  ``registry.primitives`` lists
    the primitives registered so far (all of them: this hook runs after the first).
    """


@hookspec
def plax_register_transformations(registry):
    """Make user-facing transformations known: ``registry.add_transformation(name, fn)``.

    They become reachable as ``plax_core.transformations.<name>``.
    """


@hookspec
def plax_register_backends(registry):
    """Offer backends: ``registry.add_backend(name, factory, priority=0)``.

    ``factory()`` returns a ``plax_core.backend.Backend`` or raises
    ``BackendUnavailable`` with a reason.  The highest-priority backend whose
    platforms are allowed by ``plax.config.platforms`` becomes the default.
    """


@hookspec(firstresult=True)
def plax_select_backend(candidates, platforms):
    """Pick the default backend: return one name of ``candidates`` or None.

    ``candidates`` are the registered backend names, best priority first;
    ``platforms`` is the user's ``PLAX_PLATFORMS`` setting (or None).  The first
    plugin to return a name wins; with no answer, the best candidate is used.
    """
