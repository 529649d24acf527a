"""records.Record: the __init__, frozen attributes, equality, hash and repr of our frozen
dataclasses are what @dataclass would generate for them, on the real content, a handout and a
personal sheet's documents."""

from __future__ import annotations

import dataclasses

import pytest

from handouts.compose.editions import compose_job
from handouts.compose.personal import personal_details
from handouts.content.loader import load_library
from handouts.deliver.build import Job, Options
from handouts.records import MutableRecord, Record
from helpers import CONTENT

LIBRARY, _ = load_library(CONTENT)


def records_in(value, found: dict[int, Record | MutableRecord]) -> None:
    """Every record reachable from `value` (through dataclass fields, sequences and dicts)."""
    if isinstance(value, (Record, MutableRecord)):
        if id(value) in found:
            return
        found[id(value)] = value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            records_in(getattr(value, field.name), found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            records_in(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            records_in(key, found)
            records_in(item, found)


def generated(cls: type) -> type:
    """The same dataclass with the methods @dataclass generates (a reference to compare with)."""
    return dataclasses.make_dataclass(
        cls.__qualname__,
        [
            (f.name, f.type, dataclasses.field(compare=f.compare, hash=f.hash, repr=f.repr))
            for f in dataclasses.fields(cls)
        ],
        frozen=cls.__dataclass_params__.frozen,
    )


def hash_of(value) -> int | str:
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc)


@pytest.fixture(scope="module")
def records() -> list[Record | MutableRecord]:
    found: dict[int, Record | MutableRecord] = {}
    records_in(LIBRARY, found)
    personal = personal_details(
        LIBRARY, "en", patient="Test Patient", date="2026-11-21", points="GB30,LR3"
    )
    for job, sheet in [
        (Job("ja", "sciatica", "handout"), None),
        (Job("ja", "sciatica", "aftercare", lead="en"), None),
        (Job("en", "sciatica", "aftercare"), personal),
    ]:
        records_in(job, found)
        records_in(compose_job(LIBRARY, job, Options(), sheet), found)
    return list(found.values())


GENERATED = ("__init__", "__setattr__", "__delattr__", "__eq__", "__repr__")


def test_records_are_declared_without_generated_methods(records):
    classes = {type(record) for record in records}
    assert len(classes) >= 30  # content, style and document classes are all here
    assert {"Library", "Language", "Document"} <= {cls.__name__ for cls in classes}
    for cls in classes:
        assert not any(name in vars(cls) for name in GENERATED), cls
        assert cls.__dataclass_params__.frozen == issubclass(cls, Record), cls
        assert dataclasses.is_dataclass(cls) and cls.__doc__, cls


def test_init_and_frozen_fields_behave_as_generated(records):
    for cls in {type(record) for record in records}:
        reference = generated_with_defaults(cls)
        fields = dataclasses.fields(cls)
        required = [f.name for f in fields if f.default is f.default_factory is dataclasses.MISSING]
        values = {f.name: object() for f in fields}
        for made in (cls(**values), cls(*values.values())):
            assert list(vars(made)) == [f.name for f in fields]  # set in order, as generated
            assert all(getattr(made, name) is value for name, value in values.items())
        given = {name: values[name] for name in required}
        made, twin = cls(**given), reference(**given)
        assert vars(made) == vars(twin), cls  # the same defaults
        for f in fields:
            if f.default_factory is not dataclasses.MISSING:  # a new value for each record
                assert getattr(made, f.name) is not getattr(cls(**given), f.name)
        first = fields[0].name
        wrong_calls = [
            ((*values.values(), object()), {}),  # too many
            ((), {**values, "unknown": 1}),
            (tuple(values.values()), {first: 1}),  # twice
            *([((), {})] if required else []),
        ]
        for args, kwargs in wrong_calls:
            with pytest.raises(TypeError) as ours:
                cls(*args, **kwargs)
            with pytest.raises(TypeError) as theirs:
                reference(*args, **kwargs)
            assert str(ours.value).split("(", 1)[1] == str(theirs.value).split("(", 1)[1]
        for record in (made, twin):
            if issubclass(cls, MutableRecord):  # as generated: fields change
                setattr(record, first, 1)
                delattr(record, first)
                assert not hasattr(record, first)
                continue
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(record, first, 1)
            with pytest.raises(dataclasses.FrozenInstanceError):
                record.new = 1
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(record, first)


def generated_with_defaults(cls: type) -> type:
    """`generated`, with the fields' defaults and factories too."""
    return dataclasses.make_dataclass(
        cls.__qualname__,
        [
            (
                f.name,
                f.type,
                dataclasses.field(default=f.default, default_factory=f.default_factory),
            )
            for f in dataclasses.fields(cls)
        ],
        frozen=cls.__dataclass_params__.frozen,
    )


def test_a_record_is_declared_as_a_frozen_dataclass_of_a_record():
    from handouts.records import record

    with pytest.raises(TypeError):
        record(frozen=True, eq=True, repr=False)
    with pytest.raises(TypeError):
        record(frozen=True, eq=False, repr=False)(type("NotARecord", (), {}))
    with pytest.raises(TypeError):  # a frozen record's base
        record(eq=False, repr=False)(type("Frozen", (Record,), {}))


def test_eq_hash_and_repr_are_the_generated_ones(records):
    references = {}
    for record in records:
        cls = type(record)
        reference = references.setdefault(cls, generated(cls))
        twin = object.__new__(reference)
        vars(twin).update(vars(record))
        assert repr(record) == repr(twin)
        assert hash_of(record) == hash_of(twin)  # or both unhashable (a list field)
        same = dataclasses.replace(record)
        assert record == same and hash_of(record) == hash_of(same)
        assert record.__eq__(twin) is NotImplemented  # another class, as generated
        assert record != object()
    by_class: dict[type, list[Record | MutableRecord]] = {}
    for record in records:
        by_class.setdefault(type(record), []).append(record)
    for cls, members in by_class.items():
        reference = references[cls]
        twins = []
        for member in members[:12]:
            twin = object.__new__(reference)
            vars(twin).update(vars(member))
            twins.append(twin)
        for a, ta in zip(members, twins):
            for b, tb in zip(members, twins):
                assert (a == b) == (ta == tb), cls
