"""Global options for plax, in the manner of ``jax.config``.

One registry holds every option: its default comes from an environment
variable when one is set, ``config.update`` changes it at run time, and
``config.override`` changes it for the length of a ``with`` block (tests).
Caches elsewhere (jit, compiled executables) key on ``config.trace_context()``
or register ``config.on_change`` listeners, so no option change can leave a
stale compiled function behind.

This module imports nothing from plax: every other module may import it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "Config",
    "Option",
    "UnknownOptionError",
    "parse_bool",
    "parse_optional_str",
    "config",
    "enable_x64",
    "platforms",
    "check_key_reuse",
    "debug_nans",
    "num_cpu_devices",
    "cpu_collectives_implementation",
    "executable_cache_size",
    "compilation_cache",
    "compilation_cache_dir",
    "compilation_cache_max_size",
    "debug_infs",
    "disable_jit",
    "log_compiles",
    "explain_cache_misses",
]

_TRUE_STRINGS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_STRINGS = frozenset({"0", "false", "f", "no", "n", "off"})


class UnknownOptionError(AttributeError, ValueError):
    """An option name that was never defined.

    Subclasses both AttributeError (so ``hasattr(config, name)`` works) and
    ValueError (what ``jax.config.update`` raises for a bad name).
    """


def parse_bool(value: Any) -> bool:
    """Read a boolean from a bool, a 0/1 integer or a truth string.

    Anything else is an error rather than silently False, so a typo in an
    environment variable cannot quietly switch a feature off.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        s = value.strip().lower()
        if s in _TRUE_STRINGS:
            return True
        if s in _FALSE_STRINGS:
            return False
        raise ValueError(
            f"invalid truth value {value!r}; use one of "
            f"{sorted(_TRUE_STRINGS)} or {sorted(_FALSE_STRINGS)}")
    # numpy bools and 0/1 integers, without importing numpy here.
    if type(value).__name__ in ("bool_", "bool") and hasattr(value, "item"):
        return bool(value.item())
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"expected a boolean, got {value!r} of type "
                     f"{type(value).__name__}")


def parse_optional_str(value: Any) -> str | None:
    """Read an optional string; None and the empty string both mean unset."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a string or None, got {value!r} of type "
                         f"{type(value).__name__}")
    value = value.strip()
    return value or None


class Option:
    """Handle on one defined option; ``.value`` is a cheap read for hot paths."""

    __slots__ = ("name", "default", "parse", "env_var", "help", "_config")

    def __init__(self, config: Config, name: str, default: Any,
                 parse: Callable[[Any], Any], env_var: str | None,
                 help: str):
        self._config = config
        self.name = name
        self.default = default
        self.parse = parse
        self.env_var = env_var
        self.help = help

    @property
    def value(self) -> Any:
        return self._config._values[self.name]

    def __bool__(self) -> bool:
        raise TypeError(
            f"bool() of option handle {self.name!r} is ambiguous; "
            f"use .value")

    def __repr__(self) -> str:
        return f"Option({self.name}={self.value!r})"


class Config:
    """A registry of named options with env-var defaults and change listeners."""

    def __init__(self) -> None:
        # Set through __dict__ so __setattr__/__getattr__ stay simple.
        d = self.__dict__
        d["_options"] = {}          # name -> Option, in definition order
        d["_values"] = {}           # name -> current value
        d["_listeners"] = []        # callbacks (name, value)
        d["_lock"] = threading.RLock()
        d["_trace_context"] = None  # cached tuple, reset on every change

    # ----------------------------------------------------------- defining

    def define_option(self, name: str, default: Any,
                      parse: Callable[[Any], Any] | None = None,
                      env_var: str | None = None, help: str = "") -> Option:
        """Define an option; ``parse`` reads env strings and update() values.

        ``parse`` must accept both the string form (from the environment) and
        already-typed values (from ``update``), and raise ValueError on bad
        input. The environment variable, when set and non-empty, replaces the
        default; a bad value there fails here, at import, not at first use.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"option name must be an identifier, got {name!r}")
        if name.startswith("_") or hasattr(type(self), name):
            raise ValueError(f"option name {name!r} is reserved")
        if parse is None:
            parse = _identity
        with self._lock:
            if name in self._options:
                raise ValueError(f"option {name!r} is already defined")
            value = default
            if env_var is not None:
                raw = os.environ.get(env_var)
                if raw is not None and raw.strip() != "":
                    try:
                        value = parse(raw)
                    except ValueError as e:
                        raise ValueError(
                            f"bad value {raw!r} for environment variable "
                            f"{env_var} (option {name!r}): {e}") from None
            opt = Option(self, name, default, parse, env_var, help)
            self._options[name] = opt
            self._values[name] = value
            self.__dict__["_trace_context"] = None
        return opt

    def define_bool(self, name: str, default: bool,
                    env_var: str | None = None, help: str = "") -> Option:
        """Define a boolean option (truthy env values: 1/true/yes/on/t/y)."""
        return self.define_option(name, bool(default), parse_bool, env_var,
                                  help)

    # ------------------------------------------------------------ reading

    def _resolve(self, name: str) -> str:
        """Map a name (or its JAX-style ``jax_``/``plax_`` spelling) to a key."""
        if name in self._options:
            return name
        if isinstance(name, str):
            for prefix in ("plax_", "jax_"):
                if name.startswith(prefix) and name[len(prefix):] in self._options:
                    return name[len(prefix):]
        known = ", ".join(sorted(self._options))
        raise UnknownOptionError(
            f"unknown plax config option {name!r}; known options are: {known}")

    def read(self, name: str) -> Any:
        """Current value of an option."""
        return self._values[self._resolve(name)]

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for option names.
        if name.startswith("_"):
            raise AttributeError(name)
        return self._values[self._resolve(name)]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"set options with config.update({name!r}, value), "
            f"not by attribute assignment")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._options))

    def __contains__(self, name: str) -> bool:
        try:
            self._resolve(name)
        except UnknownOptionError:
            return False
        return True

    @property
    def values(self) -> dict[str, Any]:
        """A snapshot (a new dict) of every option's current value."""
        return dict(self._values)

    @property
    def options(self) -> dict[str, Option]:
        """The defined options, by name, in definition order."""
        return dict(self._options)

    def trace_context(self) -> tuple[tuple[str, Any], ...]:
        """Hashable ``((name, value), ...)`` of every option that can change a traced
        or compiled program, for cache keys."""
        tc = self._trace_context
        if tc is None:
            with self._lock:
                tc = tuple((n, self._values[n]) for n in self._options
                           if n not in _UNTRACED)
                self.__dict__["_trace_context"] = tc
        return tc

    # ----------------------------------------------------------- changing

    def update(self, name: str, value: Any) -> None:
        """Set an option; listeners hear of it if the value actually changed."""
        key = self._resolve(name)
        opt = self._options[key]
        try:
            parsed = opt.parse(value)
        except ValueError as e:
            raise ValueError(f"bad value for config option {key!r}: {e}") from None
        self._set(key, parsed)

    def _set(self, key: str, value: Any) -> None:
        with self._lock:
            old = self._values[key]
            if type(old) is type(value) and old == value:
                return
            self._values[key] = value
            self.__dict__["_trace_context"] = None
            listeners = list(self._listeners)
        for callback in listeners:
            callback(key, value)

    @contextlib.contextmanager
    def override(self, **changes: Any) -> Iterator[Config]:
        """Temporarily set options inside a ``with`` block, then restore them.

        All names are checked and all values parsed before anything changes,
        so a bad argument leaves the configuration untouched. Global, not
        thread-local: meant for tests and scripts.
        """
        resolved = []
        for name, value in changes.items():
            key = self._resolve(name)
            try:
                parsed = self._options[key].parse(value)
            except ValueError as e:
                raise ValueError(
                    f"bad value for config option {key!r}: {e}") from None
            resolved.append((key, parsed))
        saved = [(key, self._values[key]) for key, _ in resolved]
        try:
            for key, parsed in resolved:
                self._set(key, parsed)
            yield self
        finally:
            for key, old in reversed(saved):
                self._set(key, old)

    # ---------------------------------------------------------- listeners

    def on_change(self, callback: Callable[[str, Any], None]
                  ) -> Callable[[str, Any], None]:
        """Call ``callback(name, new_value)`` after each change; usable as a
        decorator. A callback's exception propagates to the caller of update
        (the new value is already in place)."""
        if not callable(callback):
            raise TypeError(f"listener must be callable, got {callback!r}")
        with self._lock:
            self._listeners.append(callback)
        return callback

    def remove_listener(self, callback: Callable[[str, Any], None]) -> None:
        """Stop calling ``callback``; ValueError if it was not registered."""
        with self._lock:
            self._listeners.remove(callback)

    def config_with_absl(self) -> None:
        """A no-op kept for JAX programs that call it: plax reads no absl flags."""

    def parse_flags_with_absl(self) -> None:
        """A no-op kept for JAX programs that call it: plax reads no absl flags."""

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Config({body})"


# Options that change no traced or compiled program: left out of trace_context(), so
# switching them keeps every cached function (jit reads disable_jit at each call).
_UNTRACED = frozenset({"compilation_cache", "compilation_cache_dir",
                       "compilation_cache_max_size", "disable_jit", "log_compiles",
                       "explain_cache_misses"})


def _identity(x: Any) -> Any:
    return x


config = Config()

enable_x64 = config.define_bool(
    "enable_x64", False, env_var="PLAX_ENABLE_X64",
    help="Use 64-bit ints and floats by default (float32/int32 otherwise).")
platforms = config.define_option(
    "platforms", None, parse_optional_str, env_var="PLAX_PLATFORMS",
    help="Comma-separated platforms plax may use, in order of preference "
         "(e.g. 'cpu' or 'cuda,cpu'); None lets plax choose.")
check_key_reuse = config.define_bool(
    "check_key_reuse", False, env_var="PLAX_CHECK_KEY_REUSE",
    help="Raise an error when a PRNG key is consumed twice.")
debug_nans = config.define_bool(
    "debug_nans", False, env_var="PLAX_DEBUG_NANS",
    help="Check outputs for NaNs after each operation and raise on the first.")


def _parse_device_count(value: Any) -> int:
    n = int(value)
    if n < -1 or n == 0:
        raise ValueError(f"num_cpu_devices must be a positive count (or -1: XLA's "
                         f"default), got {n}")
    return n


num_cpu_devices = config.define_option(
    "num_cpu_devices", -1, _parse_device_count, env_var="PLAX_NUM_CPU_DEVICES",
    help="How many CPU devices the XLA client offers (JAX's jax_num_cpu_devices); read "
         "once, when the client is made: set it before the first operation. -1: one, "
         "or what XLA_FLAGS=--xla_force_host_platform_device_count asks.")



def _parse_collectives(value: Any) -> str:
    value = str(value).lower()
    if value not in ("gloo", "none", "mpi"):
        raise ValueError(f"cpu_collectives_implementation must be 'gloo', 'mpi' or 'none', "
                         f"got {value!r}")
    return value


cpu_collectives_implementation = config.define_option(
    "cpu_collectives_implementation", "gloo", _parse_collectives,
    env_var="PLAX_CPU_COLLECTIVES_IMPLEMENTATION",
    help="How CPU devices of several processes exchange data (JAX's "
         "jax_cpu_collectives_implementation): 'gloo' (TCP, the default with more than one "
         "process); 'mpi' is not available in plax.")


def _parse_cache_size(value: Any) -> int:
    """A cache bound: a non-negative int (0 keeps nothing), from an int or a string."""
    if isinstance(value, bool):
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    try:
        size = int(value.strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a non-negative integer, got {value!r}") from None
    if size < 0 or (not isinstance(value, str) and size != value):
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return size


executable_cache_size = config.define_option(
    "executable_cache_size", 1024, _parse_cache_size,
    env_var="PLAX_EXECUTABLE_CACHE_SIZE",
    help="Most entries each in-memory cache of compiled programs keeps (every "
         "jit-compiled function's, the eager per-primitive one, the compile cache); "
         "the least recently used are dropped beyond it. plax.clear_caches() empties "
         "them all.")


def _parse_byte_size(value: Any) -> int:
    """A size in bytes, or -1 for no bound (from an int or a string)."""
    if isinstance(value, str) and value.strip() == "-1":
        return -1
    if not isinstance(value, str) and value == -1 and not isinstance(value, bool):
        return -1
    return _parse_cache_size(value)


# The persistent compilation cache (plax_xla.compile_cache): on by default.
compilation_cache = config.define_bool(
    "compilation_cache", True, env_var="PLAX_COMPILATION_CACHE",
    help="Keep compiled programs on disk and load them in later processes instead of "
         "compiling again (PLAX_COMPILATION_CACHE=0 turns it off).")
compilation_cache_dir = config.define_option(
    "compilation_cache_dir", None, parse_optional_str,
    env_var="PLAX_COMPILATION_CACHE_DIR",
    help="Directory of the persistent compilation cache; None means the user cache "
         "directory ($XDG_CACHE_HOME/plax/xla or ~/.cache/plax/xla).")
compilation_cache_max_size = config.define_option(
    "compilation_cache_max_size", 1 << 30, _parse_byte_size,
    env_var="PLAX_COMPILATION_CACHE_MAX_SIZE",
    help="Bytes the persistent compilation cache may hold (-1: no bound); the least "
         "recently used entries are deleted beyond it.")
# Debugging and introspection (JAX's names, with the jax_ prefix accepted).
debug_infs = config.define_bool(
    "debug_infs", False, env_var="PLAX_DEBUG_INFS",
    help="Like debug_nans, for infinities.")
disable_jit = config.define_bool(
    "disable_jit", False, env_var="PLAX_DISABLE_JIT",
    help="Run jit-decorated functions as plain Python, op by op (for debugging).")
log_compiles = config.define_bool(
    "log_compiles", False, env_var="PLAX_LOG_COMPILES",
    help="Log (logger 'plax', WARNING level) every compilation of a jit-compiled "
         "function, with its name and why it was compiled.")
explain_cache_misses = config.define_bool(
    "explain_cache_misses", False, env_var="PLAX_EXPLAIN_CACHE_MISSES",
    help="On a jit cache miss, log which argument's shape, dtype or static value "
         "differs from the closest earlier call.")
