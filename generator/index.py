"""Index stage: the search index of one audience's site, built with Pagefind from the views.

Records go straight to Pagefind's indexer (no re-parsing of the rendered pages): one per
question, curated solution, answer, member and event this audience may see. Only what the
views hold is indexed, so nothing private can reach the index by this path.

Chinese scripts: every indexed text is folded character by character to Simplified (a map
made from OpenCC's t2s), and the browser folds queries with the same map (`search/fold.json`),
so 運營 finds 运营 and the reverse. Results show the original text: it travels in the record's
metadata, and the page highlights matches by folding it the same way.

A character map cannot hold OpenCC's phrase forms: 計畫 folds to 计画, but a Simplified reader
types 计划 (OpenCC converts 畫 to 划 in that phrase only). So each record's metadata also carries
`phrases`, the places where OpenCC's phrase conversion of the original text differs from the
fold, and the page highlights a term found in either form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import marshal
import os
import queue
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, Iterator

from .cachefile import load_cache, save_cache
from .i18n import simplified_characters, to_simplified
from .view import Site
from .workers import return_free_memory

ORIGINAL_LIMIT = 4000  # characters of original text kept for excerpts and highlighting
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    kind: str  # question, solution, answer, member, event
    title: str
    text: str  # original plain text
    lang: str
    week: str = ""
    tags: tuple[str, ...] = ()
    filters: dict[str, list[str]] = field(default_factory=dict, hash=False)


def fold(text: str) -> str:
    return text.translate(simplified_characters())


def fold_map_json() -> bytes:
    """The folding map for the browser: two strings of equal length, from and to."""
    table = simplified_characters()
    keys = sorted(table)
    return json.dumps({"from": "".join(map(chr, keys)), "to": "".join(table[k] for k in keys)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_CHUNK = 64
_LETTERS = re.compile(r"[^\W\d_a-zA-Z]+")  # runs of Han (and other non-ASCII letters)


def _utf16(text: str) -> int:
    """Length in UTF-16 code units, the unit of JavaScript's string offsets."""
    return len(text) + sum(ord(ch) > 0xFFFF for ch in text)


def phrase_forms(text: str, folded: str | None = None) -> list[list]:
    """Where OpenCC's phrase conversion of `text` differs from the character fold, as
    [[offset, replacement], …]: offsets in UTF-16 units of `text` (the browser's), each replacement
    as long as what it replaces. Empty for most texts (Simplified, English, and Traditional
    without such phrases). A stretch whose conversion changes its length is left out. `folded`
    is fold(text) when the caller has it already."""
    if folded is None:
        folded = fold(text)
    phrased = to_simplified(text)
    if phrased == folded:
        return []
    if len(phrased) == len(folded):
        pairs = [(0, folded, phrased)]
    else:  # convert Han runs one by one, keep those whose length stays
        pairs = []
        for run in _LETTERS.finditer(text):
            converted = to_simplified(run.group())
            if len(converted) == len(run.group()):
                pairs.append((run.start(), fold(run.group()), converted))
    table = simplified_characters()
    forms: list[list] = []
    for start, a, b in pairs:
        for chunk in range(0, len(a), _CHUNK):
            if a[chunk:chunk + _CHUNK] == b[chunk:chunk + _CHUNK]:
                continue
            for i in range(chunk, min(chunk + _CHUNK, len(a))):
                # A folded query can only match a character the fold leaves as it is (乾隆 keeps
                # its 乾 in OpenCC, but a query 乾 folds to 干: such places are left out).
                if a[i] != b[i] and ord(b[i]) not in table:
                    at = start + i
                    if forms and forms[-1][2] == at:  # extends the previous stretch
                        forms[-1][1] += b[i]
                        forms[-1][2] += 1
                    else:
                        forms.append([at, b[i], at + 1])
    return [[_utf16(text[:at]), chars] for at, chars, _ in forms]


def plain(html: str) -> str:
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html))).strip()


def records(site: Site) -> Iterator[SearchRecord]:
    """What the search may find, from the pages this audience's site shows."""
    for page in site.pages:
        yield from page_records(page)


def page_records(page) -> Iterator[SearchRecord]:
    """What the search may find on one page."""
    view = page.view
    if page.template == "question.html":
        q = view["question"]
        tags = tuple(t.text for t in q.tags)
        common = {"tag": list(tags), "week": [q.week.url.rstrip("/").rsplit("/", 1)[-1]]}
        week = common["week"][0]
        yield SearchRecord(q.url + "#question", "question", q.title, plain(view["html"]), q.lang, week,
                           tags, {"kind": ["question"], **common})
        if view["solution"]:
            yield SearchRecord(q.url + "#solution", "solution", q.title, plain(view["solution"].html),
                               view["solution"].lang, week, tags, {"kind": ["solution"], **common})
        for answer in view["answers"]:
            yield SearchRecord(f"{q.url}#{answer.anchor}", "answer", f"{q.title} · {answer.author.name}",
                               plain(answer.html), answer.lang, week, tags, {"kind": ["answer"], **common})
    elif page.template == "member.html":
        card = view["card"]
        person = card["person"]
        facets = {"kind": ["member"]}
        if card["expertise"]:
            facets["expertise"] = list(card["expertise"])
        if card["industry"]:
            facets["industry"] = [card["industry"]]
        text = " ".join([card["position"], card["industry"], " ".join(card["expertise"]),
                         " ".join(card["needs"]), plain(view["bio"])])
        yield SearchRecord(person.url, "member", person.name, text, person.lang, "", (), facets)
    elif page.template == "event.html":
        yield SearchRecord(view["url"], "event", view["title"],
                           " ".join([view["location"], plain(view["html"])]), view["lang"], "", (),
                           {"kind": ["event"]})


# ---------------------------------------------------------------------------- Pagefind


class PagefindError(Exception):
    pass


def pagefind_binary() -> Path:
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise PagefindError("the pagefind binary is missing (pip install 'pagefind[extended]')")
    return Path(executable)


class Pagefind:
    """A synchronous client of `pagefind --service` (the protocol of Pagefind's own Python
    package: base64 JSON messages ended by a comma, one reply per request). The package's
    asyncio client waits 0.1 s before reading each reply, which made 10,000 records take
    17 minutes; a blocking round trip takes microseconds."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([str(pagefind_binary()), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.message_id = 0
        self.buffer = b""

    def request(self, payload: dict) -> dict:
        self.message_id += 1
        message = {"message_id": self.message_id, "payload": payload}
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self.process.stdin.flush()
        return self.reply()

    def pipeline(self, payloads: Iterable[dict]) -> None:
        """Send many requests while reading their replies, so Pagefind never waits for us. The
        payloads are made as they are sent: Pagefind indexes one while we prepare the next, and
        they are never all in memory at once."""
        assert self.process.stdin is not None
        sent: queue.SimpleQueue = queue.SimpleQueue()  # one token per request sent, then None
        failure: list[BaseException] = []

        def send() -> None:
            try:
                for payload in payloads:
                    self.message_id += 1
                    message = {"message_id": self.message_id, "payload": payload}
                    self.process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
                    sent.put(True)
                self.process.stdin.flush()
            except BaseException as error:  # re-raised by the reading thread
                failure.append(error)
            finally:
                sent.put(None)

        writer = threading.Thread(target=send)
        writer.start()
        try:
            while sent.get():
                self.reply()
        finally:
            writer.join()
        if failure:
            raise failure[0]

    def reply(self) -> dict:
        assert self.process.stdout is not None
        # A pipe gives 64 KiB at a time and the files come in one reply of 100 MB or more at
        # 10,000 questions: appending to one buffer made reading it quadratic (minutes).
        parts = [self.buffer]
        while b"," not in parts[-1]:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise PagefindError("pagefind stopped unexpectedly")
            parts.append(chunk)
        data = b"".join(parts)
        del parts
        end = data.index(b",")
        self.buffer = data[end + 1:]
        # Decoded from a view of the reply, not from a copy, and each form let go as soon as the
        # next is made: a shard's files (15 MB of base64) were held three times over.
        message = binascii.a2b_base64(memoryview(data)[:end])
        del data
        result = json.loads(message)["payload"]
        del message
        if result.get("type") == "Error":
            raise PagefindError(result.get("message", "pagefind failed"))
        return result

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)

    def __enter__(self) -> "Pagefind":
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def build_index(site: Site | None, found: Iterable[SearchRecord] | None = None, cache: Path | None = None,
                shard_chars: int | None = None) -> dict[str, bytes]:
    """Output path -> bytes of the search bundle: `index_files` gathered in one dict."""
    return dict(index_files(site, found, cache, shard_chars))


def index_files(site: Site | None, found: Iterable[SearchRecord] | None = None, cache: Path | None = None,
                shard_chars: int | None = None) -> Iterator[tuple[str, bytes]]:
    """(output path, bytes) of the search bundle (`pagefind/…`) and the folding map, one shard
    after another, so no more than a few shards' files are in memory at once (a 10,000-question
    bundle is 116 MB). `found`: the records, when the pages were made elsewhere (else they come
    from the site's pages). `cache`: a folder where each shard's files are kept by the hash of
    its records, so a shard whose records did not change is not indexed again."""
    shards = plan_shards(list(records(site) if found is None else found), shard_chars or SHARD_CHARS)
    kept = [cache / f"{_shard_key(shard)}.marshal" for shard in shards] if cache is not None else []
    missing = [number for number in range(len(shards)) if cache is None or not kept[number].is_file()]
    with ThreadPoolExecutor(max(1, min(len(missing), os.cpu_count() or 1))) as pool:
        # One Pagefind process per shard, as many at once as there are cores, in shard order.
        pending = {number: pool.submit(_index_shard, shards[number]) for number in missing}
        try:
            for number, shard in enumerate(shards):
                fresh = number in pending
                files = pending.pop(number).result() if fresh else load_cache(kept[number])
                if not files.get("pagefind-entry.json"):  # an unreadable cache file
                    files, fresh = _index_shard(shard), True
                if fresh and cache is not None:
                    save_cache(kept[number], files)
                folder = _shard_folder(number)
                for path, data in files.items():
                    yield f"{folder}{path}", data
                del files
                return_free_memory()  # the heap's share of the shard's 6,000 small files
        finally:
            for future in pending.values():
                future.cancel()
    if cache is not None:
        for stale in set(cache.glob("*.marshal")) - set(kept):
            stale.unlink(missing_ok=True)
    yield "pagefind/shards.json", json.dumps([_shard_folder(n) for n in range(1, len(shards))]).encode()
    yield "search/fold.json", fold_map_json()


# Pagefind holds a whole index in memory, about 100 bytes per character of text (2.6 GB for the
# 24 million characters of 10,000 questions), and indexes on one core. So a large archive's
# records are cut into shards of a few million characters, indexed side by side by one
# Pagefind process per core and merged by the browser (Pagefind's `mergeIndex`). A page goes
# to the shard its URL hashes to: each shard is a sample of the whole archive, so Pagefind's
# scores (BM25, with each shard's own statistics) compare across shards, and an edit changes
# one shard only (unless it changes how many there are), while the others keep their bytes and
# their cached files.
SHARD_CHARS = 3_000_000


def plan_shards(found: list[SearchRecord], shard_chars: int) -> list[list[SearchRecord]]:
    total = sum(len(record.text) + len(record.title) for record in found)
    count = max(1, -(-total // shard_chars))
    shards: list[list[SearchRecord]] = [[] for _ in range(count)]
    for record in found:
        page = record.url.partition("#")[0].encode("utf-8")  # a page's records stay together
        shards[int.from_bytes(hashlib.blake2b(page, digest_size=4).digest(), "big") % count].append(record)
    return [shard for shard in shards if shard] or [[]]


def _shard_folder(number: int) -> str:
    return "pagefind/" if number == 0 else f"pagefind/shard-{number + 1}/"


# A Pagefind grows while it is given records and holds the most while it makes its files. Only
# one at a time is given records, so the processes take turns: one grows while the other makes
# its files, and their peaks no longer meet (side by side, two peaked together at 640 MiB for
# 10,000 questions; taking turns, 565 MiB), with both cores still busy (the same 68 s build).
_ONE_GROWING_AT_A_TIME = threading.Lock()


def _index_shard(shard: list[SearchRecord]) -> dict[str, bytes]:
    """Pagefind's files for one shard's records."""
    with Pagefind() as pagefind:
        with _ONE_GROWING_AT_A_TIME:
            index_id = pagefind.request({"type": "NewIndex", "config": {"force_language": "zh"}})["index_id"]
            pagefind.pipeline(_add_request(record, index_id) for record in shard)
        files = pagefind.request({"type": "GetFiles", "index_id": index_id})["files"]
        pagefind.close()
    bundle = {f["path"]: binascii.a2b_base64(f.pop("content")) for f in files}
    if not bundle.get("pagefind-entry.json", b"").strip():
        raise PagefindError("pagefind wrote an empty pagefind-entry.json")
    return bundle


def _shard_key(shard: list[SearchRecord]) -> str:
    """Changes with the shard's records, and with anything else that shapes its files: Pagefind,
    OpenCC (the fold) and this module."""
    digest = hashlib.blake2b(f"{version('pagefind')}\0{version('opencc')}\0{_SOURCE_HASH}\n".encode(),
                             digest_size=16)
    for record in shard:
        digest.update(marshal.dumps((record.url, record.kind, record.title, record.text, record.lang,
                                     record.week, record.tags, record.filters)))
    return digest.hexdigest()


_SOURCE_HASH = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def _add_request(record: SearchRecord, index_id: int) -> dict:
    """Pagefind's `AddRecord` request for one record."""
    original = record.text[:ORIGINAL_LIMIT]
    folded = fold(record.text)  # char by char: its start is the fold of `original`
    meta = {"title": record.title, "kind": record.kind, "lang": record.lang, "text": original}
    if record.week:
        meta["week"] = record.week
    if record.tags:
        meta["tags"] = "\u241f".join(record.tags)  # a separator no tag contains
    forms = phrase_forms(original, folded[:len(original)])
    if forms:
        meta["phrases"] = json.dumps(forms, ensure_ascii=False, separators=(",", ":"))
    return {
        "type": "AddRecord", "index_id": index_id, "url": record.url,
        "content": f"{fold(record.title)} {folded}", "language": "zh",
        "meta": meta, "filters": record.filters,
        "sort": {"week": record.week} if record.week else None,
    }
