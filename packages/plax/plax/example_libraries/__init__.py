"""``plax.example_libraries``: JAX's modern home of ``stax`` and ``optimizers``.

``plax.example_libraries.stax`` and ``plax.example_libraries.optimizers`` are the same
re-exports of plax-stax and plax-optimizers as ``plax.stax`` and ``plax.optimizers``.
"""
