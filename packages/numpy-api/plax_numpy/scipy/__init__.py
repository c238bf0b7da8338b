"""``plax.scipy``: the SciPy subset plax offers (``linalg``, ``special``, ``stats``)."""

from . import linalg, special, stats

__all__ = ["linalg", "special", "stats"]
