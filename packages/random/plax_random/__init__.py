"""plax-random: pseudo-random numbers for plax (JAX's threefry PRNG and distributions).

This package is a stub, filled by issue #7. It already plugs into plax-core through
the ``plax`` entry-point group (its ``plax_register_rules`` hook does nothing yet), so
the plugin wiring works and is tested, but every public function raises
``NotImplementedError``. The signatures are JAX's (``jax.random``).
"""

__all__ = [
    "PRNGKey",
    "key",
    "split",
    "fold_in",
    "uniform",
    "normal",
    "bits",
    "randint",
    "bernoulli",
    "permutation",
    "choice",
]


def _not_implemented(name):
    return NotImplementedError(
        f"plax.random.{name} is not implemented yet: plax-random is a stub (issue #7)"
    )


def PRNGKey(seed, *, impl=None):
    """A legacy uint32 key array of shape ``(2,)`` made from an integer ``seed``."""
    raise _not_implemented("PRNGKey")


def key(seed, *, impl=None):
    """A typed PRNG key made from an integer ``seed``."""
    raise _not_implemented("key")


def split(key, num=2):
    """``num`` new keys derived from ``key``."""
    raise _not_implemented("split")


def fold_in(key, data):
    """A new key derived from ``key`` and the integer ``data``."""
    raise _not_implemented("fold_in")


def uniform(key, shape=(), dtype=float, minval=0.0, maxval=1.0):
    """Uniform samples in ``[minval, maxval)``."""
    raise _not_implemented("uniform")


def normal(key, shape=(), dtype=float):
    """Standard normal samples."""
    raise _not_implemented("normal")


def bits(key, shape=(), dtype=None):
    """Uniformly distributed unsigned integers filling ``dtype``'s bits."""
    raise _not_implemented("bits")


def randint(key, shape, minval, maxval, dtype=int):
    """Uniform integers in ``[minval, maxval)``."""
    raise _not_implemented("randint")


def bernoulli(key, p=0.5, shape=None):
    """Booleans that are True with probability ``p``."""
    raise _not_implemented("bernoulli")


def permutation(key, x, axis=0, independent=False):
    """A random permutation of ``x`` along ``axis`` (or of ``arange(x)`` for an int)."""
    raise _not_implemented("permutation")


def choice(key, a, shape=(), replace=True, p=None, axis=0):
    """Random samples from ``a`` (or ``arange(a)``), with or without replacement."""
    raise _not_implemented("choice")
