"""The plugin manager: loads core's built-ins, then the ``plax`` entry-point group, once.

``get_registry()`` is the only entry: the first call builds the registry by calling
every hook (see ``hookspecs``); later calls return it.  Transformations keep the
``RuleTable`` objects they get from it, so rule lookups never go through pluggy.

``get_backend()`` is the one hook through which the kernel reaches a backend: eager
evaluation (``core.EvalTrace``) asks it which registered backend runs a primitive.
Core's own plugin (primitives, NumPy backend) is loaded by module name, as the
entry-point plugins are, so the kernel never imports the modules built on it.
"""

from __future__ import annotations

import importlib
import threading

import pluggy

from . import hookspecs
from .config import config
from .registry import BackendUnavailable, Registry

hookimpl = pluggy.HookimplMarker("plax")

_lock = threading.RLock()
_registry: Registry | None = None
_manager: pluggy.PluginManager | None = None
_loading = False

# Plugins that ship with core (name -> module), registered before the entry-point group.
BUILTIN_PLUGINS = {"core": "plax_core.builtin_plugin"}


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
        for name, module_name in BUILTIN_PLUGINS.items():
            pm.register(importlib.import_module(module_name), name=name)
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


# ------------------------------------------------------------------ backend selection

_default: list = []   # the chosen backend, once chosen (cleared when platforms change)


def _allowed(entry_name: str, backend_platform: str | None) -> bool:
    platforms = config.read("platforms")
    if not platforms:
        return True
    wanted = {p.strip().lower() for p in str(platforms).split(",") if p.strip()}
    return entry_name in wanted or (backend_platform or "") in wanted


def get_backend():
    """The default backend: the best registered one the platform setting allows.

    Backends come from the ``plax_register_backends`` hook; ``plax_select_backend``
    may pick one by name, otherwise the highest priority wins.  A factory that raises
    ``BackendUnavailable`` is skipped, and its reason kept for the error message.
    """
    if _default:
        return _default[0]
    registry = get_registry()
    entries = sorted(registry.backends.values(), key=lambda e: -e.priority)
    candidates = [e.name for e in entries]
    chosen = plugin_manager().hook.plax_select_backend(
        candidates=candidates, platforms=config.read("platforms"))
    if chosen is not None:
        entries.sort(key=lambda e: e.name != chosen)
    reasons = []
    for entry in entries:
        try:
            backend = entry.factory()
        except BackendUnavailable as e:
            reasons.append(f"{entry.name}: {e}")
            continue
        if _allowed(entry.name, backend.platform):
            _default.append(backend)
            return backend
        reasons.append(f"{entry.name}: excluded by PLAX_PLATFORMS="
                       f"{config.read('platforms')!r}")
    raise RuntimeError("No plax backend is available. " + "; ".join(reasons))


def _forget_backend(name, value):
    if name == "platforms":
        _default.clear()


config.on_change(_forget_backend)
