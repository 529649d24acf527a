"""Equality, hash and repr of our frozen dataclasses, written once instead of generated per class.

On Python 3.11 @dataclass compiles each method it generates from source, one compile per method
and class: the ~60 frozen dataclasses a cold build imports made ~360 compiles, about a tenth of
its time. A class declared

    @dataclass(frozen=True, eq=False, repr=False)
    class Name(Record): ...

gets __eq__, __hash__ and __repr__ from here instead, behaving exactly as the generated ones do
(the same fields in the same order, the same NotImplemented for another class, the same text);
the dataclass still generates __init__ and the frozen __setattr__/__delattr__.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter


class Record:
    """Base of a frozen dataclass: its fields' equality, hash and repr (see the module)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            compared = _methods(self.__class__)[0]
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_methods(self.__class__)[1](self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = _methods(self.__class__)[2]
        return (
            self.__class__.__qualname__
            + "("
            + ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            + ")"
        )


_METHODS: dict[type, tuple[Callable, Callable, tuple[str, ...]]] = {}


def _methods(cls: type) -> tuple[Callable, Callable, tuple[str, ...]]:
    """The tuple compared, the tuple hashed and the names shown, as dataclasses chooses them."""
    found = _METHODS.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        compared = [f.name for f in fields if f.compare]
        hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
        shown = tuple(f.name for f in fields if f.repr)
        found = _METHODS[cls] = (_values(compared), _values(hashed), shown)
    return found


def _values(names: list[str]) -> Callable[[object], tuple]:
    """The fields' values as a tuple (attrgetter, at C speed, gives a bare value for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda record: ()
