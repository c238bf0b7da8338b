"""Core's primitive set, one module per family; each module lists its primitives.

A new family is one module here plus its name in ``FAMILIES``: ``all_primitives`` (what
core's plugin registers) and ``plax.lax`` (which re-exports each module's ``__all__``
and its ``*_p`` primitives) both read this list.
"""

import importlib

from .. import ad_util
from ..core import Primitive

FAMILIES = ("elementwise", "elementwise_math", "structural", "reductions", "windowed",
            "control_flow", "indexing", "sorting", "cumulative", "linalg", "fft",
            "higher_order", "callback")


def family_modules() -> list:
    modules = [importlib.import_module(f"{__name__}.{name}") for name in FAMILIES]
    for name, module in zip(FAMILIES, modules):
        for value in vars(module).values():
            if isinstance(value, Primitive) and value.family is None:
                value.family = name
    return modules


def python_name(primitive: Primitive) -> str:
    """The name a primitive's object has in Python code (``dot_general_p``): one search for
    it finds the primitive's rules in every package."""
    return primitive.name.replace("-", "_") + "_p"


def all_primitives() -> list[Primitive]:
    """Every primitive core defines, found in the family modules."""
    found = {}
    for module in (*family_modules(), ad_util):
        for value in vars(module).values():
            if isinstance(value, Primitive):
                found[value.name] = value
    return sorted(found.values(), key=lambda p: p.name)
