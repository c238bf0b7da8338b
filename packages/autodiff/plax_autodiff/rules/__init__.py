"""plax-autodiff's rules, one module per primitive family of core.

``rules/<family>.py`` holds the ``"jvp"``, ``"transpose"`` and ``"partial_eval"`` rules of
the primitives whose ``family`` is ``<family>`` (``dot_general_p`` is a reduction, so its
rules are in ``reductions.py``), keyed by the primitive objects imported from
``plax_core.lax``.  Each module defines ``register(registry)``, which fills the tables;
``NONLINEAR`` (primitives that need no transpose rule: they are linear in no operand)
and, where needed, ``UNSUPPORTED`` (``(table, primitive) -> why there is no rule``).
``plugin.py`` calls every family's ``register`` in one loop.  Helpers shared by several
families are in ``_helpers.py``.
"""
