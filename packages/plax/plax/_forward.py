"""The one helper of the re-export modules: forward every other name to the implementation.

Each ``plax.<module>`` star-imports its implementation module (so ``__all__`` names are
real attributes) and gets a module-level ``__getattr__`` (PEP 562), so names left out
of ``__all__`` resolve too, to the very same objects.
"""


def forward(module_name, module_globals, target):
    """``(__getattr__, __dir__)`` for module ``module_name`` forwarding to ``target``."""

    def __getattr__(name):
        if name == "__path__":
            # not a package: a forwarded __path__ would let the import system load the
            # target's submodules a second time under this module's name (two copies)
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        try:
            return getattr(target, name)
        except AttributeError:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None

    def __dir__():
        return sorted(set(module_globals) | set(dir(target)))

    return __getattr__, __dir__
