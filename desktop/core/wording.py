"""How reports put numbers into words."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """``3 articles``, ``1 article``, ``1,200 annotations``: the noun in the plural
    unless the number is one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
