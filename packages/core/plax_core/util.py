"""Small helpers shared by core and the transformation packages."""

from __future__ import annotations

from collections.abc import Sequence


def split_list(seq: Sequence, *sizes: int) -> list[list]:
    """``seq`` cut into consecutive pieces of ``sizes``, plus the rest as a last piece."""
    out, i = [], 0
    for n in sizes:
        out.append(list(seq[i:i + n]))
        i += n
    out.append(list(seq[i:]))
    return out


def is_hashable(x) -> bool:
    """Whether ``x`` can be part of a cache key."""
    try:
        hash(x)
    except TypeError:
        return False
    return True
