"""The ``closeread`` command: thin click glue over the store and io layers."""

from __future__ import annotations

import getpass
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from desktop import __version__
from desktop.core.errors import ClosereadError, InvalidArgumentError
from desktop.core.selectors import select_quote, select_range
from desktop.io.autotag import autotag
from desktop.io.brat import import_brat
from desktop.io.bundle import merge_bundle_files
from desktop.io.formats import (
    ANNOTATION_READERS,
    EXPORT_FORMATS,
    STDOUT,
    annotation_reader,
    article_formats,
    export_format,
    names,
)
from desktop.io.importer import FileOutcome, import_paths, replace_article
from desktop.io.ptc import import_ptc
from desktop.io.samples import load_samples
from desktop.io.terminal import render_marked
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import DEFAULT_BUSY_TIMEOUT, Library
from desktop.store.revisions import history


class _Group(click.Group):
    """Shows a ``ClosereadError`` as one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClosereadError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was left half-done.", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: say so in one line, details on request
            if os.environ.get("CLOSEREAD_DEBUG"):
                raise
            click.echo(f"Error: unexpected {type(error).__name__}: {error} "
                       "(run again with CLOSEREAD_DEBUG=1 for details)", err=True)
            ctx.exit(70)


class _State:
    def __init__(self, db: str) -> None:
        self.db_path = db
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            timeout = float(os.environ.get("CLOSEREAD_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
            self._library = Library(self.db_path, busy_timeout=timeout, client="cli")
        return self._library


pass_state = click.make_pass_decorator(_State)

_annotator_option = click.option(
    "--annotator", envvar="CLOSEREAD_ANNOTATOR", default=getpass.getuser, show_default="your "
    "user name", help="Who makes the annotation (or set CLOSEREAD_ANNOTATOR).")


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
        click.echo("No display to open the window on; here is the library instead.",
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
        report = load_samples(library)
        click.echo(f"New library {state.db_path} with {len(report.imported)} sample articles.")
    _print_articles(library.articles.list())
    click.echo("\nNext: `closeread show ARTICLE`, `closeread annotate --help`, "
               "`closeread export --help`.")


def _print_articles(articles: list[Any]) -> None:
    if not articles:
        click.echo("The library is empty: add articles with `closeread import PATH`.")
        return
    click.echo(f"{'id':8}  {'notes':>5}  {'published':10}  {'outlet':18}  title")
    for a in articles:
        click.echo(f"{a.id[:8]}  {a.annotation_count:>5}  {(a.published or '')[:10]:10}  "
                   f"{(a.outlet or '')[:18]:18}  {a.title}")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-clean", is_flag=True,
              help="Keep the text exactly (no removal of ads, share counts, repeated bodies).")
@click.option("--format", "fmt", type=click.Choice(names(article_formats())), default="auto",
              show_default=True,
              help="Read every file as this format ("
                   + "; ".join(f"{f.name}: {f.help}" for f in article_formats()) + ").")
@click.option("--labels", type=click.Path(path_type=Path),
              help="With --format ptc: a PTC label file, or a folder of *.labels files.")
@click.option("--annotator", envvar="CLOSEREAD_ANNOTATOR",
              help="With --labels or --format brat: who the annotations belong to "
                   "(default: CLOSEREAD_ANNOTATOR, else your user name).")
@click.option("--replace", "replace", metavar="ARTICLE",
              help="Give ARTICLE this file's text; its annotations re-anchor (or become "
                   "orphans, never lost).")
@pass_state
def import_cmd(state: _State, paths: tuple[Path, ...], no_clean: bool, fmt: str,
               labels: Path | None, annotator: str | None, replace: str | None) -> None:
    """Import articles from .txt, .md and .html files and folders (recursively).

    Scraper noise is removed and reported unless --no-clean. Re-importing a text that is
    already in the library changes nothing; a new text for a known url or external id
    replaces the article's text and re-anchors its annotations, as --replace does.
    Exits with 1 if any file failed.

    With --format ptc, PATHS hold PTC articles (article<ID>.txt), stored byte for byte,
    and --labels adds their SI or TC labels; any bad file or line imports nothing.

    With --format brat, PATHS hold brat documents (X.txt, stored byte for byte, with the
    T lines and AnnotatorNotes of X.ann beside it); any bad file or line imports nothing.
    """
    if fmt == "ptc":
        _import_ptc(state, paths, labels, annotator or getpass.getuser())
        return
    if labels is not None:
        raise InvalidArgumentError("--labels needs --format ptc")
    if fmt == "brat":
        if replace is not None:
            raise InvalidArgumentError("--replace does not apply to --format brat")
        _import_brat(state, paths, annotator or getpass.getuser())
        return
    if replace is not None:
        if len(paths) != 1 or paths[0].is_dir():
            raise InvalidArgumentError("--replace takes exactly one file")
        outcome = replace_article(state.library, paths[0], replace, fmt, clean=not no_clean)
        click.echo(f"{outcome.status} {outcome.message}")
        return
    library = state.library
    show_bar = sys.stderr.isatty()
    with click.progressbar(length=1, label="Importing", file=sys.stderr,
                           hidden=not show_bar) as bar:
        def progress(done: int, total: int, path: Path) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        report = import_paths(library, paths, fmt=fmt, clean=not no_clean, progress=progress)
    for outcome in report.outcomes:
        if outcome.status == "imported":
            extra = f" ({outcome.cleaning})" if outcome.cleaning else ""
            assert outcome.article is not None
            click.echo(f"imported  {outcome.path} -> {outcome.article.id[:8]} "
                       f"{outcome.article.title}{extra}")
        elif outcome.status == "replaced":
            click.echo(f"replaced  {outcome.path} -> {outcome.message}")
        elif outcome.status == "unchanged":
            click.echo(f"unchanged {outcome.path}: {outcome.message}")
        elif outcome.status == "skipped":
            click.echo(f"skipped   {outcome.path}: {outcome.message}")
    for outcome in report.failed:
        click.echo(f"Error: {outcome.path}: {outcome.message}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


def _import_ptc(state: _State, paths: tuple[Path, ...], labels: Path | None,
                annotator: str) -> None:
    report = import_ptc(state.library, paths, labels, annotator)
    _echo_outcomes(report.articles)
    click.echo(report.summary())


def _import_brat(state: _State, paths: tuple[Path, ...], annotator: str) -> None:
    report = import_brat(state.library, paths, annotator)
    _echo_outcomes(report.articles)
    click.echo(report.summary())


def _echo_outcomes(outcomes: list[FileOutcome]) -> None:
    """One line per file of a PTC or brat import."""
    for outcome in outcomes:
        if outcome.status == "imported":
            assert outcome.article is not None
            click.echo(f"imported  {outcome.path} -> {outcome.article.id[:8]} "
                       f"{outcome.article.title}")
        else:
            click.echo(f"{outcome.status:9} {outcome.path}: {outcome.message}")


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
    click.echo(annotation_reader(fmt).read(state.library, path, annotator).summary())


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
    click.echo(f"{found.title}\n{head}\n{found.id}\n" + "-" * 60)
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
    click.echo(created.id)


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
    result = autotag(state.library, pattern, tags, annotator, article=article,
                     ignore_case=ignore_case, note=note)
    click.echo(f"tagged {result.created} passage{'s' if result.created != 1 else ''} "
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
        click.echo("No annotations match.")
    for a in found:
        quote = a.exact if len(a.exact) <= 70 else a.exact[:69] + "…"
        click.echo(f"{a.id[:8]}  {a.article_id[:8]}  {a.start:>6}-{a.end:<6} "
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
        click.echo(f"{found.id[:8]}: no re-anchoring yet; it is where it was made")
    for step in steps:
        click.echo(f"{str(step['changed'])[:16].replace('T', ' ')}  {step['method']:16}  "
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
    click.echo(f"deleted {removed.id} ({removed.exact[:40]!r})")


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
        click.echo("Nothing found.")
    for hit in hits:
        where = f"{hit.article_id[:8]}" + (f" @{hit.start}" if hit.start is not None else "")
        label = "passage" if hit.kind == "annotation" else "article"
        click.echo(f"{label:8} {where:16} {hit.article_title}\n         "
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
        click.echo(report.summary(), err=True)


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
    reports = merge_bundle_files(state.library, bundles, dry_run=dry_run)
    if as_json:
        _echo_json({"dry_run": dry_run, "bundles": [r.as_dict() for r in reports]})
        return
    for report in reports:
        click.echo(report.summary())
        for annotation_id, quote in report.quotes.items():
            shown = quote if len(quote) <= 60 else quote[:59] + "…"
            click.echo(f"  orphaned {annotation_id[:8]}: {' '.join(shown.split())!r}")
    if dry_run:
        click.echo("dry run: nothing was changed")


@cli.command()
@pass_state
def samples(state: _State) -> None:
    """Add the bundled sample articles to the library."""
    report = load_samples(state.library)
    click.echo(report.summary())


@cli.command()
@click.option("--since", type=click.IntRange(min=0), default=0, show_default=True,
              help="Only changes after this sequence number.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many changes.")
@click.option("--json", "as_json", is_flag=True, help="JSON: {last, changes: [...]}.")
@pass_state
def changes(state: _State, since: int, limit: int | None, as_json: bool) -> None:
    """The change journal: what was added, updated or removed, in commit order.

    Each change has a sequence number; a program that has read up to N asks for
    --since N to get everything after it.
    """
    found = state.library.journal.after(since, limit)
    if as_json:
        _echo_json({"last": found[-1].seq if found else since,
                    "changes": [asdict(change) for change in found]})
        return
    for change in found:
        click.echo(f"{change.seq:>8}  {change.time[:19].replace('T', ' ')}  "
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
    click.echo(f"tag set: {tag_set or library.tags.active_set}" if not everything
               else "every tag")
    for t in found:
        click.echo(f"  {t.shortcut or ' '}  {t.color}  {t.path:44} {t.usage:>6} uses")


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
    click.echo(f"added {tag.path} {tag.color}" + (f" (key {tag.shortcut})"
                                                  if tag.shortcut else ""))


@tags.command("rename")
@click.argument("old")
@click.argument("new")
@pass_state
def tags_rename(state: _State, old: str, new: str) -> None:
    """Rename a tag; every annotation with it follows."""
    tag = state.library.tags.rename(old, new)
    click.echo(f"renamed {old} to {tag.name} ({tag.usage} annotations)")


@tags.command("recolor")
@click.argument("name")
@click.argument("color")
@pass_state
def tags_recolor(state: _State, name: str, color: str) -> None:
    """Give a tag a new colour (#RRGGBB or a colour name)."""
    tag = state.library.tags.recolor(name, color)
    click.echo(f"{tag.name} is now {tag.color}")


@tags.command("remove")
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove it even from annotations that carry it.")
@pass_state
def tags_remove(state: _State, name: str, force: bool) -> None:
    """Remove a tag; refused while annotations carry it, unless --force."""
    used = state.library.tags.remove(name, force=force)
    click.echo(f"removed {name}" + (f" from {used} annotations" if used else ""))


@tags.command("move")
@click.argument("name")
@click.argument("position", type=int)
@pass_state
def tags_move(state: _State, name: str, position: int) -> None:
    """Move a tag to POSITION (from 1) in the active set; keys 1-9 follow the order."""
    for t in state.library.tags.move(name, position):
        click.echo(f"  {t.shortcut or ' '}  {t.path}")


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
        click.echo(f"{'*' if s['active'] else ' '} {s['name']:10} {s['tags']:>3} tags  "
                   f"{s['title']}")


@tags.command("use")
@click.argument("tag_set")
@pass_state
def tags_use(state: _State, tag_set: str) -> None:
    """Switch to another tag set (default, or ptc for the 14 SemEval-2020 techniques)."""
    state.library.tags.use_set(tag_set)
    click.echo(f"active tag set: {tag_set}")


def main() -> None:
    cli(prog_name="closeread")
