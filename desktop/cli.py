"""The ``closeread`` command: thin click glue over the store and io layers."""

from __future__ import annotations

import csv
import getpass
import json
import math
import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from desktop import __version__
from desktop.core.alignment import (
    DEFAULT_TOLERANCE,
    REPORT_COLUMNS,
    report_html,
    report_markdown,
    report_rows,
)
from desktop.core.errors import (
    ClosereadError,
    InvalidArgumentError,
    InvalidEnvironmentError,
    readable,
)
from desktop.core.names import validate_annotator_name
from desktop.core.selectors import select_quote, select_range
from desktop.io.csv_export import neutralise
from desktop.io.formats import (
    ANNOTATION_READERS,
    EXPORT_FORMATS,
    STDOUT,
    annotation_reader,
    article_formats,
    export_format,
    names,
)
from desktop.io.output import written_whole
from desktop.io.terminal import (
    bytes_as_bytes,
    printable,
    readable_streams,
    render_marked,
    shortened,
    stdout_broken,
    stdout_gone,
    unstorable_argument,
)
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import DEFAULT_BUSY_TIMEOUT, Library
from desktop.store.reviews import CLOSED, OPEN, unit_as_dict
from desktop.store.revisions import history

if TYPE_CHECKING:  # the import pipeline loads only for the commands that import
    from desktop.io.importer import FileOutcome


def _echo(message: object = "", **options: Any) -> None:
    """``click.echo`` of text from the library as text: a control character in a title, a
    name or a note (an ESC starts a terminal command) prints as its symbol
    (``io/terminal.printable``). JSON escapes its own; ``show`` marks its text itself."""
    click.echo(printable(str(message)), **options)


class _Group(click.Group):
    """Shows a ``ClosereadError`` as one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        readable_streams()  # a file name that is not UTF-8 prints as \xff escapes
        # what was typed, for naming the argument SQLite could not take (below)
        given = [*getattr(ctx, "_protected_args", []), *ctx.args,
                 *(str(value) for value in ctx.params.values())]
        try:
            return super().invoke(ctx)
        except ClosereadError as error:
            _echo(f"Error: {shortened(bytes_as_bytes(error.message))}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            _echo("Interrupted; nothing was left half-done.", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # `closeread articles | head -1`: the reader has enough
            stdout_gone()
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as error:
            if stdout_broken(error):
                _echo(f"Error: standard output: cannot write ({error.strerror})", err=True)
                ctx.exit(1)
            if error.filename is None:
                _bug(ctx, error)
            # a file the system refused by its name (too long, a loop of links…)
            _echo(f"Error: {shortened(readable(error.filename))}: "
                  f"{error.strerror or 'cannot be read'}", err=True)
            ctx.exit(1)
        except (UnicodeEncodeError, OverflowError) as error:
            # SQLite takes neither a lone surrogate (an argument that is not UTF-8, on
            # POSIX) nor an integer past 2**63 - 1: name what was typed
            message = unstorable_argument(error, given)
            if message is None:
                _bug(ctx, error)
            _echo(f"Error: {message}", err=True)
            ctx.exit(2)
        except Exception as error:
            _bug(ctx, error)


def _bug(ctx: click.Context, error: Exception) -> NoReturn:
    """An exception nothing explains is a bug: say so in one line, details on request."""
    if os.environ.get("CLOSEREAD_DEBUG"):
        raise error
    _echo(f"Error: unexpected {type(error).__name__}: {error} "
               "(run again with CLOSEREAD_DEBUG=1 for details)", err=True)
    ctx.exit(70)


def _busy_timeout() -> float:
    """Seconds a writer waits for another (``CLOSEREAD_BUSY_TIMEOUT``, 5 when unset or
    empty); anything but a number from 0 to 3600 is refused naming the variable."""
    raw = os.environ.get("CLOSEREAD_BUSY_TIMEOUT", "")
    if not raw.strip():
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= 3600:  # also false for nan; inf and 1e999 are over 3600
        raise InvalidEnvironmentError(
            f"CLOSEREAD_BUSY_TIMEOUT='{readable(raw)}': give the seconds a command waits for "
            "another program's write, a number from 0 to 3600")
    return seconds


class _State:
    def __init__(self, db: str) -> None:
        self.db_path = db
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = Library(self.db_path, busy_timeout=_busy_timeout(), client="cli")
        return self._library


pass_state = click.make_pass_decorator(_State)

def _checked_name(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An annotator's or reviewer's name, refused naming where it came from (the option or
    CLOSEREAD_ANNOTATOR) when it is not one line of visible text. Bytes that are not UTF-8
    are left to the handler that names undecodable arguments."""
    names = value if isinstance(value, tuple) else (value,)
    for name in names:
        if not isinstance(name, str) or any("\udc80" <= c <= "\udcff" for c in name):
            continue
        try:
            validate_annotator_name(name)
        except InvalidArgumentError as error:
            source = ctx.get_parameter_source(param.name or "")
            where = ("CLOSEREAD_ANNOTATOR" if source is click.core.ParameterSource.ENVIRONMENT
                     else param.opts[0])
            raise InvalidArgumentError(f"{where}: {error.message}") from None
    return value


_annotator_option = click.option(
    "--annotator", envvar="CLOSEREAD_ANNOTATOR", default=getpass.getuser, show_default="your "
    "user name", help="Who makes the annotation (or set CLOSEREAD_ANNOTATOR).",
    callback=_checked_name)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="CLOSEREAD_DB", default="annotations.db", show_default=True,
              type=click.Path(dir_okay=False), help="The library file (or set CLOSEREAD_DB).")
@click.version_option(__version__, prog_name="closeread")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """Closeread: read news articles closely, tag passages, export what you found.

    With no command, opens the desktop app on the library (or, without a display, lists
    it); a new library starts with the sample articles.
    """
    ctx.obj = _State(db)
    if ctx.invoked_subcommand is None:
        if _has_display():
            from desktop.ui.app import run_app

            ctx.exit(run_app(db))
        _echo("No display to open the window on; here is the library instead.",
                   err=True)
        _list_library(ctx.obj)


def _has_display() -> bool:
    """True when a window can be shown (always on macOS and Windows)."""
    if sys.platform in ("darwin", "win32") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _list_library(state: _State) -> None:
    library = state.library
    if library.created:
        from desktop.io.samples import load_samples  # the importer loads only when used
        report = load_samples(library)
        _echo(f"New library {state.db_path} with {len(report.imported)} sample articles.")
    _print_articles(library.articles.list())
    me = _invoked_as()
    _echo(f"\nNext: `{me} show ARTICLE`, `{me} annotate --help`, `{me} export --help`.")


def _invoked_as() -> str:
    """The command as this user can type it again: `closeread` when that is on the PATH,
    else the path they used (`.venv/bin/closeread`), or `python -m desktop`."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "__main__.py":
        return "python -m desktop"
    found = shutil.which("closeread")
    if found and program and os.path.realpath(found) == os.path.realpath(program):
        return "closeread"
    return program if os.path.basename(program) == "closeread" else "closeread"


def _print_articles(articles: list[Any]) -> None:
    if not articles:
        _echo(f"The library is empty: add articles with `{_invoked_as()} import PATH`.")
        return
    # the count is of passages (a passage may or may not carry a note)
    _echo(f"{'id':8}  {'passages':>8}  {'published':10}  {'outlet':18}  title")
    for a in articles:
        outlet = a.outlet or ""
        if len(outlet) > 18:
            outlet = outlet[:17] + "…"
        _echo(f"{a.id[:8]}  {a.annotation_count:>8}  {(a.published or '')[:10]:10}  "
                   f"{outlet:18}  {a.title}")


@cli.command("import")
# plain strings: click.Path(path_type=Path) would turn https://a/b into https:/a/b
@click.argument("paths", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--no-clean", is_flag=True,
              help="Keep the text exactly (no removal of ads, share counts, repeated bodies).")
@click.option("--format", "fmt", type=click.Choice(names(article_formats())), default="auto",
              show_default=True,
              help="Read every file as this format ("
                   + "; ".join(f"{f.name}: {f.help}" for f in article_formats()) + ").")
@click.option("--labels", type=click.Path(path_type=Path),
              help="With --format ptc: a PTC label file, or a folder of *.labels files.")
# checked by the PTC and brat readers, which alone use it: a plain import takes no name
@click.option("--annotator", envvar="CLOSEREAD_ANNOTATOR",
              help="With --labels or --format brat: who the annotations belong to "
                   "(default: CLOSEREAD_ANNOTATOR, else your user name).")
@click.option("--replace", "replace", metavar="ARTICLE",
              help="Give ARTICLE this file's text; its annotations re-anchor (or become "
                   "orphans, never lost).")
@click.option("--strict", is_flag=True,
              help="Refuse a web page that is not one article (a section front, a search "
                   "page, a list of stories) instead of importing it with a warning.")
@pass_state
def import_cmd(state: _State, paths: tuple[str, ...], no_clean: bool, fmt: str,
               labels: Path | None, annotator: str | None, replace: str | None,
               strict: bool) -> None:
    """Import articles from .txt, .md, .html, PDF (.pdf) and Word (.docx) files and
    folders (recursively).

    A web page is read as the article alone (docs/importing.md); a page that is a list
    of stories is imported with a warning, or refused with --strict.

    Scraper noise is removed and reported unless --no-clean. Re-importing a text that is
    already in the library changes nothing; a new text for a known url or external id
    replaces the article's text and re-anchors its annotations, as --replace does.
    Exits with 1 if any file failed.

    With --format ptc, PATHS hold PTC articles (article<ID>.txt), stored byte for byte,
    and --labels adds their SI or TC labels; any bad file or line imports nothing.

    With --format brat, PATHS hold brat documents (X.txt, stored byte for byte, with the
    T lines and AnnotatorNotes of X.ann beside it); any bad file or line imports nothing.

    An http:// or https:// link among them imports the page it leads to (fetched within
    60 s, at most 16 MB, after at most 5 redirects; nothing on the page is run), read as
    its Content-Type says; the url it ends at becomes the article's url.
    """
    files = tuple(Path(p) for p in paths)
    from desktop.io.importer import import_paths, is_link_source, replace_article
    if fmt in ("ptc", "brat") and any(is_link_source(p) for p in paths):
        raise InvalidArgumentError(f"--format {fmt} reads files, not links")
    if fmt == "ptc":
        _import_ptc(state, files, labels, annotator or getpass.getuser())
        return
    if labels is not None:
        raise InvalidArgumentError("--labels needs --format ptc")
    if fmt == "brat":
        if replace is not None:
            raise InvalidArgumentError("--replace does not apply to --format brat")
        _import_brat(state, files, annotator or getpass.getuser())
        return
    if replace is not None:
        if len(paths) != 1 or (not is_link_source(paths[0]) and files[0].is_dir()):
            raise InvalidArgumentError("--replace takes exactly one file or link")
        outcome = replace_article(state.library, paths[0], replace, fmt, clean=not no_clean)
        _echo(f"{outcome.status} {outcome.message}")
        if outcome.warning:
            _echo(f"warning   {outcome.path}: {outcome.warning}")
        return
    library = state.library
    show_bar = sys.stderr.isatty()
    with click.progressbar(length=1, label="Importing", file=sys.stderr,
                           hidden=not show_bar) as bar:
        def progress(done: int, total: int, path: Path | str) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = import_paths(library, paths, fmt=fmt, clean=not no_clean, progress=progress,
                              strict=strict)
    for outcome in report.outcomes:
        if outcome.status == "imported":
            extra = f" ({outcome.cleaning})" if outcome.cleaning else ""
            assert outcome.article is not None
            _echo(f"imported  {outcome.path} -> {outcome.article.id[:8]} "
                       f"{outcome.article.title}{extra}")
        elif outcome.status == "replaced":
            _echo(f"replaced  {outcome.path} -> {outcome.message}")
        elif outcome.status == "unchanged":
            _echo(f"unchanged {outcome.path}: {outcome.message}")
        elif outcome.status == "skipped":
            _echo(f"skipped   {outcome.path}: {outcome.message}")
        if outcome.warning and outcome.status != "failed":
            _echo(f"warning   {outcome.path}: {outcome.warning}; imported all the same "
                       "(--strict refuses such pages)")
    for outcome in report.failed:
        _echo(f"Error: {outcome.path}: {outcome.message}", err=True)
    _echo(report.summary())
    if report.failed:
        sys.exit(1)


def _import_ptc(state: _State, paths: tuple[Path, ...], labels: Path | None,
                annotator: str) -> None:
    from desktop.io.ptc import import_ptc
    report = import_ptc(state.library, paths, labels, annotator)
    _echo_outcomes(report.articles)
    _echo(report.summary())


def _import_brat(state: _State, paths: tuple[Path, ...], annotator: str) -> None:
    from desktop.io.brat import import_brat
    report = import_brat(state.library, paths, annotator)
    _echo_outcomes(report.articles)
    _echo(report.summary())


def _echo_outcomes(outcomes: list[FileOutcome]) -> None:
    """One line per file of a PTC or brat import."""
    for outcome in outcomes:
        if outcome.status == "imported":
            assert outcome.article is not None
            _echo(f"imported  {outcome.path} -> {outcome.article.id[:8]} "
                       f"{outcome.article.title}")
        else:
            _echo(f"{outcome.status:9} {outcome.path}: {outcome.message}")


@cli.command("import-annotations")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(names(ANNOTATION_READERS)), required=True,
              help="; ".join(f"{r.name}: {r.help}" for r in ANNOTATION_READERS) + ".")
@_annotator_option
@pass_state
def import_annotations(state: _State, path: Path, fmt: str, annotator: str) -> None:
    """Add annotations from a file to articles already in the library.

    JSON-LD annotations keep their ids, tags, notes, annotators and times; their articles
    are found by urn:closeread:article:ID, by the text hash an export writes, or by url; a
    quote given alone that is not in the text is kept as an orphan. PTC labels are matched
    to articles by their external id and belong to --annotator. brat T lines and
    AnnotatorNotes are matched to the article with the text of the .txt beside the .ann
    and belong to --annotator. Tags the library lacks are created. Any problem imports
    nothing; importing the same file again, or an export back into its own library, adds
    nothing.
    """
    _echo(annotation_reader(fmt).read(state.library, path, annotator).summary())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--sort", type=click.Choice(["imported", "title", "published", "outlet"]),
              default="imported", show_default=True, help="Order of the list.")
@pass_state
def articles(state: _State, as_json: bool, sort: str) -> None:
    """List the articles in the library, with their annotation counts."""
    found = state.library.articles.list(order=sort)
    if as_json:
        _echo_json([a.metadata() for a in found])
    else:
        _print_articles(found)


@cli.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True,
              help="Print the article's fields, its text and its annotations as JSON.")
@click.option("--color/--no-color", default=None,
              help="Colour passages by tag (default: when printing to a terminal).")
@pass_state
def show(state: _State, article: str, as_json: bool, color: bool | None) -> None:
    """Print an article with its tagged passages marked [1|like this|1].

    ARTICLE is an id, a unique id prefix, or an external id.
    """
    library = state.library
    found = library.articles.get(article)
    notes = library.annotations.list(AnnotationFilter(article_id=found.id))
    if as_json:
        _echo_json({**found.metadata(), "text": found.text,
                    "annotations": [n.as_dict() for n in notes]})
        return
    use_color = sys.stdout.isatty() if color is None else color
    head = " · ".join(x for x in (found.outlet, found.author, found.published) if x)
    _echo(f"{found.title}\n{head}\n{found.id}\n" + "-" * 60)
    click.echo(render_marked(found.text, notes, library.tags.all(), color=use_color))


@cli.command()
@click.argument("article")
@click.option("--start", type=int, help="Offset of the passage's first character.")
@click.option("--end", type=int, help="Offset just past the passage's last character.")
@click.option("--quote", help="The passage's exact text (instead of --start/--end).")
@click.option("--occurrence", type=int,
              help="Which occurrence of --quote, counting from 1, when it occurs more than once.")
@click.option("--tag", "tags", multiple=True, required=True,
              help="A tag to put on the passage; repeat for several.")
@click.option("--note", default="", help="A note on the passage.")
@_annotator_option
@pass_state
def annotate(state: _State, article: str, start: int | None, end: int | None,
             quote: str | None, occurrence: int | None, tags: tuple[str, ...], note: str,
             annotator: str) -> None:
    """Tag a passage of ARTICLE, given by offsets or by its exact text; prints the id.

    Offsets count Unicode characters of the article text (as `show --json` gives it),
    from 0, end exclusive.
    """
    library = state.library
    found = library.articles.get(article)
    if quote is not None:
        if start is not None or end is not None:
            raise InvalidArgumentError("give either --quote or --start/--end, not both")
        selection = select_quote(found.text, quote, occurrence)
    else:
        if start is None or end is None:
            raise InvalidArgumentError("give --start and --end, or --quote")
        selection = select_range(found.text, start, end)
    created = library.annotations.create(found.id, selection, tags, annotator, note)
    _echo(created.id)


@cli.command("autotag")
@click.option("--pattern", required=True, help="A Python regular expression.")
@click.option("--tag", "tags", multiple=True, required=True, help="The tag to apply.")
@click.option("--article", help="Only this article (default: every article).")
@click.option("--ignore-case", "-i", is_flag=True, help="Match regardless of case.")
@click.option("--note", default="", help="A note on every new passage.")
@_annotator_option
@pass_state
def autotag_cmd(state: _State, pattern: str, tags: tuple[str, ...], article: str | None,
                ignore_case: bool, note: str, annotator: str) -> None:
    """Tag every match of a regular expression, in one article or all of them.

    Matches this annotator already tagged with the same tag are not tagged twice.
    """
    from desktop.io.autotag import autotag  # the regex package loads only for autotag
    result = autotag(state.library, pattern, tags, annotator, article=article,
                     ignore_case=ignore_case, note=note)
    _echo(f"tagged {result.created} passage{'s' if result.created != 1 else ''} "
               f"in {result.articles} article{'s' if result.articles != 1 else ''}"
               + (f"; {result.already} already tagged" if result.already else ""))


def _filter(state: _State, article: str | None, tag: str | None, annotator: str | None,
            search: str | None = None) -> AnnotationFilter:
    article_id = state.library.articles.get(article).id if article else None
    if tag:
        state.library.tags.get(tag)  # an unknown tag is an error, not an empty result
    return AnnotationFilter(article_id=article_id, tag=tag, annotator=annotator, search=search)


@cli.command("annotations")
@click.option("--article", help="Only this article.")
@click.option("--tag", help="Only passages with this tag (or one of its child tags).")
@click.option("--annotator", help="Only this annotator's passages.")
@click.option("--search",
              help="Only passages whose text or note has all these words (\"a phrase\" in quotes).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def annotations_cmd(state: _State, article: str | None, tag: str | None,
                    annotator: str | None, search: str | None, as_json: bool) -> None:
    """List annotations, filtered by article, tag, annotator or words."""
    found = state.library.annotations.list(_filter(state, article, tag, annotator, search))
    if as_json:
        _echo_json([a.as_dict() for a in found])
        return
    if not found:
        _echo("No annotations match.")
    for a in found:
        quote = a.exact if len(a.exact) <= 70 else a.exact[:69] + "…"
        _echo(f"{a.id[:8]}  {a.article_id[:8]}  {a.start:>6}-{a.end:<6} "
                   f"{', '.join(a.tag_paths):24}  {a.annotator:12}  {quote!r}")


@cli.command("history")
@click.argument("annotation")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def history_cmd(state: _State, annotation: str, as_json: bool) -> None:
    """Show where an annotation went each time its article's text changed (or a merge
    placed it): when, how it was found, and its passage before and after."""
    found = state.library.annotations.get(annotation)
    steps = history(state.library, found.id)
    if as_json:
        _echo_json({"annotation": found.id, "history": steps})
        return
    if not steps:
        _echo(f"{found.id[:8]}: no re-anchoring yet; it is where it was made")
    for step in steps:
        _echo(f"{str(step['changed'])[:16].replace('T', ' ')}  {step['method']:16}  "
                   f"{_placed(step, 'old')} -> {_placed(step, 'new')}")


def _placed(step: dict[str, Any], side: str) -> str:
    if step[f"{side}_state"] == "orphan":
        return "orphan"
    quote = str(step[f"{side}_exact"])
    quote = quote if len(quote) <= 40 else quote[:39] + "…"
    return f"{step[f'{side}_start']}..{step[f'{side}_end']} {quote!r}"


@cli.command()
@click.argument("annotation")
@pass_state
def delete(state: _State, annotation: str) -> None:
    """Delete an annotation (by id or unique id prefix); the deletion is recorded."""
    removed = state.library.annotations.delete(annotation)
    _echo(f"deleted {removed.id} ({removed.exact[:40]!r})")


@cli.command()
@click.argument("words")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=20, show_default=True, help="Most results of each kind.")
@pass_state
def search(state: _State, words: str, as_json: bool, limit: int) -> None:
    """Search the library's article texts, passages and notes.

    Every word must occur, in any order; put words in double quotes to find them
    together as a phrase: closeread search '"tech cold war" huawei'.
    """
    library = state.library
    hits = library.search.articles(words, limit) + library.search.annotations(words, limit)
    if as_json:
        _echo_json([hit.__dict__ for hit in hits])
        return
    if not hits:
        _echo("Nothing found.")
    for hit in hits:
        where = f"{hit.article_id[:8]}" + (f" @{hit.start}" if hit.start is not None else "")
        label = "passage" if hit.kind == "annotation" else "article"
        _echo(f"{label:8} {where:16} {hit.article_title}\n         "
                   + " ".join(hit.snippet.split()))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(names(EXPORT_FORMATS)), default="csv",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(allow_dash=True), default=STDOUT,
              help="Write here instead of standard output ("
                   + ", ".join(f.name for f in EXPORT_FORMATS if f.folder)
                   + ": a folder, required; "
                   + ", ".join(f.name for f in EXPORT_FORMATS if not f.folder and not f.stdout)
                   + ": a file, required).")
@click.option("--tag", help="Only this tag (and its child tags).")
@click.option("--annotator", help="Only this annotator's passages.")
@click.option("--article", help="Only this article.")
@click.option("--excel", is_flag=True, help="Start with a byte-order mark so Excel reads UTF-8.")
@pass_state
def export(state: _State, fmt: str, output: str, tag: str | None, annotator: str | None,
           article: str | None, excel: bool) -> None:
    """Export tagged passages: one CSV row per passage and tag (see the README for columns).

    --format jsonld writes a W3C Web Annotation collection; --format ptc writes PTC
    article files and label files into the folder -o names; --format brat writes brat
    .txt and .ann files and an annotation.conf there; --format bundle writes the
    articles, tags, annotators and annotations (deletions too) for `closeread merge`.
    """
    spec = export_format(fmt)
    spec.check(output, excel=excel)
    where = _filter(state, article, tag, annotator)
    report = spec.write(state.library, output, where, excel=excel)
    if output != STDOUT:
        _echo(report.summary(), err=True)


@cli.command()
@click.argument("bundles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def merge(state: _State, bundles: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Merge bundles (from `export --format bundle`) into the library.

    Articles are matched by id or text hash, annotations by id; the later change wins, a
    deletion is never undone, a changed text re-anchors. All bundles go in one
    transaction: a bad file merges nothing. Merging a bundle again changes nothing.
    """
    from desktop.io.bundle import merge_bundle_files
    reports = merge_bundle_files(state.library, bundles, dry_run=dry_run)
    if as_json:
        _echo_json({"dry_run": dry_run, "bundles": [r.as_dict() for r in reports]})
        return
    for report in reports:
        _echo(report.summary())
        for annotation_id, quote in report.quotes.items():
            shown = quote if len(quote) <= 60 else quote[:59] + "…"
            _echo(f"  orphaned {annotation_id[:8]}: {' '.join(shown.split())!r}")
    if dry_run:
        _echo("dry run: nothing was changed")


@cli.command()
@pass_state
def samples(state: _State) -> None:
    """Add the bundled sample articles to the library."""
    from desktop.io.samples import load_samples  # the importer loads only when used
    report = load_samples(state.library)
    _echo(report.summary())


@cli.command()
@click.option("--since", type=click.IntRange(min=0), default=0, show_default=True,
              help="Only changes after this sequence number.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many changes.")
@click.option("--json", "as_json", is_flag=True,
              help="JSON: {last, changes: [{seq, entity, id, op, time, origin}, ...]}; "
                   "ask --since LAST next time.")
@pass_state
def changes(state: _State, since: int, limit: int | None, as_json: bool) -> None:
    """The change journal: what was added, updated or removed, in commit order.

    Each change has a sequence number; a program that has read up to N asks for
    --since N to get everything after it. With --json, `last` is the number to ask
    from next: the last change given, or with none the journal's last (never more
    than it: a --since beyond the end answers the end).
    """
    found, last = state.library.journal.page(since, limit)
    if as_json:
        _echo_json({"last": last, "changes": [asdict(change) for change in found]})
        return
    for change in found:
        _echo(f"{change.seq:>8}  {change.time[:19].replace('T', ' ')}  "
                   f"{change.entity:10} {change.op:8} {change.id}  {change.origin or '-'}")


# --- tags --------------------------------------------------------------------------------


@cli.group(cls=_Group, invoke_without_command=True)
@click.pass_context
def tags(ctx: click.Context) -> None:
    """List and edit tags and tag sets (with no subcommand: list the active set)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(tags_list)


@tags.command("list")
@click.option("--set", "tag_set", help="List this tag set instead of the active one.")
@click.option("--all", "everything", is_flag=True, help="List every tag in the library.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def tags_list(state: _State, tag_set: str | None = None, everything: bool = False,
              as_json: bool = False) -> None:
    """List the tags of the active set: key, colour, name, uses."""
    library = state.library
    found = library.tags.all() if everything else library.tags.list(tag_set)
    if as_json:
        _echo_json([{"name": t.name, "path": t.path, "color": t.color, "parent": t.parent_name,
                     "shortcut": t.shortcut, "description": t.description, "usage": t.usage}
                    for t in found])
        return
    _echo(f"tag set: {tag_set or library.tags.active_set}" if not everything
               else "every tag")
    for t in found:
        _echo(f"  {t.shortcut or ' '}  {t.color}  {t.path:44} {t.usage:>6} uses")


@tags.command("add")
@click.argument("name")
@click.option("--color", help="#RRGGBB or a colour name (default: the next palette colour).")
@click.option("--parent", help="Nest the tag under this one.")
@click.option("--description", default="", help="What the tag means.")
@pass_state
def tags_add(state: _State, name: str, color: str | None, parent: str | None,
             description: str) -> None:
    """Add a tag to the active set."""
    tag = state.library.tags.add(name, color, parent, description)
    _echo(f"added {tag.path} {tag.color}" + (f" (key {tag.shortcut})"
                                                  if tag.shortcut else ""))


@tags.command("rename")
@click.argument("old")
@click.argument("new")
@pass_state
def tags_rename(state: _State, old: str, new: str) -> None:
    """Rename a tag; every annotation with it follows."""
    tag = state.library.tags.rename(old, new)
    _echo(f"renamed {old} to {tag.name} ({tag.usage} annotations)")


@tags.command("recolor")
@click.argument("name")
@click.argument("color")
@pass_state
def tags_recolor(state: _State, name: str, color: str) -> None:
    """Give a tag a new colour (#RRGGBB or a colour name)."""
    tag = state.library.tags.recolor(name, color)
    _echo(f"{tag.name} is now {tag.color}")


@tags.command("remove")
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove it even from annotations that carry it.")
@pass_state
def tags_remove(state: _State, name: str, force: bool) -> None:
    """Remove a tag; refused while annotations carry it, unless --force."""
    used = state.library.tags.remove(name, force=force)
    _echo(f"removed {name}" + (f" from {used} annotations" if used else ""))


@tags.command("move")
@click.argument("name")
@click.argument("position", type=int)
@pass_state
def tags_move(state: _State, name: str, position: int) -> None:
    """Move a tag to POSITION (from 1) in the active set; keys 1-9 follow the order."""
    for t in state.library.tags.move(name, position):
        _echo(f"  {t.shortcut or ' '}  {t.path}")


@tags.command("sets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def tags_sets(state: _State, as_json: bool) -> None:
    """List the tag sets; * marks the active one."""
    sets = state.library.tags.tag_sets()
    if as_json:
        _echo_json(sets)
        return
    for s in sets:
        _echo(f"{'*' if s['active'] else ' '} {s['name']:10} {s['tags']:>3} tags  "
                   f"{s['title']}")


@tags.command("use")
@click.argument("tag_set")
@pass_state
def tags_use(state: _State, tag_set: str) -> None:
    """Switch to another tag set (default, or ptc for the 14 SemEval-2020 techniques)."""
    state.library.tags.use_set(tag_set)
    _echo(f"active tag set: {tag_set}")


# --- review sessions ---------------------------------------------------------------------

_reviewer_option = click.option(
    "--reviewer", envvar="CLOSEREAD_ANNOTATOR", default=getpass.getuser,
    show_default="your user name", help="Who decides (or set CLOSEREAD_ANNOTATOR).",
    callback=_checked_name)


def _names(value: str) -> list[str]:
    """The names of a comma-separated option."""
    return [part.strip() for part in value.split(",") if part.strip()]


@cli.group(cls=_Group)
def review() -> None:
    """Review sessions: align analysts' passages into units, decide each, export the
    reconciled layer (docs/review.md)."""


@review.command("create")
@click.argument("name")
@click.option("--annotators", required=True, metavar="A,B,C",
              help="The analysts under review, comma-separated, in lane order.")
@click.option("--articles", metavar="A,B,...",
              help="The articles (ids, unique prefixes or external ids), comma-separated "
                   "(default: every article any of the analysts annotated).")
@click.option("--reviewer", "reviewers", multiple=True, callback=_checked_name,
              help="Who reviews; repeat for several (default: CLOSEREAD_ANNOTATOR or your "
                   "user name).")
@click.option("--tolerance", type=click.IntRange(min=0), default=DEFAULT_TOLERANCE,
              show_default=True,
              help="Characters by which boundaries may differ and passages lie apart and "
                   "still be one unit.")
@pass_state
def review_create(state: _State, name: str, annotators: str, articles: str | None,
                  reviewers: tuple[str, ...], tolerance: int) -> None:
    """Open the review session NAME over the passages of --annotators.

    The reconciled passages belong to an annotator called NAME: `closeread export
    --annotator NAME` exports them in any format.
    """
    who = reviewers or (os.environ.get("CLOSEREAD_ANNOTATOR") or getpass.getuser(),)
    library = state.library
    session = library.reviews.create(
        name, _names(annotators), None if articles is None else _names(articles), who,
        tolerance)
    progress = library.reviews.progress(session)
    _echo(f"created review session {session.name} ({session.id[:8]}): "
               f"{_count(len(session.analysts), 'analyst')}, "
               f"{_count(len(session.articles), 'article')}, {_count(progress.units, 'unit')}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _progress_words(progress: Any) -> str:
    words = f"{progress.decided}/{progress.units} decided"
    return words + (f", {progress.stale} stale" if progress.stale else "")


@review.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_list(state: _State, as_json: bool) -> None:
    """List the review sessions with their progress (units decided of all)."""
    reviews = state.library.reviews
    found = [(s, reviews.progress(s)) for s in reviews.list()]
    if as_json:
        _echo_json([{**s.as_dict(), "progress": p.as_dict()} for s, p in found])
        return
    if not found:
        _echo("No review sessions: `closeread review create --help`.")
    for session, progress in found:
        analysts = ", ".join(a.name for a in session.analysts)
        _echo(f"{session.name:16} {session.status:6}  "
                   f"{_count(len(session.articles), 'article'):>12}  "
                   f"{_progress_words(progress):24}  {analysts}")


@review.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_show(state: _State, name: str, as_json: bool) -> None:
    """Show a session: its analysts, reviewers, tolerance and progress by state and class."""
    reviews = state.library.reviews
    session = reviews.get(name)
    progress = reviews.progress(session)
    if as_json:
        _echo_json({**session.as_dict(), "progress": progress.as_dict()})
        return
    _echo(f"{session.name} ({session.id})  {session.status}, tolerance "
               f"{session.tolerance}")
    for analyst in session.analysts:
        gone = "  (no longer in the library)" if analyst.missing else ""
        _echo(f"  lane {analyst.lane}: {analyst.name}{gone}")
    _echo(f"  reviewers: {', '.join(session.reviewers) or 'none'}")
    _echo(f"  articles: {len(session.articles)}; units: {_progress_words(progress)}")
    _echo("  states: " + ", ".join(f"{k} {n}" for k, n in progress.states.items()))
    _echo("  classes: " + ", ".join(f"{k} {n}" for k, n in progress.classes.items()))
    if progress.stale:
        _echo(f"  {progress.stale} decisions no longer match a unit (its passages "
                   "changed): decide those units again")


@review.command("units")
@click.argument("name")
@click.option("--article", help="Only this article.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_units(state: _State, name: str, article: str | None, as_json: bool) -> None:
    """List a session's units: key, article, span, class, state, each analyst's version
    and the decision."""
    library = state.library
    session = library.reviews.get(name)
    found = library.reviews.units(session.id, article)
    texts: dict[str, str] = {}

    def text(article_id: str) -> str:
        if article_id not in texts:
            texts[article_id] = library.articles.text(article_id)
        return texts[article_id]

    if as_json:
        _echo_json([unit_as_dict(session, u, text(u.unit.article_id)) for u in found])
        return
    if not found:
        _echo("No units: the session's analysts marked nothing in its articles.")
    for reviewed in found:
        unit, decision = reviewed.unit, reviewed.decision
        quote = " ".join(text(unit.article_id)[unit.start:unit.end].split())
        quote = quote if len(quote) <= 50 else quote[:49] + "…"
        _echo(f"{unit.key}  {unit.article_id[:8]}  {f'{unit.start}-{unit.end}':11} "
                   f"{unit.kind:20} {reviewed.state:12} {quote!r}")
        for analyst in session.analysts:
            shown = "; ".join(f"{p.start}-{p.end} {', '.join(sorted(p.tags)) or '(no tag)'}"
                              for p in unit.versions(analyst.id)) or "—"
            _echo(f"    {analyst.lane} {analyst.name:12} {shown}")
        if decision is not None:
            whose = f" {session.name_of(decision.analyst_id)}'s version" \
                if decision.analyst_id else ""
            made = reviewed.reconciled
            into = f" -> {made.start}-{made.end} {', '.join(sorted(made.tags))}" if made else ""
            _echo(f"    decided: {decision.decision}{whose}{into} ({decision.rule}, "
                       f"{decision.reviewer})"
                       + (f": {decision.comment}" if decision.comment else ""))


@review.command("auto")
@click.argument("name")
@click.option("--rule", type=click.Choice(["unanimous", "majority"]), required=True,
              help="unanimous: accept every unit all analysts agree on (the first analyst's "
                   "version); majority: accept a version --min analysts share.")
@click.option("--min", "min_votes", type=click.IntRange(min=1),
              help="With --rule majority: how many analysts must share a version (default: "
                   "more than half).")
@click.option("--redo", is_flag=True,
              help="Take the rule's earlier decisions again (a reviewer's own are kept).")
@_reviewer_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_auto(state: _State, name: str, rule: str, min_votes: int | None, redo: bool,
                reviewer: str, as_json: bool) -> None:
    """Accept the units a rule settles; units already decided keep their decision."""
    result = state.library.reviews.auto(name, rule, reviewer=reviewer, min_votes=min_votes,
                                        redo=redo)
    if as_json:
        _echo_json(result.as_dict())
        return
    for accepted in result.accepted:
        _echo(f"accepted {accepted.unit_key}  {accepted.article_id[:8]}  "
                   f"{accepted.start}-{accepted.end}  {', '.join(accepted.tags) or '(no tag)'}"
                   f"  {accepted.analyst}'s version, shared by "
                   f"{', '.join(accepted.supporters)}")
    for key in result.reopened:
        _echo(f"reopened {key}")
    _echo(result.summary())


@review.command("decide")
@click.argument("name")
@click.argument("unit")
@click.option("--accept", "accept", metavar="ANALYST",
              help="Accept this analyst's version (or the passage with this id).")
@click.option("--span", type=(int, int), metavar="START END",
              help="Decide with this passage of your own (code points, end exclusive).")
@click.option("--tag", "tags", multiple=True, help="With --span: a tag; repeat for several.")
@click.option("--note", default="", help="With --span: a note on the reconciled passage.")
@click.option("--reject", is_flag=True, help="Nothing of this unit goes into the layer.")
@click.option("--reopen", is_flag=True, help="Withdraw the unit's decision.")
@click.option("--comment", default="", help="Why, for the record.")
@_reviewer_option
@pass_state
def review_decide(state: _State, name: str, unit: str, accept: str | None,
                  span: tuple[int, int] | None, tags: tuple[str, ...], note: str,
                  reject: bool, reopen: bool, comment: str, reviewer: str) -> None:
    """Decide UNIT (a key from `review units`, or a unique prefix): accept an analyst's
    version, put a passage of your own (--span with --tag), or reject it.

    Re-deciding a unit replaces its reconciled passage.
    """
    chosen = [accept is not None, span is not None, reject, reopen]
    if sum(chosen) != 1:
        raise InvalidArgumentError("give one of --accept ANALYST, --span START END, --reject "
                                   "or --reopen")
    if (tags or note) and span is None:
        raise InvalidArgumentError("--tag and --note go with --span")
    if span is not None and (min(span) < 0 or span[1] <= span[0]):
        problem = ("offsets must not be negative" if min(span) < 0 else
                   "the start is after the end" if span[0] > span[1] else "the span is empty")
        raise InvalidArgumentError(f"--span {span[0]} {span[1]}: {problem} (START END: code "
                                   "points, end exclusive)")
    reviews = state.library.reviews
    session = reviews.get(name)
    if accept is not None:
        known = {a.name for a in session.analysts} | {a.id for a in session.analysts}
        analyst, passage = (accept, None) if accept in known else ("", accept)
        change = reviews.accept(name, unit, analyst, passage_id=passage, reviewer=reviewer,
                                comment=comment)
    elif span is not None:
        change = reviews.edit(name, unit, span[0], span[1], tags, reviewer=reviewer,
                              comment=comment, note=note)
    elif reject:
        change = reviews.reject(name, unit, reviewer=reviewer, comment=comment)
    else:
        change = reviews.reopen(name, unit)
        _echo(f"unit {change.unit_key}: open again")
        return
    after = change.after
    assert after is not None
    words = after.decision
    if after.analyst_id:
        words += f" {session.name_of(after.analyst_id)}'s version"
    if after.annotation_id:
        words += f"; reconciled passage {after.annotation_id}"
    replaced = " (replaces the earlier decision)" if change.before else ""
    _echo(f"unit {change.unit_key}: {words}{replaced}")
    for earlier in change.superseded:
        _echo(f"  withdrew the stale decision on {earlier.unit_key}")


@review.command("reply")
@click.argument("name")
@click.argument("target")
@click.argument("text")
@click.option("--annotator", envvar="CLOSEREAD_ANNOTATOR", default=getpass.getuser,
              show_default="your user name", help="Who writes (or set CLOSEREAD_ANNOTATOR).",
              callback=_checked_name)
@pass_state
def review_reply(state: _State, name: str, target: str, text: str, annotator: str) -> None:
    """Reply to TARGET: a unit of the session (the thread of its first passage), a
    passage or another reply (by id or unique prefix). TEXT is Markdown."""
    reviews = state.library.reviews
    reply = reviews.replies.add(reviews.thread_root(name, target), text, annotator)
    _echo(reply.id)


@review.command("thread")
@click.argument("name")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def review_thread(state: _State, name: str, target: str, as_json: bool) -> None:
    """Print the discussion of TARGET: a unit (the threads of its passages), a passage or a
    reply (its whole thread), answers indented under what they answer."""
    threads = state.library.reviews.threads(name, target)
    if as_json:
        _echo_json([{"annotation_id": root, "replies": [r.as_dict() for r in replies]}
                    for root, replies in threads])
        return
    if not any(replies for _, replies in threads):
        _echo("No replies yet.")
    for root, replies in threads:
        _echo(f"passage {root}")
        for reply in replies:
            indent = "  " * reply.depth
            text = "(deleted)" if reply.deleted else reply.text
            _echo(f"{indent}{reply.author} · {reply.created[:16].replace('T', ' ')} · "
                       f"{reply.id[:8]}")
            for line in text.splitlines() or [""]:
                _echo(f"{indent}  {line}")


@review.command("report")
@click.argument("name")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file: .html, .md or .csv.")
@pass_state
def review_report(state: _State, name: str, output: str) -> None:
    """Write a session's units with their classes, versions and decisions: an HTML page,
    Markdown or CSV, by the ending of -o."""
    suffix = Path(output).suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".csv"):
        raise InvalidArgumentError(f"{output}: the report is .html, .md or .csv")
    # the HTML page and the Markdown have the agreement figures (the page its charts too)
    data = state.library.reviews.report(name, with_agreement=suffix != ".csv")
    if suffix == ".csv":
        with written_whole(output, newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(REPORT_COLUMNS)
            writer.writerows(tuple(neutralise(v) if isinstance(v, str) else v for v in row)
                             for row in report_rows(data))
    else:
        page = report_markdown(data) if suffix == ".md" else report_html(data)
        with written_whole(output) as stream:
            stream.write(page)
    _echo(f"wrote {output}: {len(data.units)} units, {data.decided} decided", err=True)


@review.command("close")
@click.argument("name")
@pass_state
def review_close(state: _State, name: str) -> None:
    """Close a session: it takes no more decisions until opened again."""
    session = state.library.reviews.set_status(name, CLOSED)
    _echo(f"{session.name}: closed")


@review.command("open")
@click.argument("name")
@pass_state
def review_open(state: _State, name: str) -> None:
    """Open a closed session again."""
    session = state.library.reviews.set_status(name, OPEN)
    _echo(f"{session.name}: open")


# --- agreement ---------------------------------------------------------------------------

_PAIR_MEASURES = (("span_precision", "span P"), ("span_recall", "span R"),
                  ("span_f1", "span F1"), ("span_f1_tagged", "F1 tags"),
                  ("cohen_kappa", "Cohen κ"), ("krippendorff_alpha_u", "α_u"))


@cli.command("agreement")
@click.option("--articles", metavar="A,B,...",
              help="The articles compared, comma-separated (default: every article the "
                   "analysts annotated).")
@click.option("--annotators", metavar="A,B,...",
              help="The analysts, comma-separated (default: everyone with passages there, "
                   "review sessions' reconciled layers aside).")
@click.option("--tags", metavar="T,U,...",
              help="Only these tags (and their child tags), listed even if nobody used them.")
@click.option("--reference", metavar="NAME",
              help="Also compare each analyst with this annotator's passages (a review "
                   "session's name: its reconciled layer).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@pass_state
def agreement(state: _State, articles: str | None, annotators: str | None, tags: str | None,
              reference: str | None, as_json: bool) -> None:
    """How far analysts agree on the passages they marked: span precision, recall and F1
    (SemEval-2020 Task 11), Cohen's κ and Krippendorff's α_u for each pair, Fleiss' κ and
    α_u for the group, over all tags and per tag (docs/agreement.md).
    """
    data = state.library.reviews.agreement_input(
        articles=None if articles is None else _names(articles),
        annotators=None if annotators is None else _names(annotators),
        tags=None if tags is None else _names(tags), reference=reference)
    report = data.report()
    if as_json:
        _echo_json(report)
        return
    for line in _agreement_lines(report):
        _echo(line)


def _agreement_lines(report: dict[str, Any]) -> list[str]:
    """The report as pairwise tables: overall, then one table a tag."""
    reasons: dict[str, None] = {}

    def cell(measure: dict[str, Any]) -> str:
        if measure["value"] is None:
            reasons.setdefault(str(measure["reason"]))
            return "n/a"
        return f"{measure['value']:.3f}"

    analysts = ", ".join(report["analysts"]) or "none"
    if report.get("absent"):
        analysts += f"; no figures for {', '.join(report['absent'])} (deleted)"
    against = f" (reference: {report['reference']})" if report["reference"] else ""
    lines = [f"analysts: {analysts}{against}; {_count(report['articles'], 'article')}, "
             f"{_count(report['characters'], 'character')}",
             f"tags: {', '.join(report['tags']) or 'none'}"]
    width = max([len(f"{p['first']} / {p['second']}") for p in report["pairs"]]
                + [len(f"tag {t}") for t in report["tags"]] + [8])

    def table(title: str, measures_of: Any, group: dict[str, Any]) -> None:
        lines.append("")
        lines.append(f"{title:{width}}  " + "  ".join(f"{h:>7}" for _, h in _PAIR_MEASURES))
        for pair in report["pairs"]:
            measures = measures_of(pair)
            lines.append(f"{pair['first'] + ' / ' + pair['second']:{width}}  "
                         + "  ".join(f"{cell(measures[k]):>7}" for k, _ in _PAIR_MEASURES))
        lines.append(f"{'group':{width}}  Fleiss κ {cell(group['fleiss_kappa'])}  "
                     f"α_u {cell(group['krippendorff_alpha_u'])}")

    table("all tags", lambda pair: pair["overall"], report["group"]["overall"])
    for tag in report["tags"]:
        table(f"tag {tag}", lambda pair, tag=tag: pair["tags"][tag],
              report["group"]["tags"][tag])
    if reasons:
        lines.append("")
        lines += [f"n/a: {reason.removeprefix('n/a: ')}" for reason in reasons]
    return lines


# --- the team server: accounts, tokens, groups, serve ------------------------------------


@cli.group("user", cls=_Group)
def user_group() -> None:
    """The team server's user accounts (docs/server.md)."""


@user_group.command("add")
@click.argument("name")
@click.option("--display-name", default="", help="The name shown beside the user's notes.")
@pass_state
def user_add(state: _State, name: str, display_name: str) -> None:
    """Add a user NAME (letters, digits, '.', '_', '-'); what they write through the
    server is annotated as NAME."""
    user = state.library.accounts.add_user(name, display_name)
    _echo(f"added user {user.name}")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def user_list(state: _State, as_json: bool) -> None:
    """List the users."""
    users = state.library.accounts.users()
    if as_json:
        _echo_json([asdict(user) for user in users])
        return
    for user in users:
        _echo(f"{user.name:24} {user.display_name}")


@cli.group("token", cls=_Group)
def token_group() -> None:
    """API tokens for the team server (only a hash of each is stored)."""


@token_group.command("create")
@click.option("--user", "user_name", required=True, help="Whose token (added if new).")
@click.option("--label", default="", help="What the token is for (a machine, a script).")
@pass_state
def token_create(state: _State, user_name: str, label: str) -> None:
    """Make a token for --user; it is printed once, alone on the last line: keep it, it
    cannot be shown again."""
    token, value = state.library.accounts.create_token(user_name, label)
    _echo(f"token {token.id} for {token.user} (send it as 'Authorization: Bearer "
               "<token>'; it is not shown again):")
    _echo(value)


@token_group.command("revoke")
@click.argument("token")
@pass_state
def token_revoke(state: _State, token: str) -> None:
    """Revoke a token, given by its value or its id (or a unique prefix of the id); the
    server refuses it from the next request on."""
    revoked = state.library.accounts.revoke(token)
    _echo(f"revoked token {revoked.id} of {revoked.user}")


@token_group.command("list")
@click.option("--user", "user_name", help="Only this user's tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def token_list(state: _State, user_name: str | None, as_json: bool) -> None:
    """List tokens: id, user, label, when made and revoked (never the token itself)."""
    tokens = state.library.accounts.tokens(user_name)
    if as_json:
        _echo_json([asdict(token) for token in tokens])
        return
    for token in tokens:
        state_text = f"revoked {token.revoked[:19]}" if token.revoked else "active"
        _echo(f"{token.id}  {token.user:16} {token.created[:19].replace('T', ' ')}  "
                   f"{state_text:27} {token.label}")


@cli.group("group", cls=_Group)
def group_group() -> None:
    """The team server's groups: who reads the annotations shared with each."""


@group_group.command("create")
@click.argument("name")
@click.option("--creator", help="The user who may change the group and its members "
                                "(and its first member).")
@click.option("--description", default="", help="What the group is for.")
@pass_state
def group_create(state: _State, name: str, creator: str | None, description: str) -> None:
    """Create a group NAME (3 to 25 characters); prints its id."""
    group = state.library.accounts.create_group(name, creator, description)
    _echo(f"created group {group.name} ({group.id})")


@group_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def group_list(state: _State, as_json: bool) -> None:
    """List the groups with their ids, creators and member counts."""
    groups = state.library.accounts.groups()
    if as_json:
        _echo_json([asdict(group) for group in groups])
        return
    for group in groups:
        members = "everyone" if group.id == "__world__" else f"{group.member_count} members"
        _echo(f"{group.id:10} {group.name:26} {members:12} {group.creator or '-'}")


@group_group.command("add-member")
@click.argument("group")
@click.argument("user")
@pass_state
def group_add_member(state: _State, group: str, user: str) -> None:
    """Put USER in GROUP (an id or a name)."""
    accounts = state.library.accounts
    found = accounts.group(group)
    added = accounts.add_member(found.id, user)
    _echo(f"{user} {'added to' if added else 'is already in'} {found.name}")


@group_group.command("remove-member")
@click.argument("group")
@click.argument("user")
@pass_state
def group_remove_member(state: _State, group: str, user: str) -> None:
    """Take USER out of GROUP (an id or a name)."""
    accounts = state.library.accounts
    found = accounts.group(group)
    removed = accounts.remove_member(found.id, user)
    _echo(f"{user} {'removed from' if removed else 'was not in'} {found.name}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              help="The port to listen on.")
@click.option("--authority", default="localhost", show_default=True,
              help="The domain in user ids (acct:NAME@AUTHORITY).")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="An origin browsers may call the API from (repeatable); none by default.")
@click.option("--anonymous-read", is_flag=True,
              help="Let callers without a token read the articles and what is shared with "
                   "__world__.")
@pass_state
def serve(state: _State, host: str, port: int, authority: str,
          cors_origins: tuple[str, ...], anonymous_read: bool) -> None:
    """Serve the library to a team: a Hypothesis-compatible HTTP API (docs/server.md).

    Stops cleanly on Ctrl+C or SIGTERM. The app and the command line can use the same
    library file while it runs.
    """
    if not authority.strip() or any(c.isspace() or c in "@/:" for c in authority):
        raise InvalidArgumentError(f"--authority {authority!r}: give a domain, as example.org")
    # opened here first: a file that is no library, or too new, is refused as every
    # command refuses it; the server then opens its own connections
    library = state.library
    timeout = library.busy_timeout
    library.close()
    from desktop.server.app import ServerConfig  # FastAPI loads only for this command
    from desktop.server.run import ServeOptions
    from desktop.server.run import serve as run_server

    run_server(ServeOptions(
        db=state.db_path, host=host, port=port, busy_timeout=timeout,
        api=ServerConfig(authority=authority.strip(), cors_origins=cors_origins,
                         anonymous_read=anonymous_read)))



# --- the sync: this library as an offline-first client of a team server ------------------

if TYPE_CHECKING:  # httpx loads only for the sync's commands
    from desktop.sync.engine import SyncEngine


def _sync_engine(state: _State) -> SyncEngine:
    """An engine on a connection of the sync's own (its writes carry the origin
    ``sync:…``, which the push never sends back); httpx loads only for these commands."""
    from desktop.sync.engine import SyncEngine

    return SyncEngine.opened(state.db_path, _busy_timeout())


@cli.group("sync", cls=_Group, invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the round's report as JSON.")
@click.pass_context
def sync_group(ctx: click.Context, as_json: bool) -> None:
    """Sync the library with its team server, one round: send the passages made here
    that the server has not acknowledged, then apply what changed there (the later update
    wins, a deletion is never undone). Exits 1 when the server cannot be reached (nothing
    is lost: the next round sends it). `sync connect` sets the server (docs/server.md,
    "Sync")."""
    if ctx.invoked_subcommand is not None:
        return
    state = ctx.find_object(_State)
    assert state is not None
    with _sync_engine(state) as engine:
        if engine.state.connection() is None:
            raise InvalidArgumentError(
                f"{state.db_path} is not connected to a team server: "
                f"`{_invoked_as()} sync connect URL --token TOKEN` first")
        report = engine.sync(pages=None)  # until up to date: nobody waits on a next round
    if as_json:
        _echo_json(report.as_dict())
    else:
        for line in report.lines():
            _echo(line)
    if report.status.state == "offline":
        _echo(f"Error: {report.status.problem}; {report.status.unsent} unsent changes "
                   "wait for the next round", err=True)
        ctx.exit(1)


@sync_group.command("connect")
@click.argument("url")
@click.option("--token", envvar="CLOSEREAD_TOKEN", prompt="API token", hide_input=True,
              help="The API token (made with `closeread token create` on the server's "
                   "machine), or set CLOSEREAD_TOKEN; asked for when left out. It is kept "
                   "in the library file (docs/server.md, \"Sync\").")
@pass_state
def sync_connect(state: _State, url: str, token: str) -> None:
    """Connect the library to the team server at URL (http://host:port): the token is
    checked there and kept in the library; the passages of its user's annotator are sent
    from then on (those made before too)."""
    with _sync_engine(state) as engine:
        connection = engine.connect(url, token)
    _echo(f"connected {state.db_path} to {connection.url} as {connection.user}: "
               f"`{_invoked_as()} sync` sends the passages of the annotator "
               f"{connection.user!r} and reads what changed there")
    annotator = os.environ.get("CLOSEREAD_ANNOTATOR") or getpass.getuser()
    if annotator != connection.user:
        _echo(f"note: passages made here as {annotator!r} are not sent; set "
                   f"CLOSEREAD_ANNOTATOR={connection.user} (and the app's annotator)",
                   err=True)


@sync_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def sync_status(state: _State, as_json: bool) -> None:
    """Whether the library is connected, the server answers now, and how many changes
    made here wait to be sent (never the token)."""
    with _sync_engine(state) as engine:
        status = engine.status(probe=True)
        pointers = {"pushed_seq": engine.state.pushed_seq,
                    "pulled_seq": engine.state.pulled_seq}
    if as_json:
        _echo_json({**status.as_dict(), **pointers})
        return
    if status.server is None:
        _echo(f"not connected (`{_invoked_as()} sync connect URL --token TOKEN`)")
        return
    _echo(f"server: {status.server} (as {status.user})")
    _echo(f"status: {status.text}" + (f" — {status.problem}" if status.problem else ""))
    _echo(f"unsent: {status.unsent}; sent up to {pointers['pushed_seq']} here, read up "
               f"to {pointers['pulled_seq']} there")


@sync_group.command("disconnect")
@pass_state
def sync_disconnect(state: _State) -> None:
    """Forget the team server and the token; the library and its unsent work stay
    (connecting again sends everything of its user's again, which duplicates nothing)."""
    with _sync_engine(state) as engine:
        gone = engine.disconnect()
    if gone is None:
        _echo("not connected")
    else:
        _echo(f"disconnected from {gone.url}; the token is no longer kept here")


def main() -> None:
    try:
        cli(prog_name="closeread")
    except BrokenPipeError:  # `closeread --help | head -1`: before any command runs
        stdout_gone()
        sys.exit(0)
    except OSError as error:  # `closeread --version > /dev/full`: the same
        if not stdout_broken(error):
            raise
        _echo(f"Error: standard output: cannot write ({error.strerror})", err=True)
        sys.exit(1)
    except SystemExit:
        # what is still buffered is written now, while a closed pipe can be told apart
        # from a full disk, not in Python's flush at exit (a traceback, exit 120)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            stdout_gone()
        except OSError as error:
            stdout_gone()
            _echo(f"Error: standard output: cannot write ({error.strerror})", err=True)
            sys.exit(1)
        raise
