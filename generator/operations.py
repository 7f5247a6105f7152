"""Community operations computed from the records: the fund's ledger and balance, the leaderboard,
each week's KPIs and the rota ahead. Numbers only (Decimal for money); `view` formats them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .model import Community, LedgerLine, ledger_lines
from .validate import monday_of

ZERO = Decimal(0)


def ledger(community: Community) -> list[LedgerLine]:
    return ledger_lines(community.fund, community.weeks.values())


def totals_by_kind(lines: list[LedgerLine]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        totals[line.kind] += line.amount
    return dict(totals)


def totals_by_month(lines: list[LedgerLine]) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(YYYY-MM, income, outflows including awards, balance at the month's end)."""
    months: dict[str, list] = {}
    for line in lines:
        key = f"{line.date:%Y-%m}"
        row = months.setdefault(key, [ZERO, ZERO, ZERO])
        row[0 if line.income else 1] += line.amount
        row[2] = line.balance
    return [(month, *values) for month, values in months.items()]


@dataclass(frozen=True, slots=True)
class WeekKpi:
    week: str
    moderators: tuple[str, ...]
    questions: int
    answerers: int  # distinct members who answered
    curated: int  # questions with a curated solution
    days_to_publish: float | None  # median days from the session to a published solution
    rating: Decimal | None


def kpis(community: Community) -> dict[str, WeekKpi]:
    result = {}
    for week in community.weeks.values():
        questions = community.questions_of(week.id)
        answerers = {a.author for q in questions for a in community.answers.get(q.slug, ())}
        solutions = [community.solutions[q.slug] for q in questions if q.slug in community.solutions]
        delays = [(s.published - week.session).days for s in solutions if s.published and week.session]
        result[week.id] = WeekKpi(
            week.id, week.moderators, len(questions), len(answerers), len(solutions),
            statistics.median(delays) if delays else None, week.rating,
        )
    return result


@dataclass(frozen=True, slots=True)
class Standing:
    handle: str
    awards_total: Decimal
    awards: int
    best_answers: int  # rank 1
    tips_total: Decimal
    tips: int


def leaderboard(community: Community, year: int | None = None) -> list[Standing]:
    """Members by awards won, then tips received, for one year (by week) or overall."""
    table: dict[str, list] = defaultdict(lambda: [ZERO, 0, 0, ZERO, 0])
    for week in community.weeks.values():
        if year is not None and week.monday.isocalendar().year != year and int(week.id[:4]) != year:
            continue
        for award in week.awards:
            row = table[award.answer.handle]
            row[0] += award.amount
            row[1] += 1
            row[2] += award.rank == 1
        for tip in week.tips:
            row = table[tip.answer.handle]
            row[3] += tip.amount
            row[4] += 1
    standings = [Standing(h, *row) for h, row in table.items()]
    standings.sort(key=lambda s: (-s.awards_total, -s.tips_total, -s.best_answers, s.handle))
    return standings


def upcoming_duty(community: Community, count: int = 8) -> list[tuple[str, str]]:
    """(week id, moderator) for the weeks after the archive's last, from the site's rota."""
    rota = community.site.rota
    if rota is None or not rota.moderators or not rota.start:
        return []
    last = list(community.weeks)[-1] if community.weeks else rota.start
    start_monday = monday_of(rota.start)
    first = max(monday_of(last) + dt.timedelta(weeks=1), start_monday)
    result = []
    for offset in range(count):
        monday = first + dt.timedelta(weeks=offset)
        index = (monday - start_monday).days // 7 % len(rota.moderators)
        year, number, _ = monday.isocalendar()
        result.append((f"{year}-W{number:02d}", rota.moderators[index]))
    return result
