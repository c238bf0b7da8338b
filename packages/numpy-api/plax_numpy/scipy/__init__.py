"""``plax.scipy``: the SciPy subset plax offers (``special`` for now)."""

from . import linalg, special

__all__ = ["linalg", "special"]
