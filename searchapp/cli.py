"""The ``searchapp`` command: search, show and index from a terminal; no arguments opens
the window.

The JSON output is a contract other tools rely on; change it only by adding fields.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from searchapp import __version__

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

_BOLD_MATCH = "\x1b[1;4m"
_RESET = "\x1b[0m"


def _build_parser() -> argparse.ArgumentParser:
    # --data-dir is accepted before or after the command name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
        help="where the index lives (default: SEARCHAPP_DATA_DIR or the per-user data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="searchapp", parents=[common],
        description="Full-text search of your articles and documents. "
                    "With no command, opens the window.",
        epilog="Query language: words are ANDed; \"exact phrase\", OR, NOT or -word, "
               "prefix*, word~ (fuzzy), title:word, date:2025, date:[2021 to 2022].",
    )
    parser.add_argument("--version", action="version", version=f"searchapp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    search = commands.add_parser("search", parents=[common], help="search the index",
                                 description="Search every collection.")
    search.add_argument("query", help="the query (quote it in the shell)")
    search.add_argument("--limit", type=int, default=10, metavar="N",
                        help="how many results to show (default 10)")
    search.add_argument("--sort", choices=["relevance", "newest", "oldest"],
                        default="relevance", help="order of the results")
    search.add_argument("--json", action="store_true", help="print one JSON object")

    show = commands.add_parser("show", parents=[common], help="print one document",
                               description="Print a document, with the matches of a query.")
    show.add_argument("path", help="the document's path (or just its file name)")
    show.add_argument("--query", default=None, help="highlight the matches of this query")
    show.add_argument("--json", action="store_true", help="print one JSON object")

    index = commands.add_parser(
        "index", parents=[common], help="build or refresh the index",
        description="Bring the index up to date with the files. Given files or folders, "
                    "look at just those (quick when you know what changed); otherwise walk "
                    "every folder.")
    index.add_argument("files", nargs="*", type=Path, metavar="PATH",
                       help="files or folders that changed, were added or were deleted")
    index.add_argument("--rebuild", action="store_true",
                       help="build a new index from scratch (the old one serves until done)")

    add = commands.add_parser("add", parents=[common], help="add folders and index them",
                              description="Add folders of documents and index them now.")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    remove = commands.add_parser("remove", parents=[common], help="remove folders",
                                 description="Remove folders; their documents leave the index.")
    remove.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    folders = commands.add_parser("folders", parents=[common], help="list the folders",
                                  description="List the indexed folders.")
    visibility = folders.add_mutually_exclusive_group()
    visibility.add_argument("--hide-bundled", action="store_true",
                            help="leave the bundled articles out of results")
    visibility.add_argument("--show-bundled", action="store_true",
                            help="show the bundled articles in results again")
    quotes = commands.add_parser(
        "quotes", parents=[common], help="track quotations across documents",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="With no QUERY, the quotations carried by more than one document, most "
                    "widely carried first. With QUERY (the usual query language), the "
                    "quotations of the matching documents that contain its words; a QUERY "
                    "that is the text of a quotation finds it first, in every variant.",
        epilog=QUOTES_JSON_HELP,
    )
    quotes.add_argument("query", nargs="?", default=None,
                        help="a query, or the text of a quotation (quote it in the shell)")
    quotes.add_argument("--limit", type=int, default=20, metavar="N",
                        help="how many quotations to show (default 20)")
    quotes.add_argument("--json", action="store_true", help="print one JSON object")
    commands.add_parser("status", parents=[common], help="the indexing report",
                        description="Where the index is, what it holds, and every file that "
                                    "could not be indexed, with the reason.")
    return parser


QUOTES_JSON_HELP = """\
--json prints one object (fields may be added, never removed):
  {"query": str | null, "total": int, "quotations": [
    {"text": str, "normalized": str, "documents": int,
     "first": [path, ...], "first_date": "YYYY-MM-DD" | null, "first_note": str,
     "occurrences": [
       {"path": str, "title": str, "date": "YYYY-MM-DD" | null, "collection": str,
        "text": str, "start": int, "end": int, "quote_start": int, "quote_end": int,
        "exact": bool, "first": bool}]}]}
"text" of an occurrence is the quotation exactly as that document printed it, at
body[start:end]; quote_start/quote_end span the whole quotation it is part of.
"first" lists the dated documents that ran it first (several on the same day);
undated documents are never first. total counts quotations before --limit."""


def _library(args: argparse.Namespace):
    from searchapp.core.index import Library

    return Library(getattr(args, "data_dir", None))


class _Progress:
    """Indexing progress on stderr: a bar on a terminal, a few plain lines otherwise."""

    def __init__(self) -> None:
        self._bar = None
        self._last_line = -1

    def __call__(self, done: int, total: int, current: str) -> None:
        if sys.stderr.isatty():
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)
            self._bar.n = done
            self._bar.set_postfix_str(Path(current).name if current else "", refresh=False)
            self._bar.refresh()
        else:
            step = max(1, total // 10)
            if done == total or done // step != self._last_line:
                self._last_line = done // step
                print(f"indexed {done}/{total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _ready_library(args: argparse.Namespace):
    """The library with an index, built on first use, the bundled articles kept current."""
    from searchapp.core.index import BUNDLED_COLLECTION

    library = _library(args)
    if not library.is_built():
        why = "it could not be read" if library.open_problem else "first use"
        print(f"Building the index ({why})…", file=sys.stderr, flush=True)
    report = library.ensure_ready(only=[BUNDLED_COLLECTION])
    if report.warning:
        print(f"warning: {report.warning}", file=sys.stderr)
    return library


def _emphasise(text: str, spans: Sequence[tuple[int, int]]) -> str:
    if not sys.stdout.isatty():
        return text
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(f"{_BOLD_MATCH}{text[start:end]}{_RESET}")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _date_text(date) -> str:
    return date.isoformat() if date else "undated"


def _cmd_search(args: argparse.Namespace) -> int:
    from searchapp.core.search import search

    if args.limit < 1:
        raise _UsageError("--limit must be 1 or more")
    library = _ready_library(args)
    results = search(library, args.query, limit=args.limit, sort=args.sort)
    if args.json:
        print(json.dumps({
            "query": results.query,
            "total": results.total,
            "total_estimated": results.estimated,
            "suggestion": results.suggestion,
            "mode": results.mode,
            "notice": results.notice,
            "results": [
                {
                    "path": hit.path,
                    "title": hit.title,
                    "date": hit.date.isoformat() if hit.date else None,
                    "score": hit.score,
                    "snippet": hit.snippet,
                    "matches": [list(span) for span in hit.matches],
                }
                for hit in results.hits
            ],
        }, ensure_ascii=False))
        return EXIT_OK
    count = f"{results.total:,} result{'s' if results.total != 1 else ''}"
    if results.estimated:
        count = f"about {count}"
    print(f"{count} for “{results.query}” ({results.elapsed * 1000:.0f} ms)")
    if results.notice:
        print(results.notice)
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}")
    for number, hit in enumerate(results.hits, 1):
        print()
        print(f"{number:>2}. {hit.title}")
        print(f"    {_date_text(hit.date)} · {hit.path}")
        if hit.snippet:
            print(f"    {_emphasise(hit.snippet, hit.matches)}")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    from searchapp.core.search import show

    library = _ready_library(args)
    view = show(library, args.path, args.query)
    if args.json:
        print(json.dumps({
            "path": view.path,
            "title": view.title,
            "date": view.date.isoformat() if view.date else None,
            "body": view.body,
            "title_matches": [list(span) for span in view.title_matches],
            "body_matches": [list(span) for span in view.body_matches],
        }, ensure_ascii=False))
        return EXIT_OK
    print(_emphasise(view.title, view.title_matches))
    print(f"{_date_text(view.date)} · {view.path}")
    print()
    print(_emphasise(view.body, view.body_matches))
    return EXIT_OK


def _cmd_quotes(args: argparse.Namespace) -> int:
    from searchapp.core.quotes import quotations

    if args.limit < 1:
        raise _UsageError("--limit must be 1 or more")
    library = _ready_library(args)
    found = quotations(library, args.query)
    shown = found[:args.limit]
    if args.json:
        print(json.dumps({
            "query": args.query,
            "total": len(found),
            "quotations": [_quotation_json(quotation) for quotation in shown],
        }, ensure_ascii=False))
        return EXIT_OK
    what = f"matching “{args.query}”" if args.query else "carried by more than one document"
    print(f"{len(found)} quotation{'s' if len(found) != 1 else ''} {what}")
    for number, quotation in enumerate(shown, 1):
        print()
        print(f"{number:>2}. “{quotation.text}” — {quotation.documents} "
              f"document{'s' if quotation.documents != 1 else ''}")
        print(f"    {quotation.first_note}")
        for occurrence in quotation.occurrences:
            print(f"    {_date_text(occurrence.date)} · {occurrence.path}")
            print(f"      “{occurrence.text}”")
    return EXIT_OK


def _quotation_json(quotation) -> dict:
    first = {occurrence.path for occurrence in quotation.first}
    return {
        "text": quotation.text,
        "normalized": quotation.normalized,
        "documents": quotation.documents,
        "first": [occurrence.path for occurrence in quotation.first],
        "first_date": quotation.first[0].date.isoformat() if quotation.first else None,
        "first_note": quotation.first_note,
        "occurrences": [
            {
                "path": o.path, "title": o.title,
                "date": o.date.isoformat() if o.date else None,
                "collection": o.collection, "text": o.text, "start": o.start, "end": o.end,
                "quote_start": o.quote_start, "quote_end": o.quote_end, "exact": o.exact,
                "first": o.path in first,
            }
            for o in quotation.occurrences
        ],
    }


def _data_dir(args: argparse.Namespace) -> Path:
    from searchapp.core.index import default_data_dir

    return getattr(args, "data_dir", None) or default_data_dir()


def _cmd_index(args: argparse.Namespace) -> int:
    """Build or refresh every collection, or update just the files named; progress on
    stderr, a summary, and every file that could not be indexed. With files named, an index
    that cannot be updated is an error (exit 1): whoever named them waits for those."""
    files = getattr(args, "files", None) or []
    rebuild = getattr(args, "rebuild", False)
    if files and rebuild:
        raise _UsageError("--rebuild reads every file; name no files with it")
    library = _library(args)
    progress = _Progress()
    try:
        if rebuild:
            report = library.rebuild(progress=progress)
        elif files and library.is_built():
            report = library.update_paths(files, progress=progress)
        else:  # the first build reads every file, the named ones too
            report = library.ensure_ready(progress=progress)
    finally:
        progress.close()
    if report.warning:
        print(f"warning: {report.warning}", file=sys.stderr)
    for path, reason in report.failed:
        print(f"not indexed: {path}: {reason}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return EXIT_OK


def _cmd_add(args: argparse.Namespace) -> int:
    from searchapp.core.collections import add_folders

    for folder in add_folders(_data_dir(args), args.paths):
        print(f"added {folder}", file=sys.stderr)
    return _cmd_index(args)


def _cmd_remove(args: argparse.Namespace) -> int:
    from searchapp.core.collections import remove_folders

    for folder in remove_folders(_data_dir(args), args.paths):
        print(f"removed {folder}", file=sys.stderr)
    return _cmd_index(args)


def _collection_counts(library) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not library.is_built():
        return counts
    with library.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return counts
        column = reader.column_reader("collection")
        for docnum in reader.all_doc_ids():
            name = column[docnum]
            name = name.decode("utf-8") if isinstance(name, bytes) else name
            counts[name] = counts.get(name, 0) + 1
    return counts


def _cmd_folders(args: argparse.Namespace) -> int:
    from searchapp.core.collections import set_bundled_hidden
    from searchapp.core.index import BUNDLED_COLLECTION

    if args.hide_bundled or args.show_bundled:
        set_bundled_hidden(_data_dir(args), args.hide_bundled)
    library = _library(args)
    counts = _collection_counts(library)
    for collection in library.collections:
        count = counts.get(collection.name, 0)
        if collection.name == BUNDLED_COLLECTION:
            hidden = " (hidden from results)" if collection.name in library.hidden_collections \
                else ""
            print(f"bundled articles{hidden}\t{count} documents\t{collection.root}")
        else:
            missing = "" if collection.root.is_dir() else " (folder missing)"
            print(f"{collection.root}{missing}\t{count} documents")
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    library = _library(args)
    print(f"Index: {library.index_root}")
    counts = _collection_counts(library)
    print(f"Documents: {sum(counts.values())}" if counts else "Documents: none (not built yet)")
    report = library.last_report()
    if report is None:
        print("No indexing report yet: run “searchapp index”.")
        return EXIT_OK
    print(f"Last indexing: {report.get('finished', '?')} — {report.get('summary', '')}")
    failed = report.get("failed") or []
    if failed:
        print(f"{len(failed)} file{'s' if len(failed) != 1 else ''} could not be indexed:")
        for path, reason in failed:
            print(f"  {path}: {reason}")
    else:
        print("Every file was indexed.")
    return EXIT_OK


def _open_window(args: argparse.Namespace) -> int:
    try:
        from searchapp.app import run_window
    except ImportError as exc:
        print(f"searchapp: the window cannot start here ({exc}). The commands search, show "
              "and index work without it; see searchapp --help.", file=sys.stderr)
        return EXIT_FAILURE
    return run_window(getattr(args, "data_dir", None))


class _UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = _build_parser()
    args = parser.parse_args(argv)
    from searchapp.core.errors import QueryError, SearchAppError

    handlers = {"search": _cmd_search, "show": _cmd_show, "index": _cmd_index,
                "add": _cmd_add, "remove": _cmd_remove, "folders": _cmd_folders,
                "status": _cmd_status, "quotes": _cmd_quotes}
    try:
        if args.command is None:
            return _open_window(args)
        return handlers[args.command](args)
    except _UsageError as exc:
        parser.error(str(exc))
    except QueryError as exc:
        print(f"searchapp: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SearchAppError as exc:
        print(f"searchapp: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("searchapp: interrupted; the index is unchanged.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK  # output piped into head, for instance
    return EXIT_OK
