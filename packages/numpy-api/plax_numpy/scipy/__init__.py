"""``plax.scipy``: the SciPy subset plax offers (``special`` for now)."""

from . import special

__all__ = ["special"]
