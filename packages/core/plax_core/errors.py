"""JAX's exception classes (``jax.errors``), with JAX's names and bases.

Code written for JAX catches these by class (``except TypeError``, ``except
jax.errors.TracerBoolConversionError``), so plax raises the same classes with the same
method resolution order as JAX 0.10.2; only the messages are plax's own.  This module
imports nothing from plax so every package can raise these without an import cycle.

``JaxRuntimeError`` (an error reported by the XLA runtime) is jaxlib's own class; core has
no runtime, so ``plax.errors`` takes it from plax-xla.
"""

__all__ = [
    "ConcretizationTypeError", "InconclusiveDimensionOperation", "JAXIndexError",
    "JAXTypeError", "JaxprTypeError", "KeyReuseError", "NonConcreteBooleanIndexError",
    "TracerArrayConversionError", "TracerBoolConversionError",
    "TracerIntegerConversionError", "UnexpectedTracerError",
]


class _JAXErrorMixin:
    """Marks the errors JAX documents on its error page (JAX's ``_JAXErrorMixin``)."""


class JAXTypeError(_JAXErrorMixin, TypeError):
    """Base of JAX's TypeErrors about traced values."""


class JAXIndexError(_JAXErrorMixin, IndexError):
    """Base of JAX's IndexErrors."""


class ConcretizationTypeError(JAXTypeError):
    """A concrete Python value was needed from an abstract (traced) array."""


class TracerBoolConversionError(ConcretizationTypeError):
    """``bool()`` (an ``if``, ``while``, ``and``/``or``) of a traced array."""


class TracerIntegerConversionError(JAXTypeError):
    """``__index__`` of a traced array (``range(x)``, ``lst[x]``, a shape)."""


class TracerArrayConversionError(JAXTypeError):
    """``numpy.asarray`` (``__array__``) of a traced array."""


class UnexpectedTracerError(JAXTypeError):
    """A traced value was used outside the transformation that made it (a leaked tracer)."""


class KeyReuseError(JAXTypeError):
    """A PRNG key was consumed twice while key-reuse checking is on."""


class NonConcreteBooleanIndexError(JAXIndexError):
    """A boolean mask index whose value is not known while tracing (the result shape
    would depend on it)."""


class JaxprTypeError(TypeError):
    """A jaxpr failed its type check."""


class InconclusiveDimensionOperation(Exception):
    """A symbolic-shape comparison whose answer is not determined (kept for JAX's name)."""
