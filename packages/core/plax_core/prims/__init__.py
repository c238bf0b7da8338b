"""Core's primitive set, one module per family; each module lists its primitives."""

from ..core import Primitive


def all_primitives() -> list[Primitive]:
    """Every primitive core defines, found in the family modules."""
    from .. import ad_util
    from . import elementwise, elementwise_math, reductions, structural
    found = {}
    for module in (elementwise, elementwise_math, structural, reductions, ad_util):
        for value in vars(module).values():
            if isinstance(value, Primitive):
                found[value.name] = value
    return sorted(found.values(), key=lambda p: p.name)
