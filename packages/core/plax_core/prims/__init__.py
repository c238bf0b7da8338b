"""Core's primitive set, one module per family; each module lists its primitives."""

from ..core import Primitive


def all_primitives() -> list[Primitive]:
    """Every primitive core defines, found in the family modules."""
    from .. import ad_util
    from . import control_flow, elementwise, elementwise_math, reductions, structural, windowed
    found = {}
    for module in (elementwise, elementwise_math, structural, reductions, windowed,
                   control_flow, ad_util):
        for value in vars(module).values():
            if isinstance(value, Primitive):
                found[value.name] = value
    return sorted(found.values(), key=lambda p: p.name)
