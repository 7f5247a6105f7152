"""View stage: project the community for one audience and build what each page shows.

This is the privacy boundary. `Audience` decides which members may be named and whether private
fields may be shown; every other stage sees only the views built here, and a view is built from
a `Person`, which carries private fields only when the audience may see them. Templates receive
these ready values (formatted dates and money, resolved URLs, rendered Markdown), never records.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
import unicodedata
import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping
from urllib.parse import quote, urlsplit

from . import operations as ops
from .i18n import Formats, script_of, to_simplified
from .markdown import Job, Opened, body_key, close_open, make_markdown, render_markdown, render_open, render_open_many
from .model import Community
from .records import Answer, AnswerRef, Event, Markdown, Member, Question, Week

AUDIENCES = ("public", "members", "owner")


def N_(message: str) -> str:
    """Marks a string for the catalogs (`pybabel extract -k N_`); translated where it is shown."""
    return message


ROLE_LABELS = {
    "founder": N_("founder"), "moderator": N_("moderator"), "member": N_("member"),
    "contributor": N_("contributor"), "supervisor": N_("supervisor"), "guest": N_("guest"),
}
AUDIENCE_LABELS = {"public": N_("public"), "members": N_("members"), "owner": N_("owner")}
FUND_KIND_LABELS = {
    "entry_fee": N_("entry fee"), "operations_fee": N_("operations fee"), "donation": N_("donation"),
    "stipend": N_("moderator stipend"), "event": N_("event"), "refund": N_("refund"), "other": N_("other"),
    "award": N_("awards"),
}
# How far down each kind of record's body moves its headings on the pages showing it: a solution's
# `##` under the page's h2 becomes h3, an answer's under the answer's h3 becomes h4. The worker
# rendering ahead renders the bodies with these, so the pages find them rendered.
HEADING_SHIFTS = {"question": 0, "solution": 1, "answer": 2}
LATEST = 10  # solutions on the home page
FEED_ENTRIES = 30


# ---------------------------------------------------------------------------- the audience


@dataclass(frozen=True, slots=True)
class Audience:
    name: str  # public, members, owner
    privacy_stage: str

    def may_name(self, member: Member) -> bool:
        """Whether this build shows the member at all (nickname, page)."""
        if self.name == "owner":
            return True
        if self.name == "members":
            return member.visibility in ("public", "members")
        return member.visibility == "public"

    @property
    def shows_private(self) -> bool:
        return self.name == "owner" or (self.name == "members" and self.privacy_stage == "seed")


# ---------------------------------------------------------------------------- small views


@dataclass(frozen=True, slots=True)
class Person:
    """A member as this audience may see them."""

    name: str
    url: str | None  # their page, when they have one in this build
    anonymous: bool
    lang: str
    real_name: str = ""
    company: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str
    lang: str = ""
    count: int = 0


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    slug: str
    url: str
    title: str
    lang: str
    week: Link
    posted: str
    posted_iso: str
    tags: tuple[Link, ...]
    asker: Person
    curated: bool
    answer_count: int


@dataclass(frozen=True, slots=True)
class WeekSummary:
    id: str
    url: str
    label: str
    theme: str
    theme_lang: str
    moderators: tuple[Person, ...]
    session: str
    question_count: int


@dataclass(frozen=True, slots=True)
class AwardRow:
    rank: int
    question: Link
    author: Person
    amount: str


@dataclass(frozen=True, slots=True)
class TipRow:
    giver: Person
    question: Link
    author: Person
    amount: str


@dataclass(frozen=True, slots=True)
class AnswerView:
    anchor: str
    author: Person
    co_authors: tuple[Person, ...]
    submitted: str
    submitted_iso: str
    html: str
    lang: str
    awards: tuple[str, ...]  # badges: "第 1 名 · CN¥40.00"
    tips_total: str
    tip_count: int


@dataclass(frozen=True, slots=True)
class SolutionView:
    curator: Person
    published: str
    published_iso: str
    html: str
    lang: str


@dataclass(frozen=True, slots=True)
class Credit:
    person: Person
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: its output path, template, title and the template's view."""

    path: str  # relative to the output folder: questions/x/index.html
    template: str
    title: str
    view: Any
    lang: str = ""
    lastmod: str = ""  # ISO date for the sitemap
    in_sitemap: bool = True


@dataclass(frozen=True, slots=True)
class SiteView:
    title: str
    tagline: str
    lang: str
    base_url: str
    root: str  # the URL path of the site: "/" or "/archive/"
    audience: str
    noindex: bool
    nav: tuple[Link, ...]
    counts: dict[str, int] = field(hash=False)
    fund_balance: str
    feed_url: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    url: str
    updated: str  # RFC 3339
    author: str
    summary_html: str
    kind: str
    lang: str


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build writes, for one audience."""

    site: SiteView
    pages: tuple[Page, ...]
    feed: tuple[FeedEntry, ...]
    feed_updated: str
    resumes: tuple[tuple[str, dict], ...]  # (handle, JSON Resume) per member with a portfolio
    talent: tuple[dict, ...]  # the directory as data
    ledger: dict = field(hash=False)  # the fund as this audience may see it
    kpis: tuple[dict, ...] = ()  # each week's moderation figures
    book: dict | None = field(default=None, hash=False)  # the credited book, when book.yaml exists


# ---------------------------------------------------------------------------- who did what


@dataclass(frozen=True, slots=True)
class Activity:
    """Each member's record in the archive, by handle, in chronological order."""

    answers: dict[str, list[Answer]]
    awards: dict[str, list[tuple[Week, Any]]]  # (week, Award)
    tips: dict[str, list[tuple[Week, Any]]]  # tips received: (week, Tip)
    curated: dict[str, list[str]]  # question slugs
    credited: dict[str, list[str]]  # slugs of curated solutions that credit the member
    moderated: dict[str, list[str]]  # week ids
    partners: dict[str, set[str]]  # co-authors worked with

    @classmethod
    def of(cls, community: Community) -> "Activity":
        answers: dict[str, list[Answer]] = {}
        partners: dict[str, set[str]] = {}
        for slug, items in community.answers.items():
            for answer in items:
                answers.setdefault(answer.author, []).append(answer)
                for co in answer.co_authors:
                    partners.setdefault(answer.author, set()).add(co)
                    partners.setdefault(co, set()).add(answer.author)
        awards: dict[str, list] = {}
        tips: dict[str, list] = {}
        moderated: dict[str, list[str]] = {}
        for week in community.weeks.values():
            for award in week.awards:
                awards.setdefault(award.answer.handle, []).append((week, award))
            for tip in week.tips:
                tips.setdefault(tip.answer.handle, []).append((week, tip))
            for handle in week.moderators:
                moderated.setdefault(handle, []).append(week.id)
        curated: dict[str, list[str]] = {}
        credited: dict[str, list[str]] = {}
        for slug, solution in community.solutions.items():
            curated.setdefault(solution.curator, []).append(slug)
            for handle in dict.fromkeys(c.member for c in community.credits_of(slug)):
                credited.setdefault(handle, []).append(slug)
        return cls(answers, awards, tips, curated, credited, moderated, partners)


# Markdown's marks and white space: a run of them becomes one space in an excerpt.
_MARKS_AND_SPACES = re.compile(r"[\s#>*_`|\[\]()-]+")


def _excerpt(markdown_text: str, limit: int = 160) -> str:
    # Only the start of a body is needed: clean a window, widening it while it gives too little.
    # Any window gives the same excerpt; twice the limit is enough for nearly every body (6 µs
    # an answer; 40,000 answers are excerpted twice at 10,000 questions, for resumes and portfolios).
    window = limit * 2
    while True:
        text = _MARKS_AND_SPACES.sub(" ", markdown_text[:window]).strip()
        if len(text) > limit or window >= len(markdown_text):
            break
        window *= 4
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fold_script(text: str) -> str:
    return to_simplified(text).casefold()


# ---------------------------------------------------------------------------- URLs


def tag_segment(tag: str) -> str:
    """The URL path segment of a tag, like Hugo's `urlize`: NFC, lower case, spaces to '-',
    characters with a meaning in URLs or file systems removed. Written percent-encoded in links."""
    text = unicodedata.normalize("NFC", tag).strip().lower()
    text = re.sub(r"[\s_]+", "-", text)
    text = re.sub(r"[/\\?#%\"'<>|*:\x00-\x1f\x7f.]", "", text)
    return text.strip("-") or "tag"


# ---------------------------------------------------------------------------- building


class _Builder:
    def __init__(self, community: Community, audience: Audience, translate: Callable[[str], str],
                 stored: Mapping[bytes, Opened], opened: Mapping[bytes, Opened]) -> None:
        site = community.site
        self.c = community
        self.audience = audience
        self._ = translate
        self.fmt = Formats(site.language, site.currency)
        self.lang = site.language
        parts = urlsplit(site.base_url)
        self.root = parts.path or "/"
        self.origin = f"{parts.scheme}://{parts.netloc}"  # what makes a site path absolute
        # The renderers call back into the builder through a weak reference, so the builder is no
        # cycle and its caches go with it: builds pause the cycle collector.
        me = weakref.proxy(self)
        self.md = make_markdown(lambda scheme, rest: me.resolve(scheme, rest))
        # The book leaves the site (EPUB, PDF): its links are absolute.
        self.md_absolute = make_markdown(lambda scheme, rest: me._absolute_resolve(scheme, rest))
        self.people: dict[str, Person] = {}
        self._anchor_cache: dict[AnswerRef, str] = {}
        # Open renderings (`render_open`) by `body_key`: from earlier builds, rendered while the
        # records were read, and used by this build (the cache it leaves).
        self.stored, self.opened = stored, opened
        self.used: dict[bytes, Opened] = {}
        self._activity: Activity | None = None
        self._kpis: dict | None = None
        self._week_positions: dict[str, int] | None = None
        self._body_langs: dict[str, str] = {}
        self._tips: dict[str, dict[AnswerRef, list[Decimal]]] | None = None
        self._shown: list[Member] | None = None
        self._week_list = list(community.weeks.values())
        self._book: dict | None = None
        self._summaries: dict[str, QuestionSummary] = {}
        self._tag_links: dict[str, Link] = {}
        self._money: dict[Decimal | None, str] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._excerpts: dict[AnswerRef, str] = {}

    def warm(self) -> None:
        """Work out what pages all over the site share: every question's summary (with its
        asker, tags and week) and its answers' anchors, the members shown, the activity behind
        the portfolios. A build does this before it forks the processes making pages, while the
        Markdown is still rendered ahead, so that they share it instead of each working it out
        again (0.3 s at 10,000 questions). What each page has for itself (a body's script, an
        answer's excerpt) is left to the page: worked out here, it kept the worker rendering
        ahead waiting, out of bodies."""
        for question in self.c.questions.values():
            self.question_summary(question)
        for answers in self.c.answers.values():
            if answers:  # (the anchors of all a question's answers are worked out together)
                self.answer_anchor(answers[0].ref)
        self.shown_members()
        self.activity()
        self.tips_by_question()

    # -- URLs
    def url(self, path: str) -> str:
        return self.root + path

    def question_url(self, slug: str) -> str:
        return self.url(f"questions/{slug}/")

    def week_url(self, week: str) -> str:
        return self.url(f"weeks/{week}/")

    def tag_url(self, tag: str) -> str:
        return self.url(f"tags/{quote(tag_segment(tag))}/")

    def member_url(self, handle: str) -> str:
        return self.url(f"members/{handle}/")

    def answer_anchor(self, ref: AnswerRef) -> str:
        """`answer-<handle>`, or a numbered anchor for an author this audience may not name (the
        handle must not leak through a fragment)."""
        if ref not in self._anchor_cache:
            anonymous_index = 0
            for answer in self.c.answers.get(ref.slug, ()):
                member = self.c.members[answer.author]
                if self.audience.may_name(member):
                    anchor = f"answer-{answer.author}"
                else:
                    anonymous_index += 1
                    anchor = f"answer-anonymous-{anonymous_index}"
                self._anchor_cache[answer.ref] = anchor
        return self._anchor_cache.get(ref, "")

    def resolve(self, scheme: str, rest: str) -> str | None:
        """Record links in Markdown -> URLs, or None to show the text only. (A link is resolved
        each time its body is closed: on its page, in the feed, in the book: remembered.)"""
        key = (scheme, rest)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(scheme, rest)
        return self._resolved[key]

    def _resolve(self, scheme: str, rest: str) -> str | None:
        rest, _, fragment = rest.partition("#")
        suffix = f"#{fragment}" if fragment else ""
        if scheme == "q" and rest in self.c.questions:
            return self.question_url(rest) + suffix
        if scheme == "a":
            slug, _, who = rest.partition("/")
            if self.c.answer(AnswerRef(slug, who)) is not None:
                return f"{self.question_url(slug)}#{self.answer_anchor(AnswerRef(slug, who))}"
        if scheme == "m" and rest in self.c.members:
            person = self.person(rest)
            return person.url
        if scheme == "w" and rest in self.c.weeks:
            return self.week_url(rest) + suffix
        if scheme == "t" and rest in self.c.tags:
            return self.tag_url(rest)
        return None

    # -- people
    def person(self, handle: str) -> Person:
        if handle not in self.people:
            member = self.c.members[handle]
            if not self.audience.may_name(member):
                self.people[handle] = Person(self._("anonymous member"), None, True, self.lang)
            else:
                private = member.private if self.audience.shows_private else None
                self.people[handle] = Person(
                    name=member.nickname,
                    url=self.member_url(handle) if member.visibility != "hidden" or self.audience.name == "owner" else None,
                    anonymous=False,
                    lang=script_of(member.nickname, self.lang),
                    real_name=private.name if private else "",
                    company=private.company if private else "",
                )
        return self.people[handle]

    def people_of(self, handles) -> tuple[Person, ...]:
        return tuple(self.person(h) for h in handles)

    # -- formatting
    def markdown(self, body, scope: str = "", heading_shift: int = 0) -> str:
        """A body's HTML: its open rendering closed with its scope and where its record links
        point now (closing takes microseconds: nothing is remembered but the open rendering)."""
        if not body:
            return ""
        return self._closed(body.text, scope, heading_shift, self.resolve, self.md)

    def book_markdown(self, body, scope: str, heading_shift: int) -> str:
        """The same for the book, which leaves the site (EPUB, PDF): its links are absolute."""
        if not body:
            return ""
        return self._closed(body.text, scope, heading_shift, self._absolute_resolve, self.md_absolute)

    def _closed(self, text: str, scope: str, shift: int, resolve, md) -> str:
        opened = self.open_rendering(text, shift)
        html = close_open(opened, scope, resolve) if opened is not None else None
        # Else a body holding a mark's character: rendered as it is, each time (none is, in practice).
        return html if html is not None else render_markdown(md, text, scope, shift)

    def open_rendering(self, text: str, shift: int) -> Opened | None:
        """A body's open rendering: one already known (`_known`), or rendered now; kept in
        `used` for the next build."""
        key = body_key(text, shift)
        opened = self._known(key)
        if opened is None:
            opened = render_open(text, shift)
            if opened is not None:
                self.used[key] = opened
        return opened

    def _known(self, key: bytes) -> Opened | None:
        """The open rendering under `key` this build used, an earlier build left, or the worker
        rendered while the records were read; from then on in `used`."""
        opened = self.used.get(key) or self.stored.get(key) or self.opened.get(key)
        if opened is not None:
            self.used[key] = opened
        return opened

    def _absolute_resolve(self, scheme: str, rest: str) -> str | None:
        url = self.resolve(scheme, rest)
        return self.absolute(url) if url else None

    def markdown_jobs(self) -> list[Job]:
        """Every body the pages show, as `markdown()` will ask for it."""
        jobs: list[Job] = []

        def add(body, scope: str = "", shift: int = 0) -> None:
            if body:
                jobs.append((body.text, scope, shift))

        for slug, question in self.c.questions.items():
            add(question.body, "question", HEADING_SHIFTS["question"])
            solution = self.c.solutions.get(slug)
            if solution:
                add(solution.body, "solution", HEADING_SHIFTS["solution"])
            for answer in self.c.answers.get(slug, ()):
                add(answer.body, self.answer_anchor(answer.ref), HEADING_SHIFTS["answer"])
        for member in self.c.members.values():
            if self.person(member.handle).url:
                add(member.bio, "bio")
        for event in self.c.events:
            add(event.body)
        if self.c.about:
            add(self.c.about.body)
        return jobs

    def prerender(self) -> None:
        """Render every body open once, from the stored cache or in parallel, before pages ask."""
        missing: dict[bytes, tuple[str, int]] = {}
        for text, _, shift in self.markdown_jobs():
            key = body_key(text, shift)
            if key not in missing and self._known(key) is None:
                missing[key] = (text, shift)
        for key, opened in zip(missing, render_open_many(list(missing.values()))):
            if opened is not None:
                self.used[key] = opened

    def money(self, amount: Decimal | None) -> str:
        text = self._money.get(amount)
        if text is None:
            text = self._money[amount] = self.fmt.money(amount)
        return text

    def week_label(self, week_id: str) -> str:
        year, number = week_id.split("-W")
        return self._("Week {number}, {year}").format(number=int(number), year=year)

    # -- summaries
    def tag_links(self, tags) -> tuple[Link, ...]:
        return tuple(self.tag_link(t) for t in tags)

    def tag_link(self, tag: str) -> Link:
        link = self._tag_links.get(tag)
        if link is None:
            link = self._tag_links[tag] = Link(tag, self.tag_url(tag), script_of(tag, self.lang),
                                               len(self.c.tags.get(tag, ())))
        return link

    def question_summary(self, question: Question) -> QuestionSummary:
        summary = self._summaries.get(question.slug)
        if summary is None:
            summary = self._summaries[question.slug] = self._question_summary(question)
        return summary

    def _question_summary(self, question: Question) -> QuestionSummary:
        return QuestionSummary(
            slug=question.slug, url=self.question_url(question.slug), title=question.title,
            lang=script_of(question.title, self.lang),
            week=Link(self.week_label(question.week), self.week_url(question.week)),
            posted=self.fmt.date(question.posted), posted_iso=question.posted.isoformat(),
            tags=self.tag_links(question.tags), asker=self.person(question.asker),
            curated=question.slug in self.c.solutions,
            answer_count=len(self.c.answers.get(question.slug, ())),
        )

    def week_summary(self, week: Week) -> WeekSummary:
        return WeekSummary(
            id=week.id, url=self.week_url(week.id), label=self.week_label(week.id), theme=week.theme,
            theme_lang=script_of(week.theme, self.lang), moderators=self.people_of(week.moderators),
            session=self.fmt.date(week.session), question_count=len(self.c.questions_of(week.id)),
        )

    def answer_link(self, ref: AnswerRef) -> Link:
        question = self.c.questions[ref.slug]
        return Link(question.title, f"{self.question_url(ref.slug)}#{self.answer_anchor(ref)}",
                    script_of(question.title, self.lang))

    def award_rows(self, week: Week) -> tuple[AwardRow, ...]:
        return tuple(
            AwardRow(a.rank, self.answer_link(a.answer), self.person(a.answer.handle), self.money(a.amount))
            for a in sorted(week.awards, key=lambda a: a.rank)
        )

    # -- pages
    def pages(self) -> list[Page]:
        return [page for make in self.page_plan() for page in make()]

    def page_plan(self) -> list[Callable[[], list[Page]]]:
        """Every page of the site, as makers of a few pages each, in page order. Each maker
        depends only on the community, so makers can run in any order, in any process."""
        def one(method, *args, **kwargs) -> Callable[[], list[Page]]:
            return lambda: [method(*args, **kwargs)]

        plan = [one(self.home), one(self.weeks_index)]
        plan += [one(self.week_page, index) for index in range(len(self.c.weeks))]
        plan += [one(self.question_page, q) for q in self.c.questions.values()]
        plan += [self.tag_pages, one(self.members_index)]
        plan += [one(self.member_page, rank) for rank in range(len(self.shown_members()))]
        plan += [self.event_pages]
        if self.c.about:
            plan.append(one(self.about_page))
        plan += [self.operations_pages, self.book_pages, one(self.search_page),
                 one(Page, "404.html", "404.html", self._("Page not found"), {}, in_sitemap=False)]
        return plan

    def pages_showing(self, slugs: set[str], authors: set[str]) -> list[Page]:
        """The pages that show the text of these questions (with their answers and solutions):
        their own pages, the book's pages when one is in it, and the portfolios of `authors`
        (a portfolio shows the start of its member's answers). Elsewhere only titles appear."""
        pages = [self.question_page(self.c.questions[slug]) for slug in sorted(slugs)]
        pages += [self.member_page(rank) for rank, member in enumerate(self.shown_members())
                  if member.handle in authors]
        if self.c.book and any(q.slug in slugs for index in range(len(self.c.book.chapters))
                               for q in self.c.chapter_questions(index)):
            pages += self.book_pages()
        return pages

    def about_page(self) -> Page:
        about = self.c.about
        return Page("about/index.html", "about.html", about.title,
                    {"title": about.title, "html": self.markdown(about.body),
                     "lang": self.body_lang(about.body, about.title)})

    # -- the credited book
    def book(self) -> dict | None:
        """The book as this audience may see it: chapters of curated solutions, each section and
        chapter naming its creators, an index of contributors and each creator's share."""
        if self._book is None and self.c.book is not None:
            self._book = self._make_book()
        return self._book

    def _make_book(self) -> dict:
        book = self.c.book
        if book is None:
            return None
        chapters, index = [], {}
        number = 0
        for position, chapter in enumerate(book.chapters):
            selected = [q for q in self.c.chapter_questions(position) if q.slug in self.c.solutions]
            if not selected:
                continue
            number += 1
            sections, weights = [], Counter()
            for q in selected:
                solution = self.c.solutions[q.slug]
                answers = self.c.answers.get(q.slug, ())
                section_id = f"s{number}-{q.slug}"  # a question in two chapters keeps unique ids
                authors = tuple(dict.fromkeys(a.author for a in answers))
                co_authors = tuple(dict.fromkeys(h for a in answers for h in a.co_authors if h not in authors))
                # Shares: characters written, the question to its asker, each answer split among
                # its authors, the solution to its curator.
                weights[q.asker] += len(q.body.text) if q.body else 0
                for answer in answers:
                    team = (answer.author, *answer.co_authors)
                    for handle in team:
                        weights[handle] += len(answer.body.text if answer.body else "") / len(team)
                weights[solution.curator] += len(solution.body.text) if solution.body else 0
                contributors = [solution.curator, *authors, *co_authors]
                for handle in dict.fromkeys(contributors):
                    index.setdefault(handle, []).append((section_id, q.title))
                sections.append({
                    "id": section_id, "title": q.title, "lang": script_of(q.title, self.lang),
                    "week": self.week_label(q.week), "asker": self.person(q.asker),
                    "question_html": self.book_markdown(q.body, f"b{number}-{q.slug}-q", heading_shift=1),
                    "solution_html": self.book_markdown(solution.body, f"b{number}-{q.slug}-s", heading_shift=1),
                    "body_lang": self.body_lang(solution.body, q.title),
                    "curator": self.person(solution.curator), "authors": self.people_of(authors),
                    "co_authors": self.people_of(co_authors), "url": self.absolute(self.question_url(q.slug)),
                })
            total = sum(weights.values()) or 1
            shares: dict[str, float] = {}
            for handle, weight in weights.items():
                name = self.person(handle).name
                shares[name] = shares.get(name, 0) + weight / total
            contributors = tuple(dict.fromkeys(self.person(h) for h in weights))
            chapters.append({
                "number": number, "id": f"chapter-{number}", "title": chapter.title,
                "lang": script_of(chapter.title, self.lang),
                "intro": self.book_markdown(chapter.intro, f"b-intro-{number}", heading_shift=1),
                "contributors": tuple(sorted(contributors, key=lambda p: self.fmt.sort_key(p.name))),
                "sections": sections,
                "shares": [{"name": name, "percent": self.fmt.number(round(Decimal(share * 100), 1))}
                           for name, share in sorted(shares.items(), key=lambda item: (-item[1], item[0]))],
            })
        people = sorted(index.items(), key=lambda item: self.fmt.sort_key(self.person(item[0]).name))
        merged: dict[str, dict] = {}
        for handle, sections in people:
            person = self.person(handle)
            entry = merged.setdefault(person.name, {"person": person, "sections": []})
            entry["sections"] += [{"id": sid, "title": title} for sid, title in sections]
        dates = [s.published for s in self.c.solutions.values() if s.published]
        return {
            "title": book.title, "subtitle": book.subtitle, "license": book.license,
            "editors": self.people_of(book.editors), "community": self.c.site.title,
            "date": self.fmt.date(max(dates)) if dates else "", "date_iso": max(dates).isoformat() if dates else "",
            "lang": self.lang, "chapters": chapters, "index": list(merged.values()),
            "url": self.c.site.base_url,
        }

    def book_pages(self) -> list[Page]:
        book = self.book()
        if book is None:
            return []
        formats = self.c.site.book_formats
        downloads = [Link(label, self.url(f"book/book.{ext}")) for ext, label in (("epub", "EPUB"), ("pdf", "PDF"))
                     if ext in formats]
        chapters = book["chapters"]
        where = {s["id"]: c["id"] for c in chapters for s in c["sections"]}
        pages = [Page("book/index.html", "book.html", book["title"], {"book": book, "downloads": downloads})]
        for i, chapter in enumerate(chapters):
            link = lambda c: Link(c["title"], self.url(f"book/{c['id']}/"))
            pages.append(Page(f"book/{chapter['id']}/index.html", "book-chapter.html", chapter["title"], {
                "chapter": chapter, "book_title": book["title"],
                "previous": link(chapters[i - 1]) if i else None,
                "next": link(chapters[i + 1]) if i + 1 < len(chapters) else None,
            }, lang=chapter["lang"]))
        pages.append(Page("book/contributors/index.html", "book-contributors.html", self._("Index of contributors"),
                          {"index": book["index"], "book_title": book["title"], "section_chapter": where}))
        return pages

    # -- operations: fund, moderators, leaderboard, challenges, interests
    def operations_pages(self) -> list[Page]:
        return [self.fund_page(), self.moderators_page(), self.leaderboard_page(), self.challenges_page(),
                self.interests_page()]

    def fund_detail(self) -> bool:
        return self.audience.name != "public" or self.c.site.fund.public_detail

    def fund_data(self) -> dict:
        """The ledger as this audience may see it, as data (also published as ledger.json)."""
        lines = ops.ledger(self.c)
        detail = self.fund_detail()
        entries = []
        for line in lines:
            entry = {"date": line.date.isoformat(), "kind": line.kind, "amount": str(line.amount),
                     "direction": "in" if line.income else "out", "balance": str(line.balance)}
            if line.week:
                entry["week"] = line.week
            if detail:
                if line.member:
                    person = self.person(line.member)
                    entry["member"] = person.name
                if line.note:
                    entry["note"] = line.note
            entries.append(entry)
        if not detail:  # totals per day only: who paid what stays in the members' build
            by_day: dict[str, dict] = {}
            for line in lines:
                day = by_day.setdefault(line.date.isoformat(), {"date": line.date.isoformat(), "in": Decimal(0),
                                                                "out": Decimal(0), "balance": line.balance})
                day["in" if line.income else "out"] += line.amount
                day["balance"] = line.balance
            entries = [{**d, "in": str(d["in"]), "out": str(d["out"]), "balance": str(d["balance"])}
                       for d in by_day.values()]
        return {
            "currency": self.c.site.currency,
            "detail": detail,
            "entries": entries,
            "totals": {kind: str(amount) for kind, amount in ops.totals_by_kind(lines).items()},
            "balance": str(lines[-1].balance if lines else Decimal(0)),
            "pools": {week: str(pool) for week, pool in self.c.pools.items()},
        }

    def fund_page(self) -> Page:
        lines = ops.ledger(self.c)
        detail = self.fund_detail()
        kind = lambda k: self._(FUND_KIND_LABELS[k])
        rows = []
        for line in lines:
            who = self.person(line.member) if (detail and line.member) else None
            rows.append({
                "date": self.fmt.date(line.date, "medium"), "date_iso": line.date.isoformat(), "kind": kind(line.kind),
                "who": who, "week": Link(self.week_label(line.week), self.week_url(line.week)) if line.week else None,
                "note": line.note if detail else "", "income": self.money(line.amount) if line.income else "",
                "out": "" if line.income else self.money(line.amount), "balance": self.money(line.balance),
            })
        if not detail:
            days: dict[str, dict] = {}
            for line in lines:
                day = days.setdefault(line.date.isoformat(), {"date": line.date, "in": Decimal(0), "out": Decimal(0)})
                day["in" if line.income else "out"] += line.amount
                day["balance"] = line.balance
            rows = [{"date": self.fmt.date(d["date"], "medium"), "date_iso": iso, "kind": "", "who": None,
                     "week": None, "note": "", "income": self.money(d["in"]) if d["in"] else "",
                     "out": self.money(d["out"]) if d["out"] else "", "balance": self.money(d["balance"])}
                     for iso, d in days.items()]
        totals = ops.totals_by_kind(lines)
        income_kinds = [k for k in ("entry_fee", "operations_fee", "donation") if k in totals]
        out_kinds = [k for k in ("stipend", "event", "refund", "other", "award") if k in totals]
        weeks = list(self.c.weeks.values())
        latest = weeks[-1] if weeks else None
        rules = self.c.site.fund
        view = {
            "detail": detail,
            "rows": rows,
            "income_totals": [(kind(k), self.money(totals[k])) for k in income_kinds],
            "out_totals": [(kind(k), self.money(totals[k])) for k in out_kinds],
            "income_total": self.money(sum((totals[k] for k in income_kinds), Decimal(0))),
            "out_total": self.money(sum((totals[k] for k in out_kinds), Decimal(0))),
            "balance": self.money(lines[-1].balance if lines else Decimal(0)),
            "months": [{"month": m, "income": self.money(i), "out": self.money(o), "balance": self.money(b)}
                       for m, i, o, b in ops.totals_by_month(lines)],
            "rules": {"entry_fee": self.money(rules.entry_fee), "operations_fee": self.money(rules.operations_fee),
                      "weeks": rules.weeks},
            "latest_pool": self.money(self.c.pools[latest.id]) if latest else "",
            "latest_week": Link(self.week_label(latest.id), self.week_url(latest.id)) if latest else None,
            "chart": self.fund_chart(lines),
        }
        return Page("fund/index.html", "fund.html", self._("Fund"), view)

    def fund_chart(self, lines) -> dict:
        """The balance after each day and the awards paid per week, scaled into a 600x200 box."""
        if not lines:
            return {}
        width, height, pad = 600, 200, 4
        first, last = lines[0].date, lines[-1].date
        span = max(1, (last - first).days)
        top = max(max(l.balance for l in lines), Decimal(1))
        bottom = min(Decimal(0), min(l.balance for l in lines))
        scale = (height - 2 * pad) / float(top - bottom)
        x = lambda day: round(pad + (day - first).days / span * (width - 2 * pad), 1)
        y = lambda value: round(height - pad - float(value - bottom) * scale, 1)
        points = " ".join(f"{x(l.date)},{y(l.balance)}" for l in lines)
        awards = [l for l in lines if l.kind == "award"]
        # Awards are a few percent of the balance: they get their own scale, up to a third of the box.
        most = max((l.amount for l in awards), default=Decimal(1))
        bar = max(1.0, (width - 2 * pad) / max(1, span / 7) - 1)
        bars = [{"x": round(x(l.date) - bar / 2, 1), "width": round(bar, 1),
                 "height": round(float(l.amount / most) * (height - 2 * pad) / 3, 1),
                 "label": f"{self.week_label(l.week)}: {self.money(l.amount)}"} for l in awards]
        return {"width": width, "height": height, "points": points, "bars": bars, "zero": y(0),
                "top": self.money(top), "first": self.fmt.date(first, "medium"), "last": self.fmt.date(last, "medium")}

    def kpi_view(self, kpi: "ops.WeekKpi") -> dict:
        return {
            "week": Link(self.week_label(kpi.week), self.week_url(kpi.week)), "week_id": kpi.week,
            "moderators": self.people_of(kpi.moderators), "questions": kpi.questions, "answerers": kpi.answerers,
            "curated": kpi.curated,
            "days": self.fmt.number(Decimal(str(kpi.days_to_publish))) if kpi.days_to_publish is not None else "",
            "rating": self.fmt.number(kpi.rating) if kpi.rating is not None else "",
        }

    def moderators_page(self) -> Page:
        kpis = ops.kpis(self.c)
        per: dict[str, list] = {}
        for kpi in kpis.values():
            for handle in kpi.moderators:
                per.setdefault(handle, []).append(kpi)
        summary = []
        for handle, rows in sorted(per.items(), key=lambda item: (-len(item[1]), item[0])):
            ratings = [k.rating for k in rows if k.rating is not None]
            delays = [k.days_to_publish for k in rows if k.days_to_publish is not None]
            summary.append({
                "person": self.person(handle), "weeks": len(rows),
                "answerers": self.fmt.number(round(Decimal(sum(k.answerers for k in rows)) / len(rows), 1)),
                "curated": sum(k.curated for k in rows), "questions": sum(k.questions for k in rows),
                "days": self.fmt.number(Decimal(str(statistics.median(delays)))) if delays else "",
                "rating": self.fmt.number(round(sum(ratings) / len(ratings), 2)) if ratings else "",
            })
        view = {
            "weeks": [self.kpi_view(k) for k in reversed(list(kpis.values()))],
            "upcoming": [{"week": week, "label": self.week_label(week), "person": self.person(handle)}
                         for week, handle in ops.upcoming_duty(self.c)],
            "summary": summary,
        }
        return Page("moderators/index.html", "moderators.html", self._("Moderators"), view)

    def kpi_data(self) -> list[dict]:
        return [{"week": k.week, "moderators": [self.person(h).name for h in k.moderators],
                 "questions": k.questions, "answerers": k.answerers, "curated": k.curated,
                 "days_to_publish": k.days_to_publish, "rating": str(k.rating) if k.rating is not None else None}
                for k in ops.kpis(self.c).values()]

    def standings(self, year: int | None) -> list[dict]:
        return [{"rank": i + 1, "person": self.person(s.handle), "awards_total": self.money(s.awards_total),
                 "awards": s.awards, "best": s.best_answers, "tips_total": self.money(s.tips_total), "tips": s.tips}
                for i, s in enumerate(ops.leaderboard(self.c, year))]

    def leaderboard_page(self) -> Page:
        years = sorted({int(w[:4]) for w in self.c.weeks}, reverse=True)
        view = {"overall": self.standings(None), "years": [(year, self.standings(year)) for year in years]}
        return Page("leaderboard/index.html", "leaderboard.html", self._("Leaderboard"), view)

    def challenges_page(self) -> Page:
        act = self.activity()
        guests = [m for m in self.shown_members() if "guest" in m.roles]
        winners = [m for m in self.c.members.values() if m.entry == "challenge"]
        open_questions = [self.question_summary(q) for q in reversed(list(self.c.questions.values()))
                          if q.slug not in self.c.solutions]
        view = {
            "guests": [{"person": self.person(m.handle),
                        "answers": [self.answer_link(a.ref) for a in act.answers.get(m.handle, ())]} for m in guests],
            "winners": [{"person": self.person(m.handle), "joined": self.fmt.date(m.joined),
                         "awards": [{"week": Link(self.week_label(w.id), self.week_url(w.id)), "rank": a.rank,
                                     "amount": self.money(a.amount), "question": self.answer_link(a.answer)}
                                    for w, a in act.awards.get(m.handle, ())]}
                        for m in winners if self.person(m.handle).url],
            "open": open_questions,
            "entry_fee": self.money(self.c.site.fund.entry_fee),
        }
        return Page("challenges/index.html", "challenges.html", self._("Entry challenges"), view)

    def interests_page(self) -> Page:
        groups: dict[str, list[Person]] = {}
        for member in self.shown_members():
            for hobby in member.hobbies:
                groups.setdefault(hobby, []).append(self.person(member.handle))
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), self.fmt.sort_key(item[0])))
        return Page("interests/index.html", "interests.html", self._("Interests"),
                    {"groups": [{"hobby": h, "lang": script_of(h, self.lang), "people": p} for h, p in ordered]})

    def search_page(self) -> Page:
        shown = [m for m in self.c.members.values() if self.person(m.handle).url]
        expertise = {e for m in shown for e in m.expertise}
        industries = {m.industry for m in shown if m.industry}
        kinds = [("question", N_("Question")), ("solution", N_("Curated solution")), ("answer", N_("Answer")),
                 ("member", N_("Member")), ("event", N_("Event"))]
        return Page("search/index.html", "search.html", self._("Search"), {
            "kinds": [(kind, self._(label)) for kind, label in kinds],
            "tags": self.tag_links(sorted(self.c.tags, key=self.fmt.sort_key)),
            "expertise": sorted(expertise, key=self.fmt.sort_key),
            "industries": sorted(industries, key=self.fmt.sort_key),
        }, in_sitemap=False)

    def home(self) -> Page:
        weeks = list(self.c.weeks.values())
        latest_week = weeks[-1] if weeks else None
        awarded = next((w for w in reversed(weeks) if w.awards), None)
        solved = sorted(self.c.solutions.values(), key=lambda s: (s.published or dt.date.min, s.slug), reverse=True)
        view = {
            "latest_week": self.week_summary(latest_week) if latest_week else None,
            "latest_week_questions": [self.question_summary(q) for q in self.c.questions_of(latest_week.id)] if latest_week else [],
            "latest_solutions": [self.question_summary(self.c.questions[s.slug]) for s in solved[:LATEST]],
            "awards_week": self.week_summary(awarded) if awarded else None,
            "awards": self.award_rows(awarded) if awarded else (),
        }
        return Page("index.html", "home.html", self.c.site.title, view)

    def week_pages(self) -> list[Page]:
        return [self.weeks_index(), *(self.week_page(i) for i in range(len(self.c.weeks)))]

    def weeks_index(self) -> Page:
        return Page("weeks/index.html", "weeks.html", self._("Weeks"),
                    {"weeks": [self.week_summary(w) for w in reversed(self.c.weeks.values())]})

    def week_page(self, index: int) -> Page:
        weeks = self._week_list
        week = weeks[index]
        tips = tuple(
            TipRow(self.person(t.giver), self.answer_link(t.answer), self.person(t.answer.handle), self.money(t.amount))
            for t in week.tips
        )
        view = {
            "week": self.week_summary(week),
            "questions": [self.question_summary(q) for q in self.c.questions_of(week.id)],
            "pool": self.money(self.c.pools.get(week.id)),
            "awards": self.award_rows(week),
            "tips": tips,
            "rating": self.fmt.number(week.rating) if week.rating is not None else "",
            "previous": Link(self.week_label(weeks[index - 1].id), self.week_url(weeks[index - 1].id)) if index else None,
            "next": Link(self.week_label(weeks[index + 1].id), self.week_url(weeks[index + 1].id)) if index + 1 < len(weeks) else None,
        }
        return Page(f"weeks/{week.id}/index.html", "week.html", self.week_label(week.id), view,
                    lastmod=week.sunday.isoformat())

    def question_page(self, question: Question) -> Page:
        week = self.c.weeks.get(question.week)
        awards_by_ref: dict[AnswerRef, list[str]] = {}
        tips_by_ref = self.tips_by_question().get(question.slug, {})
        if week:
            for award in week.awards:
                awards_by_ref.setdefault(award.answer, []).append(
                    self._("Rank {rank}").format(rank=award.rank) + " · " + self.money(award.amount))
        answers = []
        for answer in self.c.answers.get(question.slug, ()):
            anchor = self.answer_anchor(answer.ref)
            tips = tips_by_ref.get(answer.ref, [])
            answers.append(AnswerView(
                anchor=anchor, author=self.person(answer.author), co_authors=self.people_of(answer.co_authors),
                submitted=self.fmt.date(answer.submitted), submitted_iso=answer.submitted.isoformat(),
                html=self.markdown(answer.body, anchor, HEADING_SHIFTS["answer"]), lang=self.body_lang(answer.body),
                awards=tuple(awards_by_ref.get(answer.ref, ())), tips_total=self.money(sum(tips, Decimal(0))) if tips else "",
                tip_count=len(tips),
            ))
        solution = self.c.solutions.get(question.slug)
        solution_view = None
        if solution:
            solution_view = SolutionView(
                curator=self.person(solution.curator), published=self.fmt.date(solution.published),
                published_iso=solution.published.isoformat() if solution.published else "",
                html=self.markdown(solution.body, "solution", HEADING_SHIFTS["solution"]),
                lang=self.body_lang(solution.body),
            )
        view = {
            "question": self.question_summary(question),
            "html": self.markdown(question.body, "question", HEADING_SHIFTS["question"]),
            "body_lang": self.body_lang(question.body, question.title),
            "deadline": self.fmt.date(question.deadline),
            "solution": solution_view,
            "answers": answers,
            "credits": self.credits(question),
            "helpers": self.helpers_for(question),
        }
        lastmod = max([question.posted] + [a.submitted for a in self.c.answers.get(question.slug, ())]
                      + ([solution.published] if solution and solution.published else []))
        return Page(f"questions/{question.slug}/index.html", "question.html", question.title, view,
                    lang=script_of(question.title, self.lang), lastmod=lastmod.isoformat())

    def tips_by_question(self) -> dict[str, dict[AnswerRef, list[Decimal]]]:
        """Tips by the question of the answer tipped (a tip may be given in any later week)."""
        if self._tips is None:
            self._tips = {}
            for week in self.c.weeks.values():
                for tip in week.tips:
                    self._tips.setdefault(tip.answer.slug, {}).setdefault(tip.answer, []).append(tip.amount)
        return self._tips

    def credits(self, question: Question) -> tuple[Credit, ...]:
        """Everyone who made the page, each once, with what they did."""
        roles: dict[str, list[str]] = {}

        def add(handle: str, role: str) -> None:
            if role not in roles.setdefault(handle, []):
                roles[handle].append(role)

        add(question.asker, self._("asked"))
        for answer in self.c.answers.get(question.slug, ()):
            add(answer.author, self._("answered"))
            for co in answer.co_authors:
                add(co, self._("co-authored an answer"))
        solution = self.c.solutions.get(question.slug)
        if solution:
            add(solution.curator, self._("curated the solution"))
            if solution.credits is not None:
                for credit in solution.credits:
                    add(credit.member, credit.role if credit.role != "answer" else self._("answered"))
        return tuple(Credit(self.person(h), tuple(r)) for h, r in roles.items())

    def tag_pages(self) -> list[Page]:
        tags = sorted(self.c.tags, key=self.fmt.sort_key)
        pages = [Page("tags/index.html", "tags.html", self._("Tags"), {"tags": self.tag_links(tags)})]
        spellings: dict[str, list[str]] = {}
        for tag in tags:
            spellings.setdefault(tag_segment(tag), []).append(tag)
        position = {slug: i for i, slug in enumerate(self.c.questions)}
        # Two spellings of one tag share a page, named by the first in collation order.
        for segment, same in spellings.items():
            tag = same[0]
            slugs = sorted({s for t in same for s in self.c.tags[t]}, key=position.__getitem__)
            questions = [self.question_summary(self.c.questions[slug]) for slug in slugs]
            pages.append(Page(f"tags/{segment}/index.html", "tag.html", tag,
                              {"tag": Link(tag, self.tag_url(tag), script_of(tag, self.lang), len(questions)),
                               "questions": list(reversed(questions))},
                              lang=script_of(tag, self.lang)))
        return pages

    # -- the talent directory and portfolios
    def activity(self) -> "Activity":
        if self._activity is None:
            self._activity = Activity.of(self.c)
        return self._activity

    def kpis(self) -> dict:
        if self._kpis is None:
            self._kpis = ops.kpis(self.c)
        return self._kpis

    def shown_members(self) -> list[Member]:
        """Members with a portfolio in this build, in collation order of their nicknames."""
        if self._shown is None:
            shown = [m for m in self.c.members.values() if self.person(m.handle).url]
            shown.sort(key=lambda m: (self.fmt.sort_key(m.nickname), m.handle))
            self._shown = shown
        return self._shown

    def member_pages(self) -> list[Page]:
        return [self.members_index(), *(self.member_page(rank) for rank in range(len(self.shown_members())))]

    def members_index(self) -> Page:
        shown = self.shown_members()
        cards = [self.member_card(m, rank) for rank, m in enumerate(shown)]
        facets = {
            "expertise": sorted({e for m in shown for e in m.expertise}, key=self.fmt.sort_key),
            "industry": sorted({m.industry for m in shown if m.industry}, key=self.fmt.sort_key),
            "position": sorted({m.position for m in shown if m.position}, key=self.fmt.sort_key),
            "needs": sorted({n for m in shown for n in m.needs}, key=self.fmt.sort_key),
            "role": [(role, self._(ROLE_LABELS[role])) for role in ROLE_LABELS
                     if any(role in m.roles for m in shown)],
        }
        return Page("members/index.html", "members.html", self._("Talent directory"),
                    {"members": cards, "facets": facets})

    def member_page(self, rank: int) -> Page:
        member = self.shown_members()[rank]
        card = self.member_card(member, rank)
        return Page(f"members/{member.handle}/index.html", "member.html", member.nickname,
                    self.portfolio(member, card), lang=self.person(member.handle).lang)

    def member_card(self, member: Member, rank: int = 0) -> dict:
        act = self.activity()
        handle = member.handle
        awards = act.awards.get(handle, ())
        return {
            "handle": handle,
            "person": self.person(handle),
            "position": member.position, "industry": member.industry,
            "expertise": member.expertise, "needs": member.needs,
            "role_keys": member.roles,
            "roles": tuple(self._(ROLE_LABELS[role]) for role in member.roles),
            "joined": self.fmt.date(member.joined),
            "joined_iso": member.joined.isoformat() if member.joined else "",
            "answers": len(act.answers.get(handle, ())),
            "credited": len(act.credited.get(handle, ())),
            "awards": len(awards),
            "awards_total": str(sum((a.amount for _, a in awards), Decimal(0))),
            "moderated": len(act.moderated.get(handle, ())),
            "name_rank": rank,
        }

    def portfolio(self, member: Member, card: dict) -> dict:
        act = self.activity()
        handle = member.handle
        private = member.private if self.audience.shows_private else None
        contributions = []
        awards_of: dict[AnswerRef, list] = {}
        for _, award in act.awards.get(handle, ()):
            awards_of.setdefault(award.answer, []).append(award)
        for answer in reversed(act.answers.get(handle, ())):
            question = self.c.questions[answer.slug]
            ref = answer.ref
            contributions.append({
                "question": self.question_summary(question),
                "url": f"{self.question_url(answer.slug)}#{self.answer_anchor(ref)}",
                "submitted": self.fmt.date(answer.submitted), "submitted_iso": answer.submitted.isoformat(),
                "excerpt": self.excerpt(answer),
                "lang": self.body_lang(answer.body),
                "co_authors": self.people_of(answer.co_authors),
                "awards": tuple(self._("Rank {rank}").format(rank=a.rank) + " · " + self.money(a.amount)
                                for a in awards_of.get(ref, ())),
            })
        awards = [{"week": Link(self.week_label(week.id), self.week_url(week.id)), "rank": award.rank,
                   "amount": self.money(award.amount), "question": self.answer_link(award.answer)}
                  for week, award in reversed(act.awards.get(handle, ()))]
        tips = [{"giver": self.person(tip.giver), "question": self.answer_link(tip.answer),
                 "amount": self.money(tip.amount)} for _, tip in reversed(act.tips.get(handle, ()))]
        career = [
            {"year": step.year, "role": step.role,
             "org": private.career_orgs[i] if private and i < len(private.career_orgs) else ""}
            for i, step in enumerate(member.career_path)
        ]
        partners = sorted(act.partners.get(handle, set()), key=lambda h: self.fmt.sort_key(self.c.members[h].nickname))
        return {
            "card": card,
            "bio": self.markdown(member.bio, "bio"),
            "bio_lang": script_of(member.bio.text if member.bio else "", self.lang),
            "career": career,
            "hobbies": member.hobbies,
            "contact": private.contact if private else (),
            "answers": contributions,
            "awards": awards,
            "awards_total": self.money(sum((a.amount for _, a in act.awards.get(handle, ())), Decimal(0))),
            "tips": tips,
            "tips_total": self.money(sum((t.amount for _, t in act.tips.get(handle, ())), Decimal(0))),
            "curated": [self.question_summary(self.c.questions[slug]) for slug in act.curated.get(handle, ())],
            "credited": [self.question_summary(self.c.questions[slug]) for slug in act.credited.get(handle, ())],
            "moderated": [self.kpi_view(self.kpis()[w]) | {"theme": self.c.weeks[w].theme}
                          for w in reversed(act.moderated.get(handle, ()))],
            "events": [Link(e.title, self.url(f"events/{e.slug}/"), script_of(e.title, self.lang))
                       for e in self.c.events if handle in e.organizers],
            "co_authors": self.people_of(partners),
            "timeline": self.timeline(handle),
            "resume_url": self.url(f"members/{handle}/resume.json"),
        }

    def excerpt(self, answer: Answer) -> str:
        """The start of an answer as plain text, for its author's portfolio and JSON Resume."""
        text = self._excerpts.get(answer.ref)
        if text is None:
            text = self._excerpts[answer.ref] = _excerpt(answer.body.text if answer.body else "")
        return text

    def body_lang(self, body: Markdown | None, fallback: str = "") -> str:
        """The script of a body (of `fallback` when there is none), worked out once a build: a
        body shows on its question page, in its author's portfolio and in the book."""
        text = body.text if body else fallback
        lang = self._body_langs.get(text)
        if lang is None:
            lang = self._body_langs[text] = script_of(text, self.lang)
        return lang

    def week_positions(self) -> dict[str, int]:
        if self._week_positions is None:
            self._week_positions = {week: i for i, week in enumerate(self.c.weeks)}
        return self._week_positions

    def timeline(self, handle: str) -> dict:
        """Bars of activity per week over the whole archive, as numbers for an inline SVG."""
        weeks = self._week_list
        act = self.activity()
        counts = Counter(self.c.questions[a.slug].week for a in act.answers.get(handle, ()))
        counts.update(self.c.questions[slug].week for slug in act.curated.get(handle, ()))
        counts.update(act.moderated.get(handle, ()))
        width, height = 600, 60
        step = width / max(1, len(weeks))
        top = max(counts.values(), default=1)
        position = self.week_positions()
        bars = [{"x": round(i * step, 2), "width": round(max(step - 1, 1), 2),
                 "height": round(counts[w] / top * (height - 4), 2), "week": w, "count": counts[w]}
                for i, w in sorted((position[w], w) for w in counts if counts[w] and w in position)]
        return {"width": width, "height": height, "bars": bars, "active_weeks": len(bars),
                "first": weeks[0].id if weeks else "", "last": weeks[-1].id if weeks else ""}

    def resume(self, member: Member) -> dict:
        """JSON Resume (jsonresume.org schema 1.x) from what this audience may see."""
        act = self.activity()
        private = member.private if self.audience.shows_private else None
        portfolio = self.absolute(self.member_url(member.handle))
        basics = {"name": member.nickname, "url": portfolio,
                  "profiles": [{"network": self.c.site.title, "username": member.handle, "url": portfolio}]}
        if member.position:
            basics["label"] = member.position
        if member.bio:
            basics["summary"] = member.bio.text.strip()
        work = []
        for i, step in enumerate(member.career_path):
            entry = {"position": step.role, "startDate": str(step.year)}
            if private and i < len(private.career_orgs) and private.career_orgs[i]:
                entry["name"] = private.career_orgs[i]
            work.append(entry)
        projects = []
        for answer in act.answers.get(member.handle, ()):
            question = self.c.questions[answer.slug]
            projects.append({
                "name": question.title,
                "description": self.excerpt(answer),
                "url": self.absolute(f"{self.question_url(answer.slug)}#{self.answer_anchor(answer.ref)}"),
                "startDate": answer.submitted.isoformat(),
                "roles": ["answer author"],
                "entity": self.c.site.title,
                "type": "community contribution",
                "keywords": list(question.tags),
            })
        for slug in act.curated.get(member.handle, ()):
            question, solution = self.c.questions[slug], self.c.solutions[slug]
            item = {"name": question.title, "url": self.absolute(self.question_url(slug)) + "#solution",
                    "roles": ["curator"], "entity": self.c.site.title, "type": "curated solution",
                    "keywords": list(question.tags)}
            if solution.published:
                item["startDate"] = solution.published.isoformat()
            projects.append(item)
        resume = {
            "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
            "basics": basics,
            "work": work,
            "skills": [{"name": e} for e in member.expertise],
            "interests": [{"name": h} for h in member.hobbies],
            "projects": projects,
            "awards": [{"title": f"{self.week_label(week.id)} · " + self._("Rank {rank}").format(rank=award.rank),
                        "date": week.sunday.isoformat(), "awarder": self.c.site.title,
                        "summary": self.money(award.amount)}
                       for week, award in act.awards.get(member.handle, ())],
            "meta": {"canonical": self.absolute(self.url(f"members/{member.handle}/resume.json"))},
        }
        if private:
            if private.name:
                basics["name"] = private.name
            for kind, value in private.contact:
                if kind == "email":
                    basics["email"] = value
                elif kind == "phone":
                    basics["phone"] = value
        return resume

    def talent(self) -> list[dict]:
        """The directory as data, one row per member shown (public fields only, or what the
        audience may see)."""
        rows = []
        for member in self.shown_members():
            card = self.member_card(member)
            rows.append({
                "handle": member.handle, "nickname": member.nickname, "position": member.position,
                "industry": member.industry, "expertise": list(member.expertise), "needs": list(member.needs),
                "roles": list(member.roles), "joined": card["joined_iso"],
                "answers": card["answers"], "solutions_credited": card["credited"], "awards": card["awards"],
                "awards_total": card["awards_total"], "weeks_moderated": card["moderated"],
                "portfolio": self.absolute(self.member_url(member.handle)),
                "resume": self.absolute(self.url(f"members/{member.handle}/resume.json")),
            })
        return rows

    def helpers_for(self, question: Question) -> tuple[Person, ...]:
        """Members whose expertise matches the question's tags and who have not answered yet:
        whom the duty moderator could invite. Matching ignores script and case."""
        if self.audience.name == "public":
            return ()
        tags = [fold_script(t) for t in question.tags]
        answered = {a.author for a in self.c.answers.get(question.slug, ())} | {question.asker}
        found = []
        for member in self.shown_members():
            if member.handle in answered:
                continue
            skills = [fold_script(e) for e in member.expertise]
            if any(t in e or e in t for t in tags for e in skills):
                found.append(self.person(member.handle))
        return tuple(found[:8])

    def event_pages(self) -> list[Page]:
        today = max((e.date for e in self.c.fund), default=dt.date.min)
        latest = max([today] + [w.sunday for w in self.c.weeks.values()])
        views = [self.event_view(e) for e in self.c.events]
        pages = [Page("events/index.html", "events.html", self._("Events"), {
            "upcoming": [v for v, e in zip(views, self.c.events) if e.date > latest],
            "past": [v for v, e in zip(reversed(views), reversed(self.c.events)) if e.date <= latest],
        })]
        for view, event in zip(views, self.c.events):
            pages.append(Page(f"events/{event.slug}/index.html", "event.html", event.title, view,
                              lang=view["lang"], lastmod=event.date.isoformat()))
        return pages

    def event_view(self, event: Event) -> dict:
        attendees = self.people_of(event.attendees)
        return {
            "title": event.title, "url": self.url(f"events/{event.slug}/"), "date": self.fmt.date(event.date),
            "date_iso": event.date.isoformat(), "location": event.location,
            "organizers": self.people_of(event.organizers),
            "attendees": tuple(p for p in attendees if not p.anonymous),
            "anonymous_attendees": sum(p.anonymous for p in attendees),
            "fee": self.money(event.fee) if event.fee is not None else "",
            "html": self.markdown(event.body), "lang": script_of(event.title, self.lang),
            "body_lang": self.body_lang(event.body, event.title),
        }

    # -- feed
    def feed(self) -> tuple[tuple[FeedEntry, ...], str]:
        zone = _zone(self.c.site.timezone)
        # (day, order, slug, is a solution): the newest are chosen first, then rendered.
        candidates = [((s.published or self.c.questions[slug].posted), 1, slug, True)
                      for slug, s in self.c.solutions.items()]
        candidates += [(q.posted, 0, q.slug, False) for q in self.c.questions.values()]
        candidates.sort(key=lambda e: (e[0], e[1], e[2]), reverse=True)
        chosen = tuple(self._feed_entry(day, slug, solution, zone)
                       for day, _, slug, solution in candidates[:FEED_ENTRIES])
        return chosen, (chosen[0].updated if chosen else _stamp(dt.date(2000, 1, 1), zone))

    def _feed_entry(self, day: dt.date, slug: str, is_solution: bool, zone) -> FeedEntry:
        question = self.c.questions[slug]
        if is_solution:
            solution = self.c.solutions[slug]
            return FeedEntry(
                title=question.title, url=self.absolute(self.question_url(slug)), updated=_stamp(day, zone),
                author=self.person(solution.curator).name,
                summary_html=self.markdown(solution.body, "solution", HEADING_SHIFTS["solution"]),
                kind="solution", lang=script_of(question.title, self.lang))
        return FeedEntry(
            title=question.title, url=self.absolute(self.question_url(slug)) + "#question",
            updated=_stamp(day, zone), author=self.person(question.asker).name,
            summary_html=self.markdown(question.body, "question", HEADING_SHIFTS["question"]), kind="question",
            lang=script_of(question.title, self.lang))

    def absolute(self, url: str) -> str:
        return self.origin + url


def _zone(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def _stamp(day: dt.date, zone) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


def build_views(community: Community, audience_name: str, translate: Callable[[str], str],
                stored: Mapping[bytes, Opened] | None = None, opened: Mapping[bytes, Opened] | None = None,
                *, pages: bool = True) -> tuple[Site, dict[bytes, Opened]]:
    """All pages of one audience's site, and the Markdown cache to keep for the next build.
    `stored` is the cache earlier builds left, `opened` the bodies rendered while the records were
    read (both open renderings by `body_key`). With `pages=False` the site comes
    without its pages, for builds that make them elsewhere (`page_builder`)."""
    return site_views(page_builder(community, audience_name, translate, stored, opened), pages=pages)


def site_views(builder: "_Builder", *, pages: bool = True) -> tuple[Site, dict[bytes, Opened]]:
    """`build_views` with a builder made (and perhaps warmed) beforehand."""
    if pages:
        builder.prerender()
    page_list = builder.pages() if pages else []
    feed, updated = builder.feed()
    resumes = tuple((m.handle, builder.resume(m)) for m in builder.shown_members())
    return Site(site_view(builder), tuple(page_list), feed, updated, resumes, tuple(builder.talent()),
                builder.fund_data(), tuple(builder.kpi_data()), builder.book()), builder.used


def page_builder(community: Community, audience_name: str, translate: Callable[[str], str],
                 stored: Mapping[bytes, Opened] | None = None,
                 opened: Mapping[bytes, Opened] | None = None) -> "_Builder":
    """What makes an audience's pages: its `page_plan()` lists them, `site_view` what all share."""
    # (`opened` itself, even empty: a build fills it with the Markdown rendered ahead after this.)
    return _Builder(community, Audience(audience_name, community.site.privacy_stage), translate,
                    {} if stored is None else stored, {} if opened is None else opened)


def site_view(builder: "_Builder") -> SiteView:
    """What every page shows: the site's name, navigation and counts."""
    community, _ = builder.c, builder._
    nav = [Link(_("Home"), builder.url("")), Link(_("Weeks"), builder.url("weeks/")),
           Link(_("Tags"), builder.url("tags/")), Link(_("Members"), builder.url("members/")),
           Link(_("Events"), builder.url("events/")), Link(_("Fund"), builder.url("fund/")),
           Link(_("Moderators"), builder.url("moderators/")), Link(_("Challenges"), builder.url("challenges/"))]
    if community.about:
        nav.append(Link(_("About"), builder.url("about/")))
    lines = ops.ledger(community)
    balance = lines[-1].balance if lines else Decimal(0)
    audience_name = builder.audience.name
    return SiteView(
        title=community.site.title, tagline=community.site.tagline, lang=community.site.language,
        base_url=community.site.base_url, root=builder.root, audience=audience_name,
        noindex=audience_name != "public", nav=tuple(nav),
        counts={"members": sum(1 for m in community.members.values() if builder.person(m.handle).url),
                "questions": len(community.questions), "solutions": len(community.solutions),
                "answers": sum(map(len, community.answers.values()))},
        fund_balance=builder.money(balance), feed_url=builder.url("feed.xml"),
    )
