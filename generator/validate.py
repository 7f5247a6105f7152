"""Validate stage: turn each parsed document into its record, checking every field.

Each kind of record declares its fields once (name -> converter, required?). A converter takes a
positioned YAML value and returns a Python value or reports why it cannot; the reader of a
mapping adds the checks every record shares (required fields, unknown fields with a close-match
hint, nulls). Cross-record checks (unknown handles, pools, duplicates) belong to `model`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from .diagnostics import Diagnostic, Loc, error, has_errors, warning
from .load import Document, Map, Scalar, Seq, Value
from .records import (
    FUND_KINDS, About, Answer, AnswerRef, Award, Book, CareerStep, Chapter, Credit, Event,
    FundEntry, FundRules, Markdown, Member, PrivateProfile, Question, Rota, Site, Solution, Tip,
    Week, WeekRange,
)

HANDLE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
WEEK_ID = re.compile(r"(\d{4})-W(\d{2})")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
INTEGER = re.compile(r"[+-]?\d+")
EVENT_STEM = re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")

ROLES = ("founder", "moderator", "member", "contributor", "supervisor", "guest")
VISIBILITIES = ("public", "members", "hidden")
ENTRIES = ("fee", "challenge", "invited")
LANGUAGES = ("zh-Hant", "zh-Hans", "en")
BOOK_FORMATS = ("html", "epub", "pdf")
# Common spellings of the interface languages, so the error can say which one was meant.
LANGUAGE_ALIASES = {"zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans",
                    "zh": "zh-Hant", "en-us": "en", "en-gb": "en"}


class Invalid(Exception):
    """A value cannot be read; carries the located diagnostic."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.diagnostic = error(loc, message)


def _found(value: Value) -> str:
    if isinstance(value, Seq):
        return "a list"
    if isinstance(value, Map):
        return "a mapping"
    shown = value.text if len(value.text) <= 40 else value.text[:37] + "..."
    return f"'{shown}'" if value.text else "nothing"


def _scalar(value: Value, expected: str) -> Scalar:
    if not isinstance(value, Scalar):
        raise Invalid(value.loc, f"expected {expected}, found {_found(value)}")
    return value


# ---------------------------------------------------------------------------- converters
# Each converter: (value, reader) -> python value, raising Invalid. The reader is passed so that
# nested converters can record the locations of list items and sub-fields.

Converter = Callable[[Value, "Reader"], Any]


def text(value: Value, reader: "Reader") -> str:
    return _scalar(value, "text").text


def markdown(value: Value, reader: "Reader") -> Markdown:
    scalar = _scalar(value, "Markdown text")
    # A block scalar (| or >) starts on the line after its indicator.
    line = scalar.loc.line + (1 if scalar.style in ("|", ">") else 0)
    return Markdown(scalar.text, line, scalar.loc.path)


def date(value: Value, reader: "Reader") -> dt.date:
    scalar = _scalar(value, "a date (YYYY-MM-DD)")
    if not DATE.fullmatch(scalar.text):
        raise Invalid(scalar.loc, f"expected a date (YYYY-MM-DD), found {_found(scalar)}")
    try:
        return dt.date.fromisoformat(scalar.text)
    except ValueError:
        raise Invalid(scalar.loc, f"{scalar.text} is not a real date") from None


def number(*, positive: bool = False) -> Converter:
    def convert(value: Value, reader: "Reader") -> Decimal:
        scalar = _scalar(value, "a number")
        if not (scalar.plain and NUMBER.fullmatch(scalar.text.replace("_", ""))):
            raise Invalid(scalar.loc, f"expected a number, found {_found(scalar)}")
        try:
            result = Decimal(scalar.text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise Invalid(scalar.loc, f"expected a number, found {_found(scalar)}") from None
        if positive and result <= 0:
            raise Invalid(scalar.loc, f"expected a positive amount, found {scalar.text}")
        if result < 0:
            raise Invalid(scalar.loc, f"expected a number of zero or more, found {scalar.text}")
        return result
    return convert


def integer(low: int, high: int) -> Converter:
    def convert(value: Value, reader: "Reader") -> int:
        scalar = _scalar(value, "a whole number")
        if not (scalar.plain and INTEGER.fullmatch(scalar.text)):
            raise Invalid(scalar.loc, f"expected a whole number, found {_found(scalar)}")
        result = int(scalar.text)
        if not low <= result <= high:
            raise Invalid(scalar.loc, f"expected a whole number from {low} to {high}, found {result}")
        return result
    return convert


def rating(value: Value, reader: "Reader") -> Decimal:
    result = number()(value, reader)
    if not 1 <= result <= 5:
        raise Invalid(value.loc, f"a rating is from 1 to 5, found {result}")
    return result


def boolean(value: Value, reader: "Reader") -> bool:
    scalar = _scalar(value, "true or false")
    if scalar.plain and scalar.text.lower() in ("true", "false"):
        return scalar.text.lower() == "true"
    raise Invalid(scalar.loc, f"expected true or false, found {_found(scalar)}")


def choice(*options: str, aliases: dict[str, str] | None = None) -> Converter:
    def convert(value: Value, reader: "Reader") -> str:
        scalar = _scalar(value, f"one of {', '.join(options)}")
        if scalar.text in options:
            return scalar.text
        hint = (aliases or {}).get(scalar.text.lower())
        close = hint or next(iter(difflib.get_close_matches(scalar.text, options, 1)), None)
        suggestion = f" (did you mean '{close}'?)" if close else ""
        raise Invalid(scalar.loc, f"expected one of {', '.join(options)}, found {_found(scalar)}{suggestion}")
    return convert


def handle(value: Value, reader: "Reader") -> str:
    scalar = _scalar(value, "a member handle")
    if not HANDLE.fullmatch(scalar.text):
        raise Invalid(scalar.loc, f"{_found(scalar)} is not a valid handle ({HANDLE_RULE})")
    return scalar.text


HANDLE_RULE = "1-64 lowercase ASCII letters, digits and '-', starting with a letter or digit"


def week_id(value: Value, reader: "Reader") -> str:
    scalar = _scalar(value, "an ISO week (YYYY-Www)")
    problem = iso_week_problem(scalar.text)
    if problem:
        raise Invalid(scalar.loc, problem)
    return scalar.text


def iso_week_problem(text: str) -> str | None:
    match = WEEK_ID.fullmatch(text)
    if not match:
        return f"expected an ISO week like 2026-W07, found '{text}'"
    year, number_ = int(match[1]), int(match[2])
    weeks_in_year = dt.date(year, 12, 28).isocalendar().week
    if not 1 <= number_ <= weeks_in_year:
        return f"{text} is not an ISO week: {year} has weeks W01 to W{weeks_in_year}"
    return None


def monday_of(week: str) -> dt.date:
    year, number_ = week.split("-W")
    return dt.date.fromisocalendar(int(year), int(number_), 1)


def answer_ref(value: Value, reader: "Reader") -> AnswerRef:
    scalar = _scalar(value, "an answer reference <slug>/<handle>")
    slug, _, who = scalar.text.partition("/")
    if not (HANDLE.fullmatch(slug) and HANDLE.fullmatch(who)):
        raise Invalid(scalar.loc, f"expected an answer reference <slug>/<handle>, found {_found(scalar)}")
    return AnswerRef(slug, who)


def url(value: Value, reader: "Reader") -> str:
    scalar = _scalar(value, "an absolute URL")
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", scalar.text):
        raise Invalid(scalar.loc, f"expected an absolute http(s) URL, found {_found(scalar)}")
    return scalar.text if scalar.text.endswith("/") else scalar.text + "/"


def timezone(value: Value, reader: "Reader") -> str:
    scalar = _scalar(value, "an IANA time zone")
    try:
        zoneinfo.ZoneInfo(scalar.text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Invalid(scalar.loc, f"unknown time zone {_found(scalar)} (an IANA name like Asia/Taipei)") from None
    return scalar.text


def currency(value: Value, reader: "Reader") -> str:
    scalar = _scalar(value, "an ISO 4217 currency code")
    if not re.fullmatch(r"[A-Z]{3}", scalar.text):
        raise Invalid(scalar.loc, f"expected an ISO 4217 currency code like CNY, found {_found(scalar)}")
    return scalar.text


def list_of(item: Converter, *, unique: bool = False) -> Converter:
    def convert(value: Value, reader: "Reader") -> tuple:
        if not isinstance(value, Seq):
            raise Invalid(value.loc, f"expected a list, found {_found(value)}")
        result = []
        for index, element in enumerate(value.items):
            reader.at[f"{reader.key}.{index}"] = element.loc
            try:
                converted = item(element, reader.nested(f"{reader.key}.{index}"))
            except Invalid as exc:
                reader.diags.append(exc.diagnostic)
                continue
            if unique and converted in result:
                reader.diags.append(warning(element.loc, f"'{converted}' is listed twice"))
                continue
            result.append(converted)
        return tuple(result)
    return convert


def one_or_list(item: Converter) -> Converter:
    many = list_of(item, unique=True)

    def convert(value: Value, reader: "Reader") -> tuple:
        if isinstance(value, Seq):
            return many(value, reader)
        return (item(value, reader),)
    return convert


AT, LOC = "@at", "@loc"  # keys a read mapping carries besides its fields (no field starts with @)


def mapping(fields: "Fields") -> Converter:
    """A nested mapping: its fields as a dict, plus its own locations under AT and LOC (so a
    record built from one list item gets the locations of that item only)."""

    def convert(value: Value, reader: "Reader") -> dict[str, Any]:
        if not isinstance(value, Map):
            raise Invalid(value.loc, f"expected a mapping of fields, found {_found(value)}")
        sub = Reader(reader.diags)
        values = sub.read(value, fields)
        for name, loc in sub.at.items():
            reader.at[f"{reader.key}.{name}"] = loc
        values[AT], values[LOC] = sub.at, value.loc
        return values
    return convert


def contact(value: Value, reader: "Reader") -> tuple[tuple[str, str], ...]:
    if isinstance(value, Scalar):
        return (("contact", value.text),)
    if isinstance(value, Map):
        result = []
        for key, (_, item) in value.entries.items():
            result.append((key, _scalar(item, "text").text))
        return tuple(result)
    raise Invalid(value.loc, f"expected text or a mapping like {{email: …, wechat: …}}, found {_found(value)}")


# ---------------------------------------------------------------------------- reading mappings


@dataclass(frozen=True, slots=True)
class Spec:
    convert: Converter
    required: bool = False


Fields = dict[str, Spec]


def req(convert: Converter) -> Spec:
    return Spec(convert, required=True)


def opt(convert: Converter) -> Spec:
    return Spec(convert)


@dataclass(slots=True)
class Reader:
    """Reads the fields of one record, collecting diagnostics and value locations."""

    diags: list[Diagnostic]
    at: dict[str, Loc] = field(default_factory=dict)
    key: str = ""  # the dotted name of the value being read: "awards.0.answer"
    prefix: str = ""

    def nested(self, name: str) -> "Reader":
        return Reader(self.diags, self.at, name, f"{name}.")

    def read(self, value: Map, fields: Fields) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, (key_loc, item) in value.entries.items():
            spec = fields.get(key)
            name = self.prefix + key
            if spec is None:
                close = difflib.get_close_matches(key, list(fields), 1, 0.7)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.diags.append(warning(key_loc, f"unknown field '{key}'{hint}"))
                continue
            self.at[name] = item.loc
            if isinstance(item, Scalar) and item.is_null:
                if spec.required:
                    self.diags.append(error(item.loc, f"required field '{key}' is empty"))
                continue
            try:
                result[key] = spec.convert(item, self.nested(name))
            except Invalid as exc:
                self.diags.append(exc.diagnostic)
                result[key] = _INVALID
        for key, spec in fields.items():
            if spec.required and key not in value.entries:
                self.diags.append(error(value.loc, f"missing required field '{key}'"))
        return result


class _Invalid:
    """Marks a field that was present but unreadable (already reported), so builders can tell it
    from an absent field and skip records that cannot stand without it."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


def usable(values: dict[str, Any], *names: str) -> bool:
    return all(names_ in values and values[names_] is not _INVALID for names_ in names)


def given(values: dict[str, Any], name: str, default: Any = None) -> Any:
    value = values.get(name, default)
    return default if value is _INVALID else value


# ---------------------------------------------------------------------------- record schemas

SITE_FIELDS: Fields = {
    "title": req(text),
    "tagline": opt(text),
    "base_url": req(url),
    "language": opt(choice(*LANGUAGES, aliases=LANGUAGE_ALIASES)),
    "timezone": opt(timezone),
    "currency": opt(currency),
    "privacy": opt(mapping({"stage": opt(choice("seed", "growth"))})),
    "fund": opt(mapping({
        "entry_fee": opt(number()),
        "operations_fee": opt(number()),
        "weeks": opt(integer(1, 520)),
        "public_detail": opt(boolean),
    })),
    "rota": opt(mapping({"moderators": req(list_of(handle)), "start": opt(week_id)})),
    "theme": opt(text),
    "book": opt(mapping({"formats": opt(list_of(choice(*BOOK_FORMATS), unique=True))})),
}

CAREER_FIELDS: Fields = {"year": req(integer(1900, 2100)), "role": req(text), "org": opt(text)}

MEMBER_FIELDS: Fields = {
    "nickname": req(text),
    "name": opt(text),
    "company": opt(text),
    "contact": opt(contact),
    "position": opt(text),
    "industry": opt(text),
    "career_path": opt(list_of(mapping(CAREER_FIELDS))),
    "expertise": opt(list_of(text, unique=True)),
    "needs": opt(list_of(text, unique=True)),
    "hobbies": opt(list_of(text, unique=True)),
    "roles": opt(list_of(choice(*ROLES), unique=True)),
    "joined": opt(date),
    "entry": opt(choice(*ENTRIES)),
    "visibility": opt(choice(*VISIBILITIES)),
    "bio": opt(markdown),
}

AWARD_FIELDS: Fields = {"rank": req(integer(1, 1000)), "answer": req(answer_ref), "amount": req(number())}
TIP_FIELDS: Fields = {"from": req(handle), "answer": req(answer_ref), "amount": req(number(positive=True))}

WEEK_FIELDS: Fields = {
    "moderator": req(one_or_list(handle)),
    "theme": opt(text),
    "session": opt(date),
    "pool": opt(number()),
    "awards": opt(list_of(mapping(AWARD_FIELDS))),
    "tips": opt(list_of(mapping(TIP_FIELDS))),
    "rating": opt(rating),
}

QUESTION_FIELDS: Fields = {
    "title": req(text),
    "asker": req(handle),
    "posted": req(date),
    "tags": opt(list_of(text, unique=True)),
    "deadline": opt(date),
}

ANSWER_FIELDS: Fields = {"submitted": req(date), "co_authors": opt(list_of(handle, unique=True))}

CREDIT_FIELDS: Fields = {"member": req(handle), "for": opt(text)}

SOLUTION_FIELDS: Fields = {
    "curator": req(handle),
    "published": opt(date),
    "credits": opt(list_of(mapping(CREDIT_FIELDS))),
}

FUND_ENTRY_FIELDS: Fields = {
    "date": req(date),
    "kind": req(choice(*FUND_KINDS)),
    "amount": req(number(positive=True)),
    "member": opt(handle),
    "note": opt(text),
}

EVENT_FIELDS: Fields = {
    "title": req(text),
    "date": opt(date),
    "location": opt(text),
    "organizers": opt(list_of(handle, unique=True)),
    "attendees": opt(list_of(handle, unique=True)),
    "fee": opt(number()),
}

ABOUT_FIELDS: Fields = {"title": req(text)}

CHAPTER_FIELDS: Fields = {
    "title": req(text),
    "intro": opt(markdown),
    "questions": opt(list_of(handle, unique=True)),
    "tags": opt(list_of(text, unique=True)),
    "weeks": opt(mapping({"from": req(week_id), "to": req(week_id)})),
}

BOOK_FIELDS: Fields = {
    "title": req(text),
    "subtitle": opt(text),
    "editors": opt(list_of(handle, unique=True)),
    "license": opt(text),
    "chapters": req(list_of(mapping(CHAPTER_FIELDS))),
}


# ---------------------------------------------------------------------------- builders


def _fields_of(document: Document, fields: Fields, reader: Reader) -> dict[str, Any] | None:
    if not isinstance(document.data, Map):
        found = _found(document.data) if document.data is not None else "nothing"
        reader.diags.append(error(document.data.loc if document.data else Loc(document.path),
                                  f"expected a mapping of fields, found {found}"))
        return None
    return reader.read(document.data, fields)


def _body(document: Document) -> Markdown:
    return Markdown(document.body, document.body_line, document.path)


def _parts(path: str) -> list[str]:
    """content/weeks/2026-W01/slug/answers/x.md -> its parts (paths here always use '/')."""
    return path.split("/")


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _stem_is_handle(document: Document, diags: list[Diagnostic], what: str) -> str | None:
    stem = _stem(document.path)
    if HANDLE.fullmatch(stem):
        return stem
    diags.append(error(Loc(document.path), f"file name '{stem}' is not a valid {what} ({HANDLE_RULE})"))
    return None


def build_site(document: Document, diags: list[Diagnostic]) -> Site | None:
    reader = Reader(diags)
    values = _fields_of(document, SITE_FIELDS, reader)
    if values is None or not usable(values, "title", "base_url"):
        return None
    fund = given(values, "fund", {})
    rota = given(values, "rota")
    privacy = given(values, "privacy", {})
    return Site(
        title=values["title"],
        base_url=values["base_url"],
        tagline=given(values, "tagline", ""),
        language=given(values, "language", "zh-Hant"),
        timezone=given(values, "timezone", "Asia/Taipei"),
        currency=given(values, "currency", "CNY"),
        privacy_stage=given(privacy, "stage", "growth"),
        fund=FundRules(
            entry_fee=given(fund, "entry_fee", Decimal(0)),
            operations_fee=given(fund, "operations_fee", Decimal(0)),
            weeks=given(fund, "weeks", 52),
            public_detail=given(fund, "public_detail", False),
        ),
        rota=Rota(given(rota, "moderators", ()), given(rota, "start")) if rota else None,
        theme=given(values, "theme", "default"),
        book_formats=given(given(values, "book", {}), "formats", ()),
        loc=Loc(document.path),
        at=reader.at,
    )


def build_member(document: Document, diags: list[Diagnostic]) -> Member | None:
    member_handle = _stem_is_handle(document, diags, "member handle")
    reader = Reader(diags)
    values = _fields_of(document, MEMBER_FIELDS, reader)
    if member_handle is None or values is None or not usable(values, "nickname"):
        return None
    steps = [s for s in given(values, "career_path", ()) if usable(s, "year", "role")]
    contact_value = given(values, "contact", ())
    return Member(
        handle=member_handle,
        nickname=values["nickname"],
        position=given(values, "position", ""),
        industry=given(values, "industry", ""),
        career_path=tuple(CareerStep(s["year"], s["role"]) for s in steps),
        expertise=given(values, "expertise", ()),
        needs=given(values, "needs", ()),
        hobbies=given(values, "hobbies", ()),
        roles=given(values, "roles", ("member",)) or ("member",),
        joined=given(values, "joined"),
        entry=given(values, "entry"),
        visibility=given(values, "visibility", "members"),
        bio=given(values, "bio"),
        private=PrivateProfile(
            name=given(values, "name", ""),
            company=given(values, "company", ""),
            contact=contact_value,
            career_orgs=tuple(given(s, "org", "") for s in steps),
        ),
        loc=Loc(document.path),
        at=reader.at,
    )


def build_week(document: Document, diags: list[Diagnostic]) -> Week | None:
    folder = _parts(document.path)[-2]
    problem = iso_week_problem(folder)
    if problem:
        diags.append(error(Loc(document.path.rsplit("/", 1)[0]), f"week folder: {problem}"))
    reader = Reader(diags)
    values = _fields_of(document, WEEK_FIELDS, reader)
    if problem or values is None or not usable(values, "moderator"):
        return None
    return Week(
        id=folder,
        monday=monday_of(folder),
        moderators=values["moderator"],
        theme=given(values, "theme", ""),
        session=given(values, "session"),
        pool=given(values, "pool"),
        awards=tuple(
            Award(a["rank"], a["answer"], a["amount"], loc=a[LOC], at=a[AT])
            for a in given(values, "awards", ())
            if usable(a, "rank", "answer", "amount")
        ),
        tips=tuple(
            Tip(t["from"], t["answer"], t["amount"], loc=t[LOC], at=t[AT])
            for t in given(values, "tips", ())
            if usable(t, "from", "answer", "amount")
        ),
        rating=given(values, "rating"),
        loc=Loc(document.path),
        at=reader.at,
    )


def build_question(document: Document, diags: list[Diagnostic]) -> Question | None:
    *_, week, slug, _ = _parts(document.path)
    slug_ok = HANDLE.fullmatch(slug) is not None
    if not slug_ok:
        diags.append(error(Loc(document.path.rsplit("/", 1)[0]), f"question folder '{slug}' is not a valid slug ({HANDLE_RULE})"))
    reader = Reader(diags)
    values = _fields_of(document, QUESTION_FIELDS, reader)
    if not slug_ok or values is None or not usable(values, "title", "asker", "posted"):
        return None
    return Question(
        slug=slug, week=week, title=values["title"], asker=values["asker"], posted=values["posted"],
        tags=given(values, "tags", ()), deadline=given(values, "deadline"), body=_body(document),
        loc=Loc(document.path), at=reader.at,
    )


def build_answer(document: Document, diags: list[Diagnostic]) -> Answer | None:
    author = _stem_is_handle(document, diags, "member handle")
    reader = Reader(diags)
    values = _fields_of(document, ANSWER_FIELDS, reader)
    if author is None or values is None or not usable(values, "submitted"):
        return None
    return Answer(
        slug=_parts(document.path)[-3], author=author,
        submitted=values["submitted"], co_authors=given(values, "co_authors", ()),
        body=_body(document), loc=Loc(document.path), at=reader.at,
    )


def build_solution(document: Document, diags: list[Diagnostic]) -> Solution | None:
    reader = Reader(diags)
    values = _fields_of(document, SOLUTION_FIELDS, reader)
    if values is None or not usable(values, "curator"):
        return None
    credits = given(values, "credits")
    return Solution(
        slug=_parts(document.path)[-2], curator=values["curator"],
        published=given(values, "published"),
        credits=None if credits is None else tuple(
            Credit(c["member"], given(c, "for", "answer")) for c in credits if usable(c, "member")
        ),
        body=_body(document), loc=Loc(document.path), at=reader.at,
    )


def build_fund(document: Document, diags: list[Diagnostic]) -> tuple[FundEntry, ...]:
    if not isinstance(document.data, Seq):
        diags.append(error(document.data.loc if document.data else Loc(document.path),
                           "fund.yaml is a list of entries (- date: …, kind: …, amount: …)"))
        return ()
    reader = Reader(diags, key="entries")
    entries = list_of(mapping(FUND_ENTRY_FIELDS))(document.data, reader)
    return tuple(
        FundEntry(e["date"], e["kind"], e["amount"], given(e, "member"), given(e, "note", ""),
                  loc=e[LOC], at=e[AT])
        for e in entries
        if usable(e, "date", "kind", "amount")
    )


def build_event(document: Document, diags: list[Diagnostic]) -> Event | None:
    stem = _stem(document.path)
    match = EVENT_STEM.fullmatch(stem)
    named_date = None
    if not match or not HANDLE.fullmatch(match[2]):
        diags.append(error(Loc(document.path), f"event file name '{stem}' is not <YYYY-MM-DD>-<slug>"))
    else:
        try:
            named_date = dt.date.fromisoformat(match[1])
        except ValueError:
            diags.append(error(Loc(document.path), f"event file name: {match[1]} is not a real date"))
    reader = Reader(diags)
    values = _fields_of(document, EVENT_FIELDS, reader)
    if named_date is None or values is None or not usable(values, "title"):
        return None
    event_date = given(values, "date", named_date)
    if event_date != named_date:
        diags.append(error(reader.at["date"], f"date {event_date} differs from the file name's {named_date}"))
    return Event(
        slug=stem, title=values["title"], date=event_date, location=given(values, "location", ""),
        organizers=given(values, "organizers", ()), attendees=given(values, "attendees", ()),
        fee=given(values, "fee"), body=_body(document), loc=Loc(document.path), at=reader.at,
    )


def build_about(document: Document, diags: list[Diagnostic]) -> About | None:
    values = _fields_of(document, ABOUT_FIELDS, Reader(diags))
    if values is None or not usable(values, "title"):
        return None
    return About(values["title"], _body(document), Loc(document.path))


def build_book(document: Document, diags: list[Diagnostic]) -> Book | None:
    reader = Reader(diags)
    values = _fields_of(document, BOOK_FIELDS, reader)
    if values is None or not usable(values, "title"):
        return None
    chapters = []
    for c in given(values, "chapters", ()):
        if not usable(c, "title"):
            continue
        weeks = given(c, "weeks")
        chapters.append(Chapter(
            title=c["title"], intro=given(c, "intro"), questions=given(c, "questions", ()),
            tags=given(c, "tags", ()),
            weeks=WeekRange(weeks["from"], weeks["to"]) if weeks and usable(weeks, "from", "to") else None,
            loc=c[LOC], at=c[AT],
        ))
    return Book(
        title=values["title"], subtitle=given(values, "subtitle", ""), editors=given(values, "editors", ()),
        license=given(values, "license", ""), chapters=tuple(chapters), loc=Loc(document.path), at=reader.at,
    )


# ---------------------------------------------------------------------------- the stage


@dataclass(slots=True)
class Records:
    """Every record that could be read, by kind (before cross-references are checked)."""

    site: Site | None = None
    members: list[Member] = field(default_factory=list)
    weeks: list[Week] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    solutions: list[Solution] = field(default_factory=list)
    fund: tuple[FundEntry, ...] = ()
    events: list[Event] = field(default_factory=list)
    about: About | None = None
    book: Book | None = None


_BUILDERS = {
    "member": (build_member, "members"),
    "week": (build_week, "weeks"),
    "question": (build_question, "questions"),
    "answer": (build_answer, "answers"),
    "solution": (build_solution, "solutions"),
    "event": (build_event, "events"),
}


def record_of(document: Document):
    """The record one question, answer, solution or event file makes, or None (with problems)."""
    diags: list[Diagnostic] = []
    record = _BUILDERS[document.kind][0](document, diags)
    return None if has_errors(diags) else record


def validate(documents: list[Document]) -> tuple[Records, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    records = Records()
    for document in documents:
        if document.kind in _BUILDERS:
            build, bucket = _BUILDERS[document.kind]
            record = build(document, diags)
            if record is not None:
                getattr(records, bucket).append(record)
        elif document.kind == "site":
            records.site = build_site(document, diags)
        elif document.kind == "fund":
            records.fund = build_fund(document, diags)
        elif document.kind == "about":
            records.about = build_about(document, diags)
        elif document.kind == "book":
            records.book = build_book(document, diags)
    return records, diags
