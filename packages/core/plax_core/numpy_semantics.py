"""NumPy's semantics over lax, as public functions: what ``plax.numpy`` builds on.

lax is strict (same dtypes, same shapes, no lists); NumPy is lenient.  A library that
offers NumPy-style functions over plax (``plax_numpy`` is one; a third-party package may
be another) needs the same rules that the array operators use, and gets them here:

Operands
    ``operand(x, fname, argnum)`` turns any array-like into something lax accepts (lists
    become arrays, NumPy values are canonicalised, strings and None raise a TypeError
    naming the function); ``as_array``, ``array``; ``is_arraylike``, ``check_arraylike``;
    ``shape``, ``ndim``.
Dtypes and kinds
    ``dtype_of(x)``, ``dtype_kind(x)`` (NumPy's kind letter, bfloat16 counted as 'f'),
    ``result_type_of`` (JAX's lattice, with the weak-type flag), ``convert(x, dtype,
    weak)``, ``to_inexact_dtype`` / ``to_numeric_dtype`` (JAX's rules for "make it float"
    / "make it a number"), ``upcast_f16`` (half precision computes in float32),
    ``promote_integer_dtype`` (the accumulation dtype of sum/prod), ``scalar_like``
    (a Python scalar of ``x``'s kind, so weak types survive), ``to_bool`` (``x != 0``).
Promotion and broadcasting
    ``promote_dtypes[_inexact|_numeric]``, ``broadcast_shapes``, ``broadcast_to``,
    ``promote_shapes``, and ``promote_args[_inexact|_numeric](fname, *args)``: both steps,
    as every NumPy binary function does them.
Axes and arguments
    ``canonicalize_axis``, ``reduction_axes`` (NumPy's axis arguments, with its errors);
    ``check_out`` (``out=`` is refused: plax arrays are immutable).
Indexing
    ``canonical_index`` (an index checked as JAX checks it), ``gather_index(x, idx, ...)``
    (``x[idx]`` as one gather, with ``mode`` and ``fill_value``) and ``scatter_index(x, idx,
    y, op, ...)`` (``x.at[idx].<op>(y)`` as one scatter).

Every function accepts plax arrays, tracers, NumPy values and Python scalars, and works
under every transformation.  ``plax_core.ops`` (NumPy's operations: ``add``, ``sum``,
``reshape``, ...) re-exports all of these.
"""

from ._ops_index import canonical_index, gather_index, scatter_index
from ._ops_reduce import check_out, promote_integer_dtype
from ._ops_rules import (
    array,
    as_array,
    broadcast_shapes,
    broadcast_to,
    check_arraylike,
    convert,
    dtype_kind,
    dtype_of,
    is_arraylike,
    ndim,
    operand,
    promote_args,
    promote_args_inexact,
    promote_args_numeric,
    promote_dtypes,
    promote_dtypes_inexact,
    promote_dtypes_numeric,
    promote_shapes,
    result_type_of,
    scalar_like,
    shape,
    to_bool,
    to_inexact_dtype,
    to_numeric_dtype,
    upcast_f16,
)
from ._ops_shape import canonicalize_axis, reduction_axes

__all__ = [
    "array", "as_array", "broadcast_shapes", "broadcast_to", "canonical_index",
    "canonicalize_axis", "check_arraylike", "check_out", "convert", "dtype_kind", "dtype_of",
    "gather_index", "is_arraylike", "ndim", "operand", "promote_args", "promote_args_inexact",
    "promote_args_numeric", "promote_dtypes", "promote_dtypes_inexact",
    "promote_dtypes_numeric", "promote_integer_dtype", "promote_shapes", "reduction_axes",
    "result_type_of", "scalar_like", "scatter_index", "shape", "to_bool", "to_inexact_dtype",
    "to_numeric_dtype", "upcast_f16",
]
