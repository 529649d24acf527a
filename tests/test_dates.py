"""handouts.compose.dates formats CLDR patterns exactly as Babel does (Babel is the reference), from
names kept in the cache, and leaves every other field to Babel."""

from __future__ import annotations

import datetime
import itertools

import pytest
from babel.dates import format_datetime

from handouts.compose import dates
from helpers import CONTENT

# Each language's CLDR locale (a private-use edition, ja-x-easy, writes dates as ja does).
LOCALES = sorted(
    {
        p.name.split("-x-")[0].replace("-", "_")
        for p in CONTENT.iterdir()
        if (p / "ui.yaml").is_file()
    }
) + ["de", "fi", "zh_Hant"]
MOMENTS = [
    datetime.datetime(2026, 11, 28, 14, 30),
    datetime.datetime(2027, 1, 3, 0, 5),
    datetime.datetime(2026, 12, 31, 12, 0),
    datetime.datetime(2029, 7, 9, 9, 59),
]
MOMENTS += [
    datetime.datetime(2026, 3, day, hour, 7)
    for day, hour in zip(range(1, 8), (0, 3, 11, 12, 13, 23, 6))
]
FIELDS = [letter * count for letter, counts in dates.FIELDS.items() for count in counts]
PATTERNS = [
    "MMMM d, y",
    "y年M月d日",
    "EEEE, MMMM\u00a0d, y, h:mm\u00a0a",
    "y年M月d日（EEE） H:mm",
    "d 'de' MMMM 'de' y",
    "h 'o''clock' a",
    "''y''",
    "yy-MM-dd HH:mm",
    "QQQ y",
    "MMMMM EEEEEE",
    "LLLL y",
    "'at' h.mm aaaaa",
    "dd.MM.yyyy G",
    "zzzz H:mm",
]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_field_and_width_as_babel_formats_it(locale):
    for moment, field in itertools.product(MOMENTS, FIELDS):
        assert dates.format_when(moment, field, locale) == format_datetime(
            moment, field, locale=locale
        ), (moment, field)


@pytest.mark.parametrize("field", ["dddd", "hhh", "HHH", "mmm", "MMMMMM", "EEEEEEE", "aaaaaa"])
def test_lengths_babel_refuses_are_refused_alike(field):
    with pytest.raises(ValueError) as babel_error:
        format_datetime(MOMENTS[0], field, locale="en")
    with pytest.raises(ValueError) as our_error:
        dates.format_when(MOMENTS[0], field, "en")
    assert str(our_error.value) == str(babel_error.value)


@pytest.mark.parametrize("locale", LOCALES)
def test_patterns_with_literals_quotes_and_other_fields(locale):
    for moment, pattern in itertools.product(MOMENTS, PATTERNS):
        assert dates.format_when(moment, pattern, locale) == format_datetime(
            moment, pattern, locale=locale
        ), (moment, pattern)


def test_names_come_from_the_cache_and_a_damaged_entry_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path))
    moment, pattern = MOMENTS[0], "EEEE, MMMM d, y, h:mm a"
    expected = format_datetime(moment, pattern, locale="en")
    dates._names.cache_clear()
    assert dates.format_when(moment, pattern, "en") == expected
    (entry,) = (tmp_path / dates.KIND).iterdir()
    good = entry.read_bytes()
    entry.write_bytes(good.replace(b"Saturday", b"Caturday"))  # checksum no longer fits
    dates._names.cache_clear()
    assert dates.format_when(moment, pattern, "en") == expected
    assert entry.read_bytes() == good
    monkeypatch.setattr(dates, "_from_babel", lambda locale: pytest.fail("Babel was asked"))
    dates._names.cache_clear()
    assert dates.format_when(moment, pattern, "en") == expected
    dates._names.cache_clear()
