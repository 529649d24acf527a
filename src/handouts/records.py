"""The methods of our frozen dataclasses, written once instead of generated per class.

On Python 3.11 @dataclass compiles each method it generates from source, one compile per method
and class (and, for a class without a docstring, makes one from inspect.signature): the ~60
frozen dataclasses a cold build imports made ~360 compiles, about a tenth of its time. A class
declared

    @record(frozen=True, eq=False, repr=False)
    class Name(Record): ...

is a dataclass to type checkers (`record` is dataclasses.dataclass to them, so mypy checks its
constructor calls and assignments as for any frozen dataclass) and at run time: `dataclasses`
knows its fields (fields, replace, asdict, is_dataclass work) and its parameters say frozen.
But nothing is generated for it: __init__, __setattr__, __delattr__, __eq__, __hash__ and
__repr__ come from Record, behaving as the generated ones do (the same fields in the same order,
the same errors, the same NotImplemented for another class, the same text). Likewise a dataclass
whose fields may change,

    @record(eq=False, repr=False)
    class Name(MutableRecord): ...

gets __init__, __eq__ and __repr__ from MutableRecord, and no hash, as @dataclass would make
them. (A class made in the thousands, such as linebreak.Piece, keeps @dataclass: its generated
__init__ is faster than Record's.)
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:

    def record(*, frozen: bool = False, eq: bool, repr: bool) -> Callable[[type], type]:
        """@dataclass(frozen=True, eq=False, repr=False) for a subclass of Record, or
        @dataclass(eq=False, repr=False) for a subclass of MutableRecord (see the module)."""
        if eq or repr:
            raise TypeError("a record is declared eq=False, repr=False: its base gives them")
        return _frozen_record if frozen else _mutable_record


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class _Frozen:
    """Its dataclass parameters are every Record's (the methods they name are Record's)."""


@dataclasses.dataclass(eq=False, repr=False)
class _Mutable:
    """Its dataclass parameters are every MutableRecord's."""


def _frozen_record(cls: type) -> type:
    if not issubclass(cls, Record):
        raise TypeError(f"{cls.__qualname__}: a frozen record is a subclass of records.Record")
    return _record(cls, _Frozen)


def _mutable_record(cls: type) -> type:
    if not issubclass(cls, MutableRecord):
        raise TypeError(f"{cls.__qualname__}: a record is a subclass of records.MutableRecord")
    return _record(cls, _Mutable)


def _record(cls: type, template: type) -> type:
    if cls.__doc__ is None:  # else @dataclass makes one with inspect.signature (~50 µs a class)
        cls.__doc__ = cls.__name__
    cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)  # fields only
    fields = _fields(cls)
    if hasattr(cls, "__post_init__") or any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__qualname__}: Record.__init__ takes every field, in order")
    defaulted = [_init_of(cls)[1].get(f.name) is not None for f in fields]
    if defaulted != sorted(defaulted):  # what @dataclass's __init__ would refuse
        raise TypeError(f"{cls.__qualname__}: a field without a default follows one with")
    cls.__dataclass_params__ = template.__dataclass_params__  # type: ignore[attr-defined]
    return cls


def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(cls)


class _Fields:
    """A record's __init__, equality and repr (see the module)."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names, defaults = _init_of(self.__class__)
        if len(args) > len(names):
            least = len(names) - len(defaults) + 1  # self too, as Python counts
            most = len(names) + 1
            took = f"from {least} to {most}" if least < most else f"{most}"
            plural = "s" if most > 1 else ""
            raise TypeError(
                f"__init__() takes {took} positional argument{plural}"
                f" but {len(args) + 1} were given"
            )
        assign = object.__setattr__  # what a frozen dataclass's __init__ uses (and, as no
        # MutableRecord defines __setattr__, what `self.name = value` does for one)
        for name, value in zip(names, args):
            if name in kwargs:
                raise TypeError(f"__init__() got multiple values for argument {name!r}")
            assign(self, name, value)
        missing, taken = [], 0
        for name in names[len(args) :]:
            if name in kwargs:
                assign(self, name, kwargs[name])
                taken += 1
            elif name in defaults:
                default, factory = defaults[name]
                assign(self, name, default() if factory else default)
            else:
                missing.append(name)
        if taken < len(kwargs):
            unexpected = next(name for name in kwargs if name not in names)
            raise TypeError(f"__init__() got an unexpected keyword argument {unexpected!r}")
        if missing:
            quoted = [repr(name) for name in missing]
            listed = " and ".join(quoted) if len(quoted) < 3 else ", ".join(quoted[:-1])
            if len(quoted) > 2:
                listed += f", and {quoted[-1]}"
            plural = "s" if len(missing) > 1 else ""
            raise TypeError(
                f"__init__() missing {len(missing)} required positional argument{plural}: {listed}"
            )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            compared = _methods(self.__class__)[0]
            return compared(self) == compared(other)
        return NotImplemented

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = _methods(self.__class__)[2]
        return (
            self.__class__.__qualname__
            + "("
            + ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            + ")"
        )


class Record(_Fields):
    """Base of a frozen dataclass: its __init__, frozen attributes, equality, hash and repr
    (see the module)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(_methods(self.__class__)[1](self))


class MutableRecord(_Fields):
    """Base of a dataclass whose fields may change: its __init__, equality and repr (and, as
    for such a dataclass, no hash)."""

    __slots__ = ()


_METHODS: dict[type, tuple[Callable, Callable, tuple[str, ...]]] = {}
_INITS: dict[type, tuple[tuple[str, ...], dict[str, tuple[Any, bool]]]] = {}


def _init_of(cls: type) -> tuple[tuple[str, ...], dict[str, tuple[Any, bool]]]:
    """The fields __init__ takes, in order, and each default as (value or factory, factory?)."""
    found = _INITS.get(cls)
    if found is None:
        fields = _fields(cls)
        defaults = {}
        for f in fields:
            if f.default is not dataclasses.MISSING:
                defaults[f.name] = (f.default, False)
            elif f.default_factory is not dataclasses.MISSING:
                defaults[f.name] = (f.default_factory, True)
        found = _INITS[cls] = (tuple(f.name for f in fields), defaults)
    return found


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
