"""The plugin manager: loads core's built-ins, then the ``plax`` entry-point group, once.

``get_registry()`` is the only entry: the first call builds the registry by calling
every hook (see ``hookspecs``); later calls return it.  Transformations keep the
``RuleTable`` objects they get from it, so rule lookups never go through pluggy.
"""

from __future__ import annotations

import threading

import pluggy

from . import hookspecs
from .registry import Registry

hookimpl = pluggy.HookimplMarker("plax")

_lock = threading.RLock()
_registry: Registry | None = None
_manager: pluggy.PluginManager | None = None
_loading = False


def plugin_manager() -> pluggy.PluginManager:
    """The loaded manager (loading plugins if needed)."""
    get_registry()
    return _manager


def get_registry() -> Registry:
    """The registry, filled by all plugins on first use."""
    global _registry
    if _registry is not None:
        return _registry
    with _lock:
        if _registry is None:
            _registry = _load()
    return _registry


def _load() -> Registry:
    global _manager, _loading
    if _loading:
        raise RuntimeError("plax plugins were used while they were being loaded; a "
                           "plugin module must not run plax operations at import time.")
    _loading = True
    try:
        pm = pluggy.PluginManager("plax")
        pm.add_hookspecs(hookspecs)
        from . import builtin_plugin
        pm.register(builtin_plugin, name="core")
        pm.load_setuptools_entrypoints("plax")
        pm.check_pending()
        registry = Registry()
        pm.hook.plax_register_primitives(registry=registry)
        pm.hook.plax_register_rules(registry=registry)
        pm.hook.plax_register_transformations(registry=registry)
        pm.hook.plax_register_backends(registry=registry)
        _manager = pm
        return registry
    finally:
        _loading = False


def reset_for_tests() -> None:
    """Forget the loaded registry so the next use reloads every plugin."""
    global _registry, _manager
    with _lock:
        _registry = None
        _manager = None
