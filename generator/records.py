"""The records: small immutable dataclasses, one per kind of file in the content model.

Records refer to each other by id (`handle`, `slug`, week id), resolved through the indexes of
`model.Community`. Private member data lives only in `PrivateProfile`, so an audience projection
that drops it has no attribute left through which a real name could leak.

`at` maps a field name (or `field.index` for list items) to where its value was written; it is
excluded from equality so two records that say the same thing are equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from .diagnostics import Loc

Locations = Mapping[str, Loc]


def _where() -> Locations:
    return field(default_factory=dict, compare=False, repr=False)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Markdown:
    """Markdown source and the file line its first line stands on."""

    text: str
    line: int
    path: str

    def __bool__(self) -> bool:
        # Not blank. `isspace` stops at the first other character; `strip` copied the body.
        return bool(self.text) and not self.text.isspace()


@dataclass(frozen=True, slots=True)
class FundRules:
    entry_fee: Decimal = Decimal(0)
    operations_fee: Decimal = Decimal(0)
    weeks: int = 52
    public_detail: bool = False


@dataclass(frozen=True, slots=True)
class Rota:
    moderators: tuple[str, ...]
    start: str | None  # ISO week id


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    base_url: str
    tagline: str = ""
    language: str = "zh-Hant"
    timezone: str = "Asia/Taipei"
    currency: str = "CNY"
    privacy_stage: str = "growth"
    fund: FundRules = FundRules()
    rota: Rota | None = None
    theme: str = "default"
    book_formats: tuple[str, ...] = ()
    loc: Loc = Loc("site.yaml")
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class CareerStep:
    year: int
    role: str


@dataclass(frozen=True, slots=True)
class PrivateProfile:
    """Everything the content model marks private. Only the owner's build (and the members'
    build of a `seed` community) ever sees one."""

    name: str = ""
    company: str = ""
    contact: tuple[tuple[str, str], ...] = ()  # (kind, value): ("email", "a@b.c")
    career_orgs: tuple[str, ...] = ()  # aligned with Member.career_path; "" where none given

    def __bool__(self) -> bool:
        return bool(self.name or self.company or self.contact or any(self.career_orgs))


@dataclass(frozen=True, slots=True)
class Member:
    handle: str
    nickname: str
    position: str = ""
    industry: str = ""
    career_path: tuple[CareerStep, ...] = ()
    expertise: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    hobbies: tuple[str, ...] = ()
    roles: tuple[str, ...] = ("member",)
    joined: dt.date | None = None
    entry: str | None = None
    visibility: str = "members"
    bio: Markdown | None = None
    private: PrivateProfile | None = None
    loc: Loc = Loc("")
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """`<slug>/<handle>`: one member's answer to one question."""

    slug: str
    handle: str

    def __str__(self) -> str:
        return f"{self.slug}/{self.handle}"


@dataclass(frozen=True, slots=True)
class Award:
    rank: int
    answer: AnswerRef
    amount: Decimal
    loc: Loc = field(default=Loc(""), compare=False)
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class Tip:
    giver: str  # `from` in the file
    answer: AnswerRef
    amount: Decimal
    loc: Loc = field(default=Loc(""), compare=False)
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class Week:
    id: str  # 2026-W07
    monday: dt.date
    moderators: tuple[str, ...]
    theme: str = ""
    session: dt.date | None = None
    pool: Decimal | None = None  # None: the fund's weekly pool applies
    awards: tuple[Award, ...] = ()
    tips: tuple[Tip, ...] = ()
    rating: Decimal | None = None
    loc: Loc = Loc("")
    at: Locations = _where()

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


@dataclass(frozen=True, slots=True)
class Question:
    slug: str
    week: str
    title: str
    asker: str
    posted: dt.date
    tags: tuple[str, ...] = ()
    deadline: dt.date | None = None
    body: Markdown | None = None
    loc: Loc = Loc("")
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class Answer:
    slug: str
    author: str
    submitted: dt.date
    co_authors: tuple[str, ...] = ()
    body: Markdown | None = None
    loc: Loc = Loc("")
    at: Locations = _where()
    # Made once: question pages, portfolios, resumes and anchors each ask for it again.
    ref: AnswerRef = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", AnswerRef(self.slug, self.author))


@dataclass(frozen=True, slots=True)
class Credit:
    member: str
    role: str  # `for` in the file: answer, 整理, research …


@dataclass(frozen=True, slots=True)
class Solution:
    slug: str
    curator: str
    published: dt.date | None = None
    credits: tuple[Credit, ...] | None = None  # None: not written; every answer's author is credited
    body: Markdown | None = None
    loc: Loc = Loc("")
    at: Locations = _where()


INCOME_KINDS = frozenset({"entry_fee", "operations_fee", "donation"})
FUND_KINDS = ("entry_fee", "operations_fee", "donation", "stipend", "event", "refund", "other")


@dataclass(frozen=True, slots=True)
class FundEntry:
    date: dt.date
    kind: str
    amount: Decimal
    member: str | None = None
    note: str = ""
    loc: Loc = field(default=Loc(""), compare=False)
    at: Locations = _where()

    @property
    def signed(self) -> Decimal:
        return self.amount if self.kind in INCOME_KINDS else -self.amount


@dataclass(frozen=True, slots=True)
class Event:
    slug: str  # the file stem: 2026-09-19-taipei-meetup
    title: str
    date: dt.date
    location: str = ""
    organizers: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    fee: Decimal | None = None
    body: Markdown | None = None
    loc: Loc = Loc("")
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class About:
    title: str
    body: Markdown | None = None
    loc: Loc = Loc("")


@dataclass(frozen=True, slots=True)
class WeekRange:
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    intro: Markdown | None = None
    questions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    weeks: WeekRange | None = None
    loc: Loc = Loc("")
    at: Locations = _where()


@dataclass(frozen=True, slots=True)
class Book:
    title: str
    subtitle: str = ""
    editors: tuple[str, ...] = ()
    license: str = ""
    chapters: tuple[Chapter, ...] = ()
    loc: Loc = Loc("")
    at: Locations = _where()
