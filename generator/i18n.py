"""Speaking the reader's language: interface strings, dates, money, sorting and script detection.

- Interface strings come from gettext catalogs (`<theme>/locales/<lang>/LC_MESSAGES/messages.po`),
  compiled in memory with Babel, so the repository holds no binary `.mo` files.
- Dates and money are formatted by Babel with CLDR data; amounts are `Decimal`, never floats.
- Chinese is sorted with ICU collation (stroke order for zh-Hant as in Taiwan, pinyin for zh-Hans),
  not by code point.
- The script of a text (Traditional, Simplified, other) is told by OpenCC, to set `lang` on the
  elements that hold it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

import icu
import opencc
from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

# Site language -> the CLDR locale that formats it (Taiwan for Traditional, mainland for Simplified).
CLDR = {"zh-Hant": "zh_Hant_TW", "zh-Hans": "zh_Hans_CN", "en": "en"}
COLLATION = {"zh-Hant": "zh_Hant_TW", "zh-Hans": "zh@collation=pinyin", "en": "en"}


def load_translations(locale_dirs: Iterable[Path], language: str) -> NullTranslations:
    """Merge the catalogs for `language` found in `locale_dirs` (first wins: a site's own theme
    overrides the default theme's strings one by one)."""
    merged: NullTranslations | None = None
    for folder in locale_dirs:
        po = folder / language.replace("-", "_") / "LC_MESSAGES" / "messages.po"  # gettext names: zh_Hant
        if not po.is_file():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=CLDR[language])
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = Translations(buffer)
        if merged is None:
            merged = translations
        else:
            merged.add_fallback(translations)
    return merged or NullTranslations()


class Formats:
    """Per-language formatting of dates, money, numbers and sort keys."""

    def __init__(self, language: str, currency: str) -> None:
        self.language = language
        self.locale = Locale.parse(CLDR[language])
        self.currency = currency
        self._collator = icu.Collator.createInstance(icu.Locale(COLLATION[language]))
        self._dates: dict[tuple[dt.date, str], str] = {}

    def date(self, day: dt.date | None, length: str = "long") -> str:
        if not day:
            return ""
        # A large archive formats the same few thousand days tens of thousands of times.
        key = (day, length)
        text = self._dates.get(key)
        if text is None:
            text = self._dates[key] = format_date(day, format=length, locale=self.locale)
        return text

    def money(self, amount: Decimal | None) -> str:
        if amount is None:
            return ""
        return format_currency(amount, self.currency, locale=self.locale)

    def number(self, value: Decimal | int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def sort_key(self, text: str) -> bytes:
        return self._collator.getSortKey(text)


# ---------------------------------------------------------------------------- scripts

_HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
_LATIN = re.compile(r"[A-Za-z]")


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s.json").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t.json").convert(text)


_HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _changed_alone(convert: Callable[[str], str]) -> dict[str, str]:
    """Each Han character that OpenCC's `convert` changes, converted alone (the characters are
    converted one a line, so no two make a phrase)."""
    changed: dict[str, str] = {}
    for start, end in _HAN_BLOCKS:
        chars = [chr(code) for code in range(start, end)]
        converted = convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # OpenCC changed the lines: one call a character
            converted = [convert(ch) for ch in chars]
        changed.update((a, b) for a, b in zip(chars, converted) if a != b)
    return changed


@functools.cache
def simplified_characters() -> dict[int, str]:
    """Traditional -> Simplified, one character to one character (OpenCC's conversion of each
    character alone), for `str.translate`."""
    return {ord(a): b for a, b in _changed_alone(to_simplified).items() if len(b) == 1}


@functools.cache
def _traditional_only() -> re.Pattern:
    """Any character OpenCC simplifies, alone."""
    return re.compile("[" + "".join(map(chr, sorted(simplified_characters()))) + "]")


@functools.cache
def _converted_alone() -> re.Pattern:
    """Any character OpenCC converts to Traditional, alone."""
    return re.compile("[" + "".join(_changed_alone(to_traditional)) + "]")


def prepare_scripts() -> None:
    """Load OpenCC's dictionaries and the character tables `script_of` looks in: done by a
    build before it forks the processes making pages, which then share them (each made its
    own, 0.1 s of a core at the start of its pages)."""
    _traditional_only()
    _converted_alone()


def script_of(text: str, default: str) -> str:
    """The BCP 47 tag for a text: zh-Hant when Chinese with a character OpenCC simplifies,
    zh-Hans when OpenCC's conversion to Traditional changes it, en when it has Latin letters and
    no Han characters, else `default`."""
    # Titles, tags and names recur on many pages and are remembered. A body shows on one page,
    # and remembering the 60,000 bodies of 10,000 questions pushed the short texts out.
    return _script_of_short(text, default) if len(text) <= 200 else _script_of(text, default)


def _script_of(text: str, default: str) -> str:
    sample = text[:400]
    first_han = _HAN.search(sample)
    if not first_han:
        return "en" if _LATIN.search(sample) else default
    # A hundred characters from the first Han one tell the script as well as a whole body does.
    sample = sample[max(0, first_han.start() - 4):first_han.start() + 100]
    # Looking a character up costs a microsecond where converting the text costs 20 (60,000
    # bodies and titles at 10,000 questions). OpenCC's phrases keep a few such characters
    # (乾隆 is written so in both scripts); a text of only such phrases is now zh-Hant.
    if _traditional_only().search(sample):
        return "zh-Hant"
    # A sample converted whole costs 40 µs in a process making pages (its dictionaries are out of
    # the processor's cache by then), twenty characters 12: a Simplified text shows it around its
    # first character converted alone. The whole is converted only when that does not tell.
    alone = _converted_alone().search(sample)
    if alone is not None:
        window = sample[max(0, alone.start() - 10):alone.start() + 10]
        if to_traditional(window) != window:
            return "zh-Hans"
    if to_traditional(sample) != sample:
        return "zh-Hans"
    return default if default.startswith("zh") else "zh-Hant"


_script_of_short = functools.lru_cache(maxsize=65536)(_script_of)
