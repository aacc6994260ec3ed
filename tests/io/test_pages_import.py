"""Importing saved web pages through the CLI: cleaning on every format, pages that are not
one article (a warning, or a refusal with --strict), dates with their time and zone
(issue 12, items 2-4)."""

from __future__ import annotations

import json
from pathlib import Path

from support import FIXTURES, dump, write

from desktop.core.bylines import clean_authors, clean_title
from desktop.core.cleaning import clean_text
from desktop.io.importer import import_paths
from desktop.store.library import Library

PAGES = FIXTURES / "pages"


def articles(run) -> list[dict]:
    return run.json("articles")


def show(run, article_id: str) -> dict:
    return json.loads(run("show", article_id, "--json").stdout)


def copy(page: str, folder: Path) -> Path:
    return write(folder / page, (PAGES / page).read_bytes())


# --- not one article ----------------------------------------------------------------------


def test_a_section_front_is_imported_with_a_warning_saying_why(run, tmp_path):
    result = run("import", str(copy("en-section-front.html", tmp_path)))
    warning = next(line for line in result.stdout.splitlines() if line.startswith("warning"))
    assert "en-section-front.html" in warning
    assert "list of stories" in warning and "not one article" in warning
    assert "collection page" in warning and "og:type is website" in warning
    assert "--strict" in warning
    found = articles(run)
    assert len(found) == 1
    article = show(run, found[0]["id"])
    assert article["published"] is None  # 2008 in a comment, 2009 in a script: neither


def test_strict_refuses_a_list_of_stories_and_leaves_the_library_as_it_was(run, tmp_path):
    run("import", str(copy("en-gallery-business.html", tmp_path)))
    before = dump(run.db)
    result = run("import", "--strict", str(copy("en-search-page.html", tmp_path / "s")),
                 ok=False)
    assert result.exit_code == 1
    assert "Error: " in result.stderr and "en-search-page.html" in result.stderr
    assert "refused, not imported (strict)" in result.stderr
    assert "story teasers" in result.stderr
    assert "Traceback" not in result.output
    assert dump(run.db) == before


def test_strict_imports_an_article_page_as_usual(run, tmp_path):
    result = run("import", "--strict", str(copy("fr-standfirst.html", tmp_path)))
    assert "warning" not in result.stdout
    assert len(articles(run)) == 1


def test_the_outcome_carries_the_warning_for_the_app_report(tmp_path):
    from desktop.ui.jobs import report_text

    library = Library(tmp_path / "lib.closeread")
    try:
        report = import_paths(library, [copy("en-section-front.html", tmp_path),
                                        copy("cs-site-suffix.html", tmp_path)])
    finally:
        library.close()
    by_name = {o.path.name: o for o in report.outcomes}
    assert by_name["en-section-front.html"].status == "imported"
    assert "not one article" in by_name["en-section-front.html"].warning
    assert by_name["cs-site-suffix.html"].warning == ""
    assert by_name["en-section-front.html"].article is not None
    text = report_text(report)
    assert "en-section-front.html: imported with a warning: this page looks like a list" in text
    assert "cs-site-suffix.html: imported with a warning" not in text


# --- cleaning on every format ------------------------------------------------------------


def test_page_noise_behind_list_markers_is_removed_and_reported(run, tmp_path):
    result = run("import", str(copy("en-comments-share.html", tmp_path)))
    line = next(x for x in result.stdout.splitlines() if x.startswith("imported"))
    assert "share or comment count line" in line
    text = show(run, articles(run)[0]["id"])["text"]
    for noise in ("941 comments", "2.3K shares", "Read more", "Loading Comments"):
        assert noise not in text


def test_no_clean_keeps_the_pages_text_exactly(run, tmp_path):
    page = write(tmp_path / "counts.html", (
        "<html><head><title>Dam repairs finished early</title></head><body><article>"
        "<h1>Dam repairs finished early</h1>"
        "<p>Engineers finished the repairs to the Ashby dam three weeks ahead of schedule, "
        "the water board said on Friday, and the reservoir will be refilled in May.</p>"
        "<ul><li>941 comments</li><li>Share on Twitter</li></ul>"
        "<p>The work cost less than the board had set aside, and the rest of the money will "
        "go to the spillway at Cold Brook, which has not been inspected since 2009.</p>"
        "</article></body></html>"))
    result = run("import", "--no-clean", str(page))
    assert "removed" not in result.stdout
    text = show(run, articles(run)[0]["id"])["text"]
    assert "941 comments" in text.split("\n")
    assert "Share on Twitter" in text.split("\n")
    cleaned = run("import", str(page))
    assert "1 share or comment count line" in cleaned.stdout
    assert "1 share or comment button line" in cleaned.stdout


def test_markdown_files_are_cleaned_too(run, tmp_path):
    source = ("# Night buses return to the valley\n\n"
              "The night bus to the valley towns runs again from Friday, after two years.\n\n"
              "- 38 comments\n\n**Share on Facebook**\n\n"
              "Read more: [Rail timetable changes](https://example.org/rail)\n\n"
              "The operator said the first bus leaves the square at half past midnight.\n")
    path = write(tmp_path / "buses.md", source)
    result = run("import", str(path))
    assert "removed" in result.stdout
    text = show(run, articles(run)[0]["id"])["text"]
    assert text == ("Night buses return to the valley\n\n"
                    "The night bus to the valley towns runs again from Friday, after two "
                    "years.\n\nThe operator said the first bus leaves the square at half past "
                    "midnight.")
    run("import", "--no-clean", str(path))
    kept = [a for a in articles(run) if "38 comments" in show(run, a["id"])["text"]]
    assert len(kept) == 1


def test_cleaning_a_list_item_of_a_real_list_is_left_alone():
    text = "Three things changed:\n\n- the fares\n- 12 new stops\n- a later last bus\n"
    assert clean_text(text).text == text


# --- dates, titles, authors ----------------------------------------------------------------


def test_published_keeps_the_pages_time_and_zone(run, tmp_path):
    run("import", str(copy("de-magazine-org-byline.html", tmp_path)))
    article = show(run, articles(run)[0]["id"])
    assert article["published"] == "2024-03-05T14:20+01:00"
    assert article["author"] == "Netz & i"
    assert article["outlet"] == "Technikwelt online"
    listing = run("articles").stdout
    assert "2024-03-05" in listing


def test_a_date_only_in_a_script_or_a_comment_is_not_taken(run, tmp_path):
    page = write(tmp_path / "undated.html", (
        "<html><head><title>Choir wins regional prize</title>"
        "<!-- published 2011-02-03 --><script>var published = '2012-04-05';</script></head>"
        "<body><article><h1>Choir wins regional prize</h1>"
        "<p>The Millbrook community choir won first prize at the regional festival on "
        "Saturday, its first win in eleven attempts, singing a programme of folk songs "
        "arranged by its conductor, Ines Marlow, who founded the choir in her kitchen.</p>"
        "<p>The choir will represent the region at the national festival in the autumn.</p>"
        "</article></body></html>"))
    run("import", str(page))
    assert show(run, articles(run)[0]["id"])["published"] is None


def test_bylines_and_titles_as_a_reader_would_write_them():
    assert clean_authors("Brenda Goodman; MA") == "Brenda Goodman"
    assert clean_authors("Jeffrey Gettleman; JEFFREY GETTLEMAN") == "Jeffrey Gettleman"
    assert clean_authors("Joshua Sokol May") == "Joshua Sokol"
    assert clean_authors("Username") is None
    assert clean_authors(["Mac & i"], frozenset({"Mac & i"})) == "Mac & i"
    assert clean_authors("Par Camille Bernard et Hugo Lefèvre") == "Camille Bernard; Hugo Lefèvre"
    assert clean_title("Wahlen in Prag | Aktuálně.cz") == "Wahlen in Prag"
    assert clean_title("新学期开学_教育频道_中国青年网") == "新学期开学"
    assert clean_title("Tides of change - The Paper", ("The Paper",)) == "Tides of change"
    assert clean_title("Covid-19 - what we know - and what we do not") == \
        "Covid-19 - what we know - and what we do not"
