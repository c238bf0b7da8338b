"""JVP and transpose rules for core's ``fft`` primitive.

``fft`` is linear.  The transpose of FFT (IFFT) is FFT (IFFT) itself, the DFT matrix
being symmetric; of RFFT, the real part of the FFT of the cotangent zero-padded to
the full length; of IRFFT, the conjugate of the RFFT of the cotangent weighted by
1 at frequency 0 (and n/2 for even n) and 2 elsewhere, scaled by ``1/prod(n)``.
"""

from __future__ import annotations

import math

import numpy as np

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE
from plax_core.lax import fft_p
from plax_core.prims.fft import FftType
from plax_core.prims.linalg import real_dtype

from ..jvp import linear_jvp
from ..tangents import Zero
from ._helpers import cast, dtype_of, shape_of


def _fft_transpose(ct, x, *, fft_type, fft_lengths):
    if type(ct) is Zero:
        return [Zero(x.aval)]
    if fft_type in (FftType.FFT, FftType.IFFT):
        return [fft_p.bind(ct, fft_type=fft_type, fft_lengths=fft_lengths)]
    if fft_type == FftType.RFFT:
        n = fft_lengths[-1]
        nd = len(shape_of(ct))
        pads = [(0, 0, 0)] * nd
        pads[-1] = (0, n - shape_of(ct)[-1], 0)
        full = lax.pad(ct, lax.full((), 0, dtype_of(ct)), pads)
        out = fft_p.bind(full, fft_type=FftType.FFT, fft_lengths=fft_lengths)
        return [lax.real(out)]
    # IRFFT
    y = fft_p.bind(cast(ct, real_dtype(dtype_of(ct))), fft_type=FftType.RFFT,
                   fft_lengths=fft_lengths)
    k = shape_of(y)[-1]
    n = fft_lengths[-1]
    weights = np.full(k, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    weights = weights / math.prod(fft_lengths)
    scale = np.ascontiguousarray(np.broadcast_to(weights.astype(dtype_of(y)), shape_of(y)))
    return [lax.conj(lax.mul(y, scale))]


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for fft."""
    registry.rules(JVP)[fft_p] = linear_jvp(fft_p)
    registry.rules(TRANSPOSE)[fft_p] = _fft_transpose
