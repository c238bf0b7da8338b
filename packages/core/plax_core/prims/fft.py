"""The ``fft`` primitive: XLA's Fft over the trailing ``len(fft_lengths)`` dimensions.

``fft_type`` is one of ``FftType.FFT`` (complex -> complex), ``IFFT`` (its inverse,
scaled by ``1/prod(fft_lengths)``), ``RFFT`` (real -> the non-negative half of the
spectrum, ``n // 2 + 1`` entries along the last dimension) and ``IRFFT`` (that half
back to ``fft_lengths[-1]`` real values).  Complex results have the precision of the
operand (float32 -> complex64).  The NumPy implementation is ``numpy.fft``'s n-d
transforms, cast back to that precision.
"""

from __future__ import annotations

import enum
import operator

import numpy as np

from .. import dtypes
from ..core import Primitive, ShapedArray
from .linalg import complex_dtype, real_dtype
from .structural import check_array

__all__ = ["FftType", "fft"]


class FftType(enum.IntEnum):
    """The kind of transform (XLA's numbering)."""

    FFT = 0
    IFFT = 1
    RFFT = 2
    IRFFT = 3

    def __repr__(self):
        return f"FftType.{self.name}"


def _canonical_fft_type(fft_type) -> FftType:
    if isinstance(fft_type, str):
        try:
            return FftType[fft_type.upper()]
        except KeyError:
            pass
    else:
        try:
            return FftType(fft_type)
        except ValueError:
            pass
    raise ValueError(f"fft: fft_type must be one of FFT, IFFT, RFFT, IRFFT (an FftType or "
                     f"its name), got {fft_type!r}")


def _fft_abstract_eval(x, *, fft_type, fft_lengths):
    k = len(fft_lengths)
    if not 1 <= k <= 3:
        raise ValueError(f"fft: fft_lengths must name 1 to 3 dimensions (XLA's limit), got "
                         f"{fft_lengths}")
    if x.ndim < k:
        raise ValueError(f"fft: operand of shape {x.shape} has fewer dimensions than "
                         f"fft_lengths {fft_lengths}")
    trailing = x.shape[x.ndim - k:]
    if fft_type == FftType.RFFT:
        if x.dtype not in (np.float32, np.float64):
            raise TypeError(f"fft: RFFT requires a float32 or float64 operand, got "
                            f"{x.dtype.name}")
        if trailing != tuple(fft_lengths):
            raise ValueError(f"fft: RFFT requires the operand's trailing dimensions "
                             f"{trailing} to equal fft_lengths {fft_lengths}")
        shape = x.shape[:-1] + (fft_lengths[-1] // 2 + 1,)
        return ShapedArray(shape, complex_dtype(x.dtype))
    if not dtypes.is_complex(x.dtype):
        raise TypeError(f"fft: {fft_type.name} requires a complex64 or complex128 operand, "
                        f"got {x.dtype.name}")
    if fft_type == FftType.IRFFT:
        want = tuple(fft_lengths[:-1]) + (fft_lengths[-1] // 2 + 1,)
        if trailing != want:
            raise ValueError(f"fft: IRFFT with fft_lengths {fft_lengths} requires the "
                             f"operand's trailing dimensions to be {want}, got {trailing}")
        return ShapedArray(x.shape[:-1] + (fft_lengths[-1],), real_dtype(x.dtype))
    if trailing != tuple(fft_lengths):
        raise ValueError(f"fft: {fft_type.name} requires the operand's trailing dimensions "
                         f"{trailing} to equal fft_lengths {fft_lengths}")
    return ShapedArray(x.shape, x.dtype)


def _fft_impl(x, *, fft_type, fft_lengths):
    out = _fft_abstract_eval(ShapedArray(x.shape, x.dtype), fft_type=fft_type,
                             fft_lengths=fft_lengths)
    if 0 in out.shape or 0 in x.shape:
        return np.zeros(out.shape, out.dtype)
    axes = tuple(range(x.ndim - len(fft_lengths), x.ndim))
    fn = {FftType.FFT: np.fft.fftn, FftType.IFFT: np.fft.ifftn,
          FftType.RFFT: np.fft.rfftn, FftType.IRFFT: np.fft.irfftn}[fft_type]
    return np.asarray(fn(x, s=fft_lengths, axes=axes)).astype(out.dtype)


fft_p = Primitive("fft")
fft_p.def_abstract_eval(_fft_abstract_eval)
fft_p.def_impl(_fft_impl)


def fft(x, fft_type, fft_lengths):
    """XLA's Fft: the ``fft_type`` transform over the trailing ``len(fft_lengths)``
    dimensions of ``x`` (see the module docstring)."""
    check_array("fft", x)
    try:
        lengths = tuple(operator.index(n) for n in fft_lengths)
    except TypeError:
        raise TypeError(f"fft: fft_lengths must be a sequence of integers, got "
                        f"{fft_lengths!r}") from None
    return fft_p.bind(x, fft_type=_canonical_fft_type(fft_type), fft_lengths=lengths)
