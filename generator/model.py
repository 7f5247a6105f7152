"""Model stage: link the records into one `Community`, checking every cross-reference.

Records refer to each other by id; this is the one place those ids are resolved. A reference
that resolves to nothing is reported where it was written. The award pools are derived here,
once, from the site's fund rules, the ledger and the weeks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping
from urllib.parse import unquote

from .diagnostics import Diagnostic, Loc, error, warning
from .records import (
    INCOME_KINDS, About, Answer, AnswerRef, Book, Credit, Event, FundEntry, Markdown, Member, Question,
    Site, Solution, Week,
)
from .load import FileCache, load_source, without_cycle_collector
from .validate import Records, validate

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Community:
    """The whole archive, linked. Mappings are read-only and ordered as pages list them:
    members by handle, weeks and questions chronologically, answers by submission."""

    site: Site
    members: Mapping[str, Member]
    weeks: Mapping[str, Week]
    questions: Mapping[str, Question]
    answers: Mapping[str, tuple[Answer, ...]]  # by question slug
    solutions: Mapping[str, Solution]  # by question slug
    fund: tuple[FundEntry, ...]
    events: tuple[Event, ...]
    about: About | None
    book: Book | None
    pools: Mapping[str, Decimal]  # week id -> the award pool in force that week
    tags: Mapping[str, tuple[str, ...]]  # tag -> question slugs
    week_questions: Mapping[str, tuple[str, ...]]  # week id -> question slugs

    def answer(self, ref: AnswerRef) -> Answer | None:
        return next((a for a in self.answers.get(ref.slug, ()) if a.author == ref.handle), None)

    def questions_of(self, week_id: str) -> tuple[Question, ...]:
        return tuple(self.questions[slug] for slug in self.week_questions.get(week_id, ()))

    def credits_of(self, slug: str) -> tuple[Credit, ...]:
        """Who is credited for a curated solution: as written, or every answer's author."""
        solution = self.solutions.get(slug)
        if solution is None:
            return ()
        if solution.credits is not None:
            return solution.credits
        return tuple(Credit(a.author, "answer") for a in self.answers.get(slug, ()))

    def chapter_questions(self, index: int) -> tuple[Question, ...]:
        """The questions a book chapter selects, in week order."""
        chapter = self.book.chapters[index] if self.book else None
        if chapter is None:
            return ()
        chosen = set(chapter.questions)
        chosen.update(s for tag in chapter.tags for s in self.tags.get(tag, ()))
        if chapter.weeks:
            chosen.update(q.slug for q in self.questions.values()
                          if chapter.weeks.start <= q.week <= chapter.weeks.end)
        return tuple(q for q in self.questions.values() if q.slug in chosen)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)


def _group(questions: Iterable[Question], key) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for question in questions:
        grouped[key(question)].append(question.slug)
    return {k: tuple(v) for k, v in grouped.items()}


class _Checker:
    """Collects cross-reference diagnostics against the member index."""

    def __init__(self, members: Mapping[str, Member], member_files: frozenset[str],
                 diags: list[Diagnostic]) -> None:
        self.members = members
        self.member_files = member_files
        self.diags = diags

    def handle(self, who: str, loc: Loc, role: str) -> bool:
        if who in self.members:
            return True
        if who in self.member_files:
            return False  # the member's broken file is reported already
        self.diags.append(error(loc, f"unknown member '{who}' as {role}"
                                     f" (no content/members/{who}.yaml)"))
        return False

    def handles(self, handles: Iterable[str], at: Mapping[str, Loc], key: str, fallback: Loc,
                role: str) -> None:
        for index, who in enumerate(handles):
            self.handle(who, at.get(f"{key}.{index}", at.get(key, fallback)), role)


@without_cycle_collector
def read_community(root: Path, files: FileCache | None = None) -> tuple[Community | None, list[Diagnostic]]:
    """Load, validate and link the community under `root`; every diagnostic of all three."""
    loaded = load_source(root, files)
    records, more = validate(loaded.documents)
    community, linked = assemble(records, loaded.member_files)
    return community, loaded.diagnostics + more + linked


def assemble(records: Records, member_files: frozenset[str] = frozenset()) -> tuple[Community | None, list[Diagnostic]]:
    """Link the records. `member_files` names members whose file exists even if it could not be
    read: references to them are not reported again (the file's own diagnostic says why)."""
    diags: list[Diagnostic] = []
    site = records.site
    members = {m.handle: m for m in sorted(records.members, key=lambda m: m.handle)}
    check = _Checker(members, member_files, diags)

    weeks = {w.id: w for w in sorted(records.weeks, key=lambda w: w.id)}
    for week in weeks.values():
        check.handles(week.moderators, week.at, "moderator", week.loc, "moderator")

    questions: dict[str, Question] = {}
    for question in sorted(records.questions, key=lambda q: (q.week, q.posted, q.slug)):
        if question.slug in questions:
            first = questions[question.slug]
            diags.append(error(question.loc, f"question slug '{question.slug}' is also used in "
                                             f"{first.loc.path}: slugs are unique across the archive"))
            continue
        questions[question.slug] = question
        check.handle(question.asker, question.at["asker"], "asker")

    answers: dict[str, list[Answer]] = defaultdict(list)
    for answer in sorted(records.answers, key=lambda a: (a.submitted, a.author)):
        if answer.slug not in questions:
            continue  # the question folder's missing or broken question.md is reported already
        if not check.handle(answer.author, answer.loc, "answer author (the file name)") \
                and answer.author not in member_files:
            # Kept when only the author's file is broken, so awards and links to the answer are
            # not reported again; such a community has an error and is never rendered.
            continue
        check.handles(answer.co_authors, answer.at, "co_authors", answer.loc, "co-author")
        for index, who in enumerate(answer.co_authors):
            if who == answer.author:
                diags.append(warning(answer.at[f"co_authors.{index}"],
                                     f"'{who}' wrote this answer and is listed as its own co-author"))
        answers[answer.slug].append(answer)
    # Question order, so every mapping lists in the same order.
    answers_by_slug = {slug: tuple(answers[slug]) for slug in questions if answers.get(slug)}

    solutions: dict[str, Solution] = {}
    for solution in records.solutions:
        if solution.slug not in questions:
            continue
        check.handle(solution.curator, solution.at["curator"], "curator")
        for index, credit in enumerate(solution.credits or ()):
            check.handle(credit.member, solution.at.get(f"credits.{index}.member", solution.loc), "credited member")
        solutions[solution.slug] = solution
    solutions = {slug: solutions[slug] for slug in questions if slug in solutions}

    tags: dict[str, list[str]] = defaultdict(list)
    for question in questions.values():
        for tag in question.tags:
            tags[tag].append(question.slug)

    fund = tuple(sorted(records.fund, key=lambda e: e.date))
    for entry in fund:
        if entry.member is not None:
            check.handle(entry.member, entry.at.get("member", entry.loc), "fund member")

    events = tuple(sorted(records.events, key=lambda e: (e.date, e.slug)))
    for event in events:
        check.handles(event.organizers, event.at, "organizers", event.loc, "organizer")
        check.handles(event.attendees, event.at, "attendees", event.loc, "attendee")

    if site is not None and site.rota is not None:
        check.handles(site.rota.moderators, site.at, "rota.moderators", site.loc, "rota moderator")

    community_answers = _frozen(answers_by_slug)
    _check_awards_and_tips(weeks, questions, community_answers, diags)
    _check_incentives(members, weeks, fund, diags)
    pools = _pools(site, weeks, fund, diags) if site is not None else {}

    if records.book is not None:
        check.handles(records.book.editors, records.book.at, "editors", records.book.loc, "book editor")
        for chapter in records.book.chapters:
            for index, slug in enumerate(chapter.questions):
                if slug not in questions:
                    diags.append(error(chapter.at.get(f"questions.{index}", chapter.loc),
                                       f"unknown question '{slug}' in chapter '{chapter.title}'"))
            if chapter.weeks and chapter.weeks.start > chapter.weeks.end:
                diags.append(error(chapter.at.get("weeks", chapter.loc),
                                   f"week range runs backwards: {chapter.weeks.start} is after {chapter.weeks.end}"))

    if site is None:
        return None, diags
    community = Community(
        site=site, members=_frozen(members), weeks=_frozen(weeks), questions=_frozen(questions),
        answers=community_answers, solutions=_frozen(solutions), fund=fund, events=events,
        about=records.about, book=records.book, pools=_frozen(pools),
        tags=_frozen({tag: tuple(slugs) for tag, slugs in tags.items()}),
        week_questions=_frozen(_group(questions.values(), lambda q: q.week)),
    )
    if community.book is not None:
        for index, chapter in enumerate(community.book.chapters):
            selected = community.chapter_questions(index)
            if not selected:
                diags.append(error(chapter.loc, f"chapter '{chapter.title}' selects no question"))
            for question in selected:
                if question.slug not in community.solutions:
                    diags.append(warning(chapter.loc, f"chapter '{chapter.title}': question '{question.slug}' has "
                                                      "no curated solution yet, so the book leaves it out"))
    diags += check_links(community)
    return community, diags


def _check_awards_and_tips(weeks: Mapping[str, Week], questions: Mapping[str, Question],
                           answers: Mapping[str, tuple[Answer, ...]], diags: list[Diagnostic]) -> None:
    def find(ref: AnswerRef, loc: Loc, what: str) -> Answer | None:
        if ref.slug not in questions:
            diags.append(error(loc, f"{what} names unknown question '{ref.slug}'"))
            return None
        found = next((a for a in answers.get(ref.slug, ()) if a.author == ref.handle), None)
        if found is None:
            diags.append(error(loc, f"{what} names a missing answer: '{ref.slug}' has no answer by '{ref.handle}'"))
        return found

    for week in weeks.values():
        ranks: dict[int, Loc] = {}
        awarded: set[AnswerRef] = set()
        for award in week.awards:
            rank_loc = award.at.get("rank", award.loc)
            if award.rank in ranks:
                diags.append(error(rank_loc, f"duplicate rank {award.rank} (also at line {ranks[award.rank].line})"))
            ranks.setdefault(award.rank, rank_loc)
            answer_loc = award.at.get("answer", award.loc)
            if award.answer in awarded:
                diags.append(error(answer_loc, f"answer {award.answer} is awarded twice this week"))
            awarded.add(award.answer)
            answer = find(award.answer, answer_loc, "award")
            if answer is not None and questions[answer.slug].week != week.id:
                diags.append(warning(answer_loc, f"awarded answer {award.answer} belongs to week "
                                                 f"{questions[answer.slug].week}, not {week.id}"))
        for tip in week.tips:
            answer = find(tip.answer, tip.at.get("answer", tip.loc), "tip")
            if answer is not None and answer.author == tip.giver:
                diags.append(warning(tip.at.get("from", tip.loc), f"'{tip.giver}' tips their own answer"))


def _check_incentives(members: Mapping[str, Member], weeks: Mapping[str, Week],
                      fund: tuple[FundEntry, ...], diags: list[Diagnostic]) -> None:
    """What is allowed but usually a mistake in how the community pays people."""
    moderators = {h for w in weeks.values() for h in w.moderators}
    winners = {a.answer.handle for w in weeks.values() for a in w.awards}
    for entry in fund:
        if entry.kind == "stipend" and entry.member and entry.member in members and entry.member not in moderators:
            diags.append(warning(entry.at.get("member", entry.loc),
                                 f"stipend to '{entry.member}', who moderated no week of the archive"))
    for week in weeks.values():
        for award in week.awards:
            if award.answer.handle in week.moderators:
                diags.append(warning(award.at.get("answer", award.loc),
                                     f"award to '{award.answer.handle}', the week's own duty moderator"))
    for member in members.values():
        if member.entry == "challenge" and member.handle not in winners:
            diags.append(warning(member.at.get("entry", member.loc),
                                 f"'{member.handle}' entered through a challenge but won no award in the "
                                 "archive (fine if the winning week predates it)"))


def _pools(site: Site, weeks: Mapping[str, Week], fund: tuple[FundEntry, ...],
           diags: list[Diagnostic]) -> dict[str, Decimal]:
    """The award pool of each week, and the checks that need the running fund balance.

    The fund is spent evenly over `fund.weeks` weeks counted from the first archived week:
    a week's default pool is the balance on its Sunday (ledger entries up to that day, less
    the awards of earlier weeks) divided by the weeks left, rounded down to the cent."""
    pools: dict[str, Decimal] = {}
    _check_ledger(fund, weeks.values(), diags)
    if not weeks:
        return pools
    first = next(iter(weeks.values())).monday
    balance = Decimal(0)
    pending = list(fund)
    for week in weeks.values():
        while pending and pending[0].date <= week.sunday:
            balance += pending.pop(0).signed
        weeks_left = max(1, site.fund.weeks - (week.monday - first).days // 7)
        default = max(Decimal(0), balance / weeks_left).quantize(CENT, rounding=ROUND_DOWN)
        pool = week.pool if week.pool is not None else default
        pools[week.id] = pool
        paid = sum((a.amount for a in week.awards), Decimal(0))
        if paid > pool:
            source = "this week's pool" if week.pool is not None else (
                f"the fund's weekly pool (balance {balance:.2f} / {weeks_left} weeks left; "
                "set pool: in week.yaml to give the week its own)")
            diags.append(error(week.at.get("awards", week.loc),
                               f"awards total {paid:.2f}, more than {source} of {pool:.2f}"))
        balance -= paid
    return pools


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One movement of the fund: a ledger entry, or the awards a week paid (kind `award`)."""

    date: dt.date
    kind: str
    amount: Decimal  # positive; `income` says which way it went
    income: bool
    balance: Decimal  # after this line
    member: str | None = None
    note: str = ""
    week: str | None = None
    loc: Loc = Loc("")


def ledger_lines(fund: Iterable[FundEntry], weeks: Iterable[Week]) -> list[LedgerLine]:
    """Ledger entries and weekly award payouts (dated the week's Sunday), in date order (entries
    before awards on the same day), with the running balance."""
    moves: list[tuple] = [(e.date, 0, i, e) for i, e in enumerate(fund)]
    moves += [(w.sunday, 1, i, w) for i, w in enumerate(weeks) if w.awards]
    balance = Decimal(0)
    lines = []
    for day, _, _, item in sorted(moves, key=lambda m: m[:3]):
        if isinstance(item, Week):
            paid = sum((a.amount for a in item.awards), Decimal(0))
            balance -= paid
            lines.append(LedgerLine(day, "award", paid, False, balance, week=item.id,
                                    loc=item.at.get("awards", item.loc)))
        else:
            income = item.kind in INCOME_KINDS
            balance += item.amount if income else -item.amount
            lines.append(LedgerLine(day, item.kind, item.amount, income, balance, item.member, item.note,
                                    loc=item.at.get("amount", item.loc)))
    return lines


def _check_ledger(fund: tuple[FundEntry, ...], weeks: Iterable[Week], diags: list[Diagnostic]) -> None:
    """Report the first day the fund's balance goes below zero."""
    for line in ledger_lines(fund, weeks):
        if line.balance < 0:
            diags.append(error(line.loc, f"the fund's balance falls to {line.balance:.2f} on {line.date}"))
            return


# ---------------------------------------------------------------------------- links in Markdown

# Links between records: q:<slug>, a:<slug>/<handle>, m:<handle>, w:<YYYY-Www>, t:<tag>.
INTERNAL_SCHEMES = ("q", "a", "m", "w", "t")
ALLOWED_SCHEMES = ("http", "https", "mailto")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?(\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def link_problem(target: str, community: Community) -> str | None:
    """Why a Markdown link target is not acceptable, or None when it is."""
    match = _SCHEME.match(target)
    if not match:
        return None  # relative path or anchor
    scheme = match[1].lower()
    rest = unquote(target[match.end():]).split("#", 1)[0]
    if scheme in ALLOWED_SCHEMES:
        return None
    if scheme == "q":
        return None if rest in community.questions else f"link to unknown question '{rest}'"
    if scheme == "a":
        slug, _, who = rest.partition("/")
        if community.answer(AnswerRef(slug, who)) is None:
            return f"link to a missing answer '{rest}'"
        return None
    if scheme == "m":
        return None if rest in community.members else f"link to unknown member '{rest}'"
    if scheme == "w":
        return None if rest in community.weeks else f"link to unknown week '{rest}'"
    if scheme == "t":
        return None if rest in community.tags else f"link to unknown tag '{rest}'"
    return (f"link scheme '{scheme}:' is not allowed (use http, https, mailto, a relative path, "
            f"or q: a: m: w: t: for records); the link is shown as text")


def _link_targets(markdown: Markdown) -> Iterable[tuple[str, int, int]]:
    """(target, file line, column) of every link target in a Markdown text."""
    text = markdown.text
    if "](" not in text and "]:" not in text:
        return
    for pattern in (_INLINE_LINK, _REFERENCE):
        for match in pattern.finditer(text):
            if not match[1]:
                continue
            offset = match.start(1)
            row = text.count("\n", 0, offset)
            yield match[1], markdown.line + row, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _bodies(community: Community) -> Iterable[Markdown]:
    for member in community.members.values():
        if member.bio:
            yield member.bio
    for question in community.questions.values():
        if question.body:
            yield question.body
    for answers in community.answers.values():
        for answer in answers:
            if answer.body:
                yield answer.body
    for solution in community.solutions.values():
        if solution.body:
            yield solution.body
    for event in community.events:
        if event.body:
            yield event.body
    if community.about and community.about.body:
        yield community.about.body
    if community.book:
        for chapter in community.book.chapters:
            if chapter.intro:
                yield chapter.intro


def check_links(community: Community) -> list[Diagnostic]:
    return [d for body in _bodies(community) for d in body_links(body, community)]


def body_links(body: Markdown, community: Community) -> list[Diagnostic]:
    """The problems of one body's link targets."""
    diags = []
    for target, line, column in _link_targets(body):
        problem = link_problem(target, community)
        if problem:
            severity = warning if "not allowed" in problem else error
            diags.append(severity(Loc(body.path, line, column), problem))
    return diags


def with_bodies(community: Community, records: Iterable[Question | Answer | Solution]) -> Community:
    """The community with some questions, answers or solutions replaced by records that differ
    from them only in their text (`shequn serve` after an edit of a body)."""
    questions, answers, solutions = dict(community.questions), dict(community.answers), dict(community.solutions)
    for record in records:
        if isinstance(record, Question):
            questions[record.slug] = record
        elif isinstance(record, Solution):
            solutions[record.slug] = record
        else:
            answers[record.slug] = tuple(record if a.author == record.author else a for a in answers[record.slug])
    return replace(community, questions=_frozen(questions), answers=_frozen(answers),
                   solutions=_frozen(solutions))
