"""plax-xla's lowering rules, one module per primitive family.

``lowering/<family>.py`` holds the rules of the primitives whose ``family`` is
``<family>`` (``dot_general_p`` is a reduction: ``lowering/reductions.py``), keyed by
the primitive objects of ``plax_core.lax``; its ``register(registry)`` puts them in
the registry's ``"lowering"`` table.  ``_helpers`` holds the emitters and region
bodies several families share.  A rule is ``rule(ctx, *operands, **params)`` on the
``FunctionBuilder`` of ``plax_xla.mlir``.
"""
