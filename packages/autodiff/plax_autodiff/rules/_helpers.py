"""Small helpers shared by the rule modules of several families (this package only)."""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import MissingRuleError, get_aval

from ..tangents import is_undefined


def aval_of(x):
    """The abstract value of a rule's argument: an ``UndefinedPrimal`` (a linear input of
    a transpose rule) carries its own, any other value is asked for it."""
    return x.aval if is_undefined(x) else get_aval(x)


def shape_of(x) -> tuple:
    return get_aval(x).shape


def dtype_of(x):
    return get_aval(x).dtype


def cast(x, dtype):
    """``x`` converted to ``dtype`` (no equation when it already has it)."""
    return x if dtype_of(x) == dtype else lax.convert_element_type(x, dtype)


def refusal(table: str, prim, reason: str):
    """A rule that raises ``MissingRuleError`` saying why ``prim`` has no ``table`` rule
    (the reason is listed in its family module's ``UNSUPPORTED``)."""
    def rule(*args, **params):
        raise MissingRuleError(table, prim, reason)
    return rule
