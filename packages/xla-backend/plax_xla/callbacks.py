"""Host callbacks in compiled programs: a custom call back into Python.

A callback primitive lowers to ``stablehlo.custom_call @xla_ffi_python_cpu_callback``
(``api_version = 4``; docs/design.md, "XLA through jaxlib"), marked
``has_side_effect`` for ``debug_callback`` and ``io_callback`` so that XLA neither
drops nor merges it.  The Python function itself cannot be written into the module
text: the rule registers it under a process-unique number, written as the custom
call's ``backend_config = {index = N}``.  ``compile_with_callbacks`` renumbers those
to positions in the ``host_callbacks`` list that ``compile_and_load`` takes, and
parses the text into an ``ir.Module`` (jaxlib refuses text together with host
callbacks).  Programs with callbacks are never written to the persistent cache
(their functions live in this process only), and ``Executable`` waits for their
runtime token after each call, so a callback has run when the call returns.
"""

from __future__ import annotations

import itertools
import re
import threading

from plax_core.prims.callback import check_results

from .mlir import aval_ty

TARGET = "xla_ffi_python_cpu_callback"
_INDEX = re.compile(r"index = (\d+) : ui64")
_ids = itertools.count(1)
_registered: dict[int, object] = {}        # number -> host function (see module doc)
_lock = threading.Lock()
_mlir_context = None


def has_callbacks(text: str) -> bool:
    return TARGET in text


def _host_function(callback, result_avals):
    def call(*args):
        return tuple(check_results(callback(*args), result_avals))
    return call


def lower_callback(ctx, *operands, callback, result_avals, side_effect: bool):
    """Emit the custom call for ``callback`` on ``operands``; its result names."""
    number = next(_ids)
    with _lock:
        _registered[number] = _host_function(callback, result_avals)
    results = [aval_ty(a) for a in result_avals]
    attrs = {"call_target_name": f'"{TARGET}"', "api_version": "4 : i32",
             "backend_config": f"{{index = {number} : ui64}}",
             "has_side_effect": "true" if side_effect else "false"}
    return ctx.op("stablehlo.custom_call", list(operands), results, attrs)


def _context():
    global _mlir_context
    if _mlir_context is None:
        from jaxlib.mlir import ir
        from jaxlib.mlir._mlir_libs import _jax_mlir_ext
        from jaxlib.mlir.dialects import stablehlo
        ctx = ir.Context()
        registry = ir.DialectRegistry()
        _jax_mlir_ext.register_dialects(registry)
        ctx.append_dialect_registry(registry)
        stablehlo.register_dialect(ctx)
        ctx.load_all_available_dialects()
        _mlir_context = ctx
    return _mlir_context


def compile_with_callbacks(client, text: str, device_list, options):
    """Compile ``text``, whose custom calls name registered host functions."""
    from jaxlib.mlir import ir
    functions = []

    def renumber(line: str) -> str:
        if TARGET not in line:
            return line
        number = int(_INDEX.search(line).group(1))
        functions.append(_registered[number])
        return _INDEX.sub(f"index = {len(functions) - 1} : ui64", line, count=1)

    text = "\n".join(renumber(ln) for ln in text.split("\n"))
    with _context():
        module = ir.Module.parse(text)
    return client.compile_and_load(module, device_list, options, host_callbacks=functions)
