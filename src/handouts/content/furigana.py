"""Furigana: the kana reading of every run of kanji in a Japanese text.

Readings come from the content first, then from a morphological analyser:
- words of <lang>/readings.yaml (medical words, names) and every point name with its reading
  in <lang>/points.yaml, matched wherever they stand in a text (longest first);
- counters after a number (4本 ほん, 1本 ぽん, 30分 ぷん), from readings.yaml `counters`, by the
  number's last digit: the analyser reads counters without their number;
- a printed date's month, day and weekday (4月 しがつ, 1日 ついたち, （月） げつ), from
  readings.yaml `dates`: a day or month is read as a date only after a month (N月N日), so the
  1日 of "1日か2日" stays いちにち;
- everything else from SudachiPy with its core dictionary (sudachidict-core), imported only when
  a document needs furigana: `handouts` starts without it. One dictionary per process, one
  tokenizer per thread (the served page renders in threads).

A reading sits over its base text only: okurigana (送り仮名) and kana between kanji get none
(使い捨て: つか over 使, す over 捨).
"""

from __future__ import annotations

import functools
import re
import threading

from handouts.records import Record, record

KANJI_CHARS = r"\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ"
KANA = re.compile(r"^[\u3041-\u3096\u30A1-\u30FAー]+$")
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")  # 所（ツボ）: the analyser reads 所 only
_NUMBER = re.compile(r"[0-9０-９]+")
_GLOSS = re.compile(r"[（(]([^（()）]+)[）)]")  # 鍼（はり）: the text gives the reading itself
ANALYSERS = ("sudachi",)


@functools.cache
def _kanji_patterns() -> tuple[re.Pattern, re.Pattern]:
    """KANJI (one kanji) and the runs of kanji and of other text: compiled on first use, as
    these ranges take ~3 ms to compile and a document without furigana never needs them."""
    return re.compile(f"[{KANJI_CHARS}]"), re.compile(f"[{KANJI_CHARS}]+|[^{KANJI_CHARS}]+")


def __getattr__(name: str):
    if name == "KANJI":
        return _kanji_patterns()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@record(frozen=True, eq=False, repr=False)
class Ruby(Record):
    """A reading over text[start:end] (a run of kanji, or a whole word where it cannot be
    split, e.g. 2日 ふつか)."""

    start: int
    end: int
    text: str


def has_kanji(text: str) -> bool:
    return _kanji_patterns()[0].search(text) is not None


def hiragana(text: str) -> str:
    """Katakana to hiragana (the analyser's readings are katakana); other characters stay."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def align(word: str, reading: str) -> list[Ruby] | None:
    """Readings of each kanji run of `word`, given the reading of the whole word: the kana
    (and digits) of the word must stand in the reading as they are. None if they do not.
    A word whose reading cannot be split (digits read with the counter: 2日 ふつか) gets one
    reading over the whole word."""
    kanji, runs = _kanji_patterns()
    reading = hiragana(reading)
    pieces = runs.findall(word)
    pattern, groups, at = "", [], 0
    for piece in pieces:
        if kanji.match(piece):
            pattern += "(.+?)"
            groups.append((at, at + len(piece)))
        else:
            pattern += re.escape(hiragana(piece))
        at += len(piece)
    match = re.fullmatch(pattern, reading)
    if match is not None:
        return [Ruby(start, end, text) for (start, end), text in zip(groups, match.groups())]
    if not KANA.match(reading) or not all(kanji.match(p) or _NUMBER.fullmatch(p) for p in pieces):
        return None
    return [Ruby(0, len(word), reading)]  # digits and kanji read as one: 2日 ふつか


class Annotator:
    """Readings for the texts of one language (content overrides, then the analyser)."""

    def __init__(
        self,
        words: dict[str, str],
        counters: dict[str, dict[str, str]],
        analyser: str = "sudachi",
        dates=None,
    ):
        self.words = {w: hiragana(r) for w, r in words.items() if has_kanji(w)}
        self.dates = dates  # model.DateReadings (months, days, weekdays) or None
        weekdays = "".join(re.escape(w) for w in dates.weekdays) if dates else ""
        self._date = re.compile(
            "([0-9]+)(月)([0-9]+)(日)" + (f"(?:[（(]([{weekdays}])[）)])?" if weekdays else "")
        )
        self.counters = {
            c: {k: hiragana(v) for k, v in table.items()} for c, table in counters.items()
        }
        self.analyser = analyser
        self._longest = max(map(len, self.words), default=0)
        counter = "|".join(re.escape(c) for c in sorted(self.counters, key=len, reverse=True))
        self._counter = re.compile(rf"([0-9０-９]+)({counter})") if counter else None
        self._cache: dict[str, tuple[Ruby, ...]] = {}
        self.unknown: dict[str, int] = {}  # kanji runs no source could read: text -> count

    def __call__(self, text: str) -> tuple[Ruby, ...]:
        """Every reading of `text`, in order; runs nothing can read get none (check names
        them: `unread`)."""
        text = str(text)
        if text not in self._cache:
            self._cache[text] = tuple(self._annotate(text)) if has_kanji(text) else ()
        return self._cache[text]

    def fresh(self, text: str) -> tuple[Ruby, ...]:
        """Every reading of `text`, never cached (a note typed for one patient)."""
        text = str(text)
        return tuple(self._annotate(text)) if has_kanji(text) else ()

    def unread(self, text: str) -> list[tuple[int, str]]:
        """(index, run) of each kanji run of `text` that gets no reading."""
        covered: set[int] = set()
        for ruby in self._readings(text):
            covered.update(range(ruby.start, ruby.end))
        return [
            (m.start(), m.group())
            for m in re.finditer(f"[{KANJI_CHARS}]+", text)
            if not covered.issuperset(range(m.start(), m.end()))
        ]

    def _annotate(self, text: str) -> list[Ruby]:
        """The readings to print: none over a word whose reading the text already gives in
        brackets right after it (鍼（はり）: はり once, not twice)."""
        return [r for r in self._readings(text) if not _glossed(text, r)]

    def _readings(self, text: str) -> list[Ruby]:
        found: list[Ruby] = []
        plain_from = 0  # start of the text the content does not read: the analyser's
        index = 0
        while index < len(text):
            taken = (
                self._date_at(text, index)
                or self._word_at(text, index)
                or self._counter_at(text, index)
            )
            if taken is None:
                index += 1
                continue
            end, rubies = taken
            found += self._analyse(text[plain_from:index], plain_from)
            found += rubies
            plain_from = index = end
        found += self._analyse(text[plain_from:], plain_from)
        return found

    def _word_at(self, text: str, index: int) -> tuple[int, list[Ruby]] | None:
        if index and text[index].isdigit() and text[index - 1].isdigit():
            return None  # 2日 is not in 12日
        for length in range(min(self._longest, len(text) - index), 0, -1):
            word = text[index : index + length]
            if word in self.words:
                rubies = align(word, self.words[word]) or [Ruby(0, length, self.words[word])]
                return index + length, [
                    Ruby(r.start + index, r.end + index, r.text) for r in rubies
                ]
        return None

    def _date_at(self, text: str, index: int) -> tuple[int, list[Ruby]] | None:
        """A date's month and day (4月1日 しがつ ついたち) and its bracketed weekday."""
        if self.dates is None or (index and text[index - 1].isdigit()):
            return None
        match = self._date.match(text, index)
        if match is None:
            return None
        found = []
        for group, table in ((1, self.dates.months), (3, self.dates.days)):
            number = str(int(match.group(group)))
            if number in table:  # over the number and its kanji
                found.append(Ruby(match.start(group), match.end(group + 1), table[number]))
            elif "*" in table:  # over the kanji only
                found.append(Ruby(match.start(group + 1), match.end(group + 1), table["*"]))
            else:
                return None
        weekday = match.group(5) if match.lastindex and match.lastindex >= 5 else None
        if weekday:
            found.append(Ruby(match.start(5), match.end(5), self.dates.weekdays[weekday]))
        return match.end(), [Ruby(r.start, r.end, hiragana(r.text)) for r in found]

    def _counter_at(self, text: str, index: int) -> tuple[int, list[Ruby]] | None:
        if self._counter is None or not text[index].isdigit():
            return None
        if index and text[index - 1].isdigit():
            return None  # only a whole number counts
        match = self._counter.match(text, index)
        if match is None:
            return None
        if self._word_at(text, match.start(2)) is not None:
            return None  # a word wins: 3分の1 is not minutes
        number, counter = match.groups()
        table = self.counters[counter]
        digits = str(int(number))
        reading = next(
            (table[key] for key in (digits, digits[-2:], digits[-1], "*") if key in table), None
        )
        if reading is None:
            return None
        return match.end(), [Ruby(match.start(2), match.end(2), reading)]

    def _analyse(self, text: str, offset: int) -> list[Ruby]:
        if not has_kanji(text):
            return []
        found = []
        at = 0
        for surface, reading in tokenize(text, self.analyser):
            start = text.index(surface, at)
            at = start + len(surface)
            if has_kanji(surface):
                found += [
                    Ruby(r.start + start + offset, r.end + start + offset, r.text)
                    for r in _read(surface, reading, self.analyser)
                ]
        return found


def _glossed(text: str, ruby: Ruby) -> bool:
    gloss = _GLOSS.match(text, ruby.end)
    return gloss is not None and hiragana(gloss.group(1)) == ruby.text


def _read(surface: str, reading: str, analyser: str) -> list[Ruby]:
    """The analyser's reading of one token, over its kanji runs. A bracketed aside the analyser
    read as part of the word (鍼（はり）, 所（ツボ）) is read on its own."""
    if has_kanji(hiragana(reading)):
        return []  # not in the dictionary: no reading known
    rubies = align(surface, reading)
    if rubies is not None:
        return rubies
    aside = _BRACKETED.search(surface)
    if aside is not None:
        head = surface[: aside.start()]
        rubies = align(head, reading) if head else None
        if rubies is not None:
            inner = surface[aside.start() + 1 : aside.end() - 1]
            return rubies + [
                Ruby(r.start + aside.start() + 1, r.end + aside.start() + 1, r.text)
                for r in _reread(inner, analyser)
            ]
    return [
        r
        for run in re.finditer(f"[{KANJI_CHARS}]+", surface)
        for r in (
            Ruby(x.start + run.start(), x.end + run.start(), x.text)
            for x in _reread(run.group(), analyser)
        )
    ]


def _reread(text: str, analyser: str) -> list[Ruby]:
    """Read a piece on its own (a kanji run the token's reading could not be split over)."""
    found, at = [], 0
    for surface, reading in tokenize(text, analyser):
        start = text.index(surface, at)
        at = start + len(surface)
        if has_kanji(surface) and not has_kanji(hiragana(reading)):
            rubies = align(surface, reading) or []
            found += [Ruby(r.start + start, r.end + start, r.text) for r in rubies]
    return found


# -- the analyser -------------------------------------------------------------------------------
_local = threading.local()


@functools.cache
def _dictionary(analyser: str):
    if analyser != "sudachi":
        raise ValueError(f"unknown analyser {analyser!r}")
    from sudachipy import Dictionary  # type: ignore[import-untyped]  # 70 ms and a 70 MB dictionary: only for furigana

    return Dictionary(dict="core")


def _tokenizer(analyser: str):
    """This thread's tokenizer."""
    tokenizers = getattr(_local, "tokenizers", None)
    if tokenizers is None:
        tokenizers = _local.tokenizers = {}
    if analyser not in tokenizers:
        from sudachipy import SplitMode

        tokenizers[analyser] = _dictionary(analyser).tokenizer(mode=SplitMode.C)
    return tokenizers[analyser]


def tokenize(text: str, analyser: str = "sudachi") -> list[tuple[str, str]]:
    """(surface, reading in katakana) of each word of `text`."""
    return [(m.surface(), m.reading_form()) for m in _tokenizer(analyser).tokenize(text)]


# -- phrases (bunsetsu), for line breaking --------------------------------------------------------
# A word starts a phrase unless it belongs to the one before: particles, auxiliaries, suffixes
# and punctuation (but an opening bracket) follow their word, the word after an opening bracket,
# a prefix or a wave dash follows it; a noun after a noun is the same
# compound (椎間板ヘルニア), する after a noun its verb (妊娠して); a helping verb follows て
# (受けてください is one phrase).
_FOLLOWING = frozenset({"助詞", "助動詞", "接尾辞"})


@functools.lru_cache(maxsize=4096)
def phrase_starts(text: str, analyser: str = "sudachi") -> frozenset[int]:
    """Indices of `text` where a phrase starts (where a line may break); 0 is not one."""
    return phrase_starts_fresh(text, analyser)


@functools.lru_cache(maxsize=4096)
def word_starts(text: str, analyser: str = "sudachi") -> frozenset[int]:
    """Where a word starts inside or between phrases, a line's second-best place to break:
    the phrase starts, and where a compound's noun (東京消防庁|救急相談センター) or a helping
    verb after て (妊娠して|いる) starts; never before a particle, an ending or a suffix."""
    return phrase_starts_fresh(text, analyser, words=True)


def phrase_starts_fresh(
    text: str, analyser: str = "sudachi", words: bool = False
) -> frozenset[int]:
    """phrase_starts, never cached (a note typed for one patient); `words`: word_starts."""
    starts, at = set(), 0
    before: tuple[str, str] | None = None  # the previous word's part of speech
    before_surface = ""
    for surface, pos, lemma in _parts(text, analyser):
        start = text.index(surface, at) if surface else at
        at = start + len(surface)
        if surface.isspace():
            before = None
            continue
        attached = before is not None and (
            pos[0] in _FOLLOWING
            or pos[1] == "助動詞語幹"  # よう(な)
            or (pos[0] == "補助記号" and pos[1] != "括弧開")
            or before[0] == "接頭辞"
            or (before[0] == "補助記号" and before[1] in ("括弧開", "一般"))  # （ 〜 ・
            or (
                not words
                and (
                    (pos[0] == "名詞" and before[0] == "名詞" and pos[1] != "数詞")
                    or (
                        pos[1] == "非自立可能"
                        and before[1] == "接続助詞"
                        and before_surface in ("て", "で")
                    )
                )
            )
            or (lemma == "する" and before[0] == "名詞")
        )
        if start and not attached:
            starts.add(start)
        before, before_surface = (pos[0], pos[1]), surface
    return frozenset(starts)


def _parts(text: str, analyser: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(surface, part of speech, dictionary form) of each word of `text`."""
    return [
        (m.surface(), tuple(m.part_of_speech()), m.dictionary_form())
        for m in _tokenizer(analyser).tokenize(text)
    ]


# -- one annotator per language's readings ---------------------------------------------------------
_annotators: dict[int, tuple[object, Annotator]] = {}


def annotator(language) -> Annotator:
    """The readings of a language (model.Language): its readings.yaml words and counters, and
    its point names read as its points.yaml gives them. Made once per process."""
    cached = _annotators.get(id(language))
    if cached is not None and cached[0] is language:
        return cached[1]
    words = dict(language.readings.words)
    words.update({str(p.name): str(p.reading) for p in language.points.values() if p.reading})
    setting = language.style.furigana
    made = Annotator(
        words,
        language.readings.counters,
        str(setting.analyser) if setting else "sudachi",
        language.readings.dates,
    )
    _annotators[id(language)] = (language, made)
    return made
