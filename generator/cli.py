"""The `shequn` command: check, build, serve, new, book.

Exit status: 0 when all is well, 1 when the content has errors, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

from . import __version__
from .diagnostics import FORMATS, Diagnostic, escalate, has_errors, ordered
from .model import read_community
from .workers import libc_function

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
AUDIENCES = ("public", "members", "owner")


class Progress:
    """Stage lines on stderr when a person is watching (a terminal), silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.started:6.2f}s] {message}", file=sys.stderr, flush=True)


def _source(path: str) -> Path:
    root = Path(path)
    if not root.is_dir():
        raise argparse.ArgumentTypeError(f"source folder '{path}' does not exist or is not a folder")
    return root.resolve()


def _common(parser: argparse.ArgumentParser, format_flag: str = "--format") -> None:
    parser.add_argument("--source", type=_source, default=Path.cwd(), metavar="DIR",
                        help="folder holding site.yaml and content/ (default: the current folder)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (unknown fields, suspicious values) as errors")
    parser.add_argument(format_flag, dest="format", choices=sorted(FORMATS), default="text",
                        help="how diagnostics are printed: text (path:line:column), json, "
                             "github (GitHub Actions annotations)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no progress")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shequn",
        description="Turn a learning community's records into a searchable archive site, "
                    "a credited book and contributor portfolios.",
    )
    parser.add_argument("--version", action="version", version=f"shequn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="validate the records and report every problem",
                                description="Validate every record against the content model and "
                                            "print each problem as path:line:column. Writes nothing.")
    _common(check)

    build = commands.add_parser("build", help="build the archive site for one audience")
    _common(build)
    build.add_argument("--audience", choices=AUDIENCES, default="public")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: build/<audience>/)")
    build.add_argument("--no-search", action="store_true", help="skip the search index (faster previews)")
    build.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="where rendered Markdown is kept between builds (default: build/.cache/)")

    serve = commands.add_parser("serve", help="build, serve on localhost and rebuild on change")
    _common(serve)
    serve.add_argument("--audience", choices=AUDIENCES, default="public")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--bind", default="127.0.0.1")

    new = commands.add_parser("new", help="scaffold a site, member, week, question, answer or solution")
    _common(new)
    new.add_argument("what", choices=("site", "member", "week", "question", "answer", "solution"))
    new.add_argument("names", nargs="*", metavar="NAME",
                     help="site: DIR [FOUNDER]; member: HANDLE; week: [YYYY-Www]; question: SLUG; "
                          "answer: SLUG HANDLE; solution: SLUG")
    new.add_argument("--week", metavar="YYYY-Www", help="the week of a new question (default: the latest)")

    book = commands.add_parser("book", help="compile the credited book (HTML, EPUB, PDF)")
    _common(book, format_flag="--diagnostics")
    book.add_argument("--format", dest="book_formats", default="html,epub,pdf", metavar="LIST",
                      help="comma-separated: html, epub, pdf")
    book.add_argument("--audience", choices=AUDIENCES, default="public")
    book.add_argument("--out", type=Path, metavar="DIR")
    return parser


def _report(diagnostics: list[Diagnostic], output_format: str, strict: bool) -> list[Diagnostic]:
    shown = ordered(escalate(diagnostics) if strict else diagnostics)
    sys.stdout.write(FORMATS[output_format](shown))
    return shown


def cmd_check(args: argparse.Namespace) -> int:
    progress = Progress(not args.quiet and sys.stderr.isatty())
    progress(f"checking {args.source}")
    community, diagnostics = read_community(args.source)
    if community is not None:
        progress(f"read {len(community.members)} members, {len(community.weeks)} weeks, "
                 f"{len(community.questions)} questions, "
                 f"{sum(map(len, community.answers.values()))} answers")
    shown = _report(diagnostics, args.format, args.strict)
    return EXIT_CONTENT if has_errors(shown) else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_site

    progress = Progress(not args.quiet and sys.stderr.isatty())
    out = args.out or args.source / "build" / args.audience
    if args.exiting:
        # Nothing is freed before the process ends (see below), and the cycle collector, paused
        # during the build, would walk every object the build left on its first run after it
        # (0.4 s at 10,000 questions).
        gc.disable()
    result = build_site(args.source, args.audience, out, strict=args.strict, cache_dir=args.cache_dir,
                        search=not args.no_search, progress=progress, exit_after=args.exiting)
    shown = ordered(escalate(result.diagnostics) if args.strict else result.diagnostics)
    if shown or result.out is None:
        sys.stdout.write(FORMATS[args.format](shown))
    if result.out is None:
        print("nothing was written: fix the errors above first", file=sys.stderr)
        return EXIT_CONTENT
    if result.up_to_date:
        print(f"{result.out} is up to date: nothing changed since the last build", file=sys.stderr)
    else:
        print(f"built {result.files} files for the {args.audience} audience into {result.out}", file=sys.stderr)
    if args.exiting:
        # The process ends here, without freeing what the build left (see `build_site`) and
        # every module object by object: the output is complete and its files closed.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import run

    return run(args.what, args.names, args.source, week=args.week)


def cmd_book(args: argparse.Namespace) -> int:
    from .build import write_book

    formats = tuple(f.strip() for f in args.book_formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in ("html", "epub", "pdf")]
    if unknown or not formats:
        print(f"shequn book: --format takes html, epub, pdf (got {args.book_formats!r})", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(not args.quiet and sys.stderr.isatty())
    out = args.out or args.source / "build" / args.audience
    result = write_book(args.source, args.audience, out, formats, strict=args.strict, progress=progress)
    shown = ordered(escalate(result.diagnostics) if args.strict else result.diagnostics)
    if shown or result.out is None:
        sys.stdout.write(FORMATS[args.format](shown))
    if result.out is None:
        print("no book was written: fix the errors above first (and give the community a content/book.yaml)",
              file=sys.stderr)
        return EXIT_CONTENT
    print(f"wrote {result.files} book files into {result.out}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    def report(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        serve(args.source, args.audience, args.source / "build" / args.audience, args.bind, args.port, report)
    except OSError as exc:
        print(f"shequn serve: cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def cmd_pending(args: argparse.Namespace) -> int:
    print(f"shequn {args.command}: not available in this version yet", file=sys.stderr)
    return EXIT_USAGE


COMMANDS = {"check": cmd_check, "build": cmd_build, "new": cmd_new, "book": cmd_book, "serve": cmd_serve}


def _fixed_mmap_threshold() -> None:
    """Large blocks (over 128 KiB) always from mmap, so freeing one returns it to the system.
    glibc raises the threshold after the first large free, and the search stage's replies
    (Pagefind's files, megabytes each) then fragmented the heap: 680 MiB held while indexing
    10,000 questions instead of 567 MiB, at the same speed."""
    mallopt = libc_function("mallopt")
    if mallopt is not None:  # else not glibc: its own allocator's defaults
        mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


def main(argv: list[str] | None = None, *, exiting: bool = False) -> int:
    """Run one command. `exiting`: the process ends after it, so a build need not free its model."""
    from .build import OutputRefused

    _fixed_mmap_threshold()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.exiting = exiting
    try:
        return COMMANDS.get(args.command, cmd_pending)(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OutputRefused as refusal:
        print(f"shequn {args.command}: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the machine, not the records: a full disk, a read-only folder
        where = f" {exc.filename}" if exc.filename else ""
        print(f"shequn {args.command}: cannot write{where}: {exc.strerror or exc} "
              "(the previous build is unchanged)", file=sys.stderr)
        return EXIT_CONTENT


def run() -> None:
    """The `shequn` command."""
    sys.exit(main(exiting=True))


if __name__ == "__main__":  # pragma: no cover
    run()
