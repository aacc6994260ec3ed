"""Tags and tag sets: add, rename, recolor, remove, move, switch sets, look up."""

from __future__ import annotations

import json

import pytest

from desktop.core.errors import (
    InvalidArgumentError,
    TagExistsError,
    TagInUseError,
    UnknownTagError,
    UnknownTagSetError,
)
from desktop.core.model import Annotation, Article
from desktop.core.selectors import select_quote
from desktop.core.tagsets import PALETTE, TAGSET_DIR
from desktop.store.articles import NewArticle
from desktop.store.library import Library

TEXT = "Our waters, our future. The catch fell by 12 percent last year. This is a disgrace."

PTC_TECHNIQUES = [
    child["name"]
    for tag in json.loads((TAGSET_DIR / "ptc.json").read_text(encoding="utf-8"))["tags"]
    for child in tag.get("children", [])
]


def article(library: Library) -> Article:
    made, _ = library.articles.add(NewArticle(title="Fish", text=TEXT, format="text"))
    return made


def annotate(library: Library, quote: str, *tags: str, who: str = "alice") -> Annotation:
    return library.annotations.create(article(library).id, select_quote(TEXT, quote),
                                      list(tags), who)


def names(library: Library) -> list[str]:
    return [t.name for t in library.tags.list()]


def all_names(library: Library) -> set[str]:
    return {t.name for t in library.tags.all()}


def test_the_ptc_file_lists_the_14_semeval_techniques() -> None:
    assert PTC_TECHNIQUES == [
        "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum",
        "Black-and-White_Fallacy", "Causal_Oversimplification", "Doubt",
        "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
        "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches",
        "Whataboutism,Straw_Men,Red_Herring",
    ]


# --- adding ----------------------------------------------------------------------------


def test_add_puts_the_tag_at_the_end_of_the_active_set_with_the_next_key(
        library: Library) -> None:
    library.tags.add("framing", description="How the story is set up")
    listed = library.tags.list()
    assert [(t.name, t.shortcut) for t in listed] == [
        ("propaganda", "1"), ("evidence", "2"), ("opinion", "3"), ("framing", "4")]
    framing = library.tags.get("framing")
    assert framing.description == "How the story is set up"
    assert framing.parent_id is None


def test_add_without_a_colour_picks_a_palette_colour(library: Library) -> None:
    tag = library.tags.add("framing")
    assert tag.color in PALETTE


def test_add_without_a_colour_picks_one_no_tag_of_the_active_set_has(
        library: Library) -> None:
    used = {t.color for t in library.tags.list()}
    tag = library.tags.add("framing")
    assert tag.color in PALETTE
    assert tag.color not in used, (
        f"new tag got {tag.color}, already the colour of "
        f"{[t.name for t in library.tags.list() if t.color == tag.color and t.name != 'framing']}")


def test_add_with_a_colour_keeps_it_normalised(library: Library) -> None:
    assert library.tags.add("framing", color="#44aa99").color == "#44AA99"
    assert library.tags.add("frame2", color="abcdef").color == "#ABCDEF"
    assert library.tags.add("frame3", color="Teal").color == "#44AA99"


def test_add_with_a_parent_nests_the_tag(library: Library) -> None:
    library.tags.add("framing")
    child = library.tags.add("headline", parent="framing")
    assert child.parent_name == "framing"
    assert child.path == "framing/headline"
    assert library.tags.get("framing/headline").id == child.id


def test_add_under_an_unknown_parent_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.add("headline", parent="nope")
    assert "headline" not in all_names(library)


@pytest.mark.parametrize("name", ["propaganda", "PROPAGANDA", "Evidence", " opinion "])
def test_add_a_name_that_exists_in_any_case_is_refused(library: Library, name: str) -> None:
    before = library.tags.all()
    with pytest.raises(TagExistsError):
        library.tags.add(name)
    assert library.tags.all() == before


def test_add_a_name_that_exists_in_another_set_is_refused(library: Library) -> None:
    with pytest.raises(TagExistsError):
        library.tags.add("doubt")


@pytest.mark.parametrize("name", ["", "   ", "a/b", "propaganda/new", "/", "x" * 81])
def test_add_an_invalid_name_is_refused(library: Library, name: str) -> None:
    before = library.tags.all()
    with pytest.raises(InvalidArgumentError):
        library.tags.add(name)
    assert library.tags.all() == before


@pytest.mark.parametrize("color", ["#12345", "#1234567", "#GGGGGG", "red-ish", "", "rgb(1,2,3)"])
def test_add_with_a_bad_colour_is_refused(library: Library, color: str) -> None:
    before = library.tags.all()
    with pytest.raises(InvalidArgumentError):
        library.tags.add("framing", color=color)
    assert library.tags.all() == before
    assert names(library) == ["propaganda", "evidence", "opinion"]


# --- renaming and recolouring ----------------------------------------------------------


def test_rename_makes_every_annotation_show_the_new_name(library: Library) -> None:
    library.tags.add("framing")
    one = annotate(library, "Our waters, our future", "framing", "propaganda")
    two = annotate(library, "This is a disgrace", "framing", who="bob")
    renamed = library.tags.rename("framing", "frame")
    assert renamed.name == "frame"
    assert library.annotations.get(one.id).tags == ("frame", "propaganda")
    assert library.annotations.get(two.id).tags == ("frame",)
    assert all("framing" not in a.tags for a in library.annotations.list())
    assert names(library) == ["propaganda", "evidence", "opinion", "frame"]
    with pytest.raises(UnknownTagError):
        library.tags.get("framing")


def test_rename_a_parent_changes_the_paths_of_its_children(library: Library) -> None:
    library.tags.use_set("ptc")
    note = annotate(library, "This is a disgrace", "Doubt")
    library.tags.rename("propaganda", "persuasion")
    assert library.annotations.get(note.id).tag_paths == ("persuasion/Doubt",)
    assert library.tags.get("persuasion/Doubt").name == "Doubt"


def test_rename_to_a_different_case_of_the_same_name_is_allowed(library: Library) -> None:
    assert library.tags.rename("opinion", "Opinion").name == "Opinion"
    assert names(library) == ["propaganda", "evidence", "Opinion"]


@pytest.mark.parametrize("new", ["evidence", "EVIDENCE", "Doubt"])
def test_rename_to_an_existing_name_is_refused(library: Library, new: str) -> None:
    with pytest.raises(TagExistsError):
        library.tags.rename("opinion", new)
    assert names(library) == ["propaganda", "evidence", "opinion"]


@pytest.mark.parametrize("new", ["", "a/b"])
def test_rename_to_an_invalid_name_is_refused(library: Library, new: str) -> None:
    with pytest.raises(InvalidArgumentError):
        library.tags.rename("opinion", new)
    assert names(library) == ["propaganda", "evidence", "opinion"]


def test_rename_an_unknown_tag_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.rename("nope", "yes")


@pytest.mark.parametrize(("color", "stored"), [
    ("teal", "#44AA99"), ("#abcdef", "#ABCDEF"), ("123456", "#123456"), ("GREY", "#999999")])
def test_recolor_changes_the_colour(library: Library, color: str, stored: str) -> None:
    assert library.tags.recolor("opinion", color).color == stored
    assert library.tags.get("opinion").color == stored
    assert [t.color for t in library.tags.list() if t.name == "opinion"] == [stored]


def test_recolor_with_a_bad_colour_is_refused(library: Library) -> None:
    before = library.tags.get("opinion").color
    with pytest.raises(InvalidArgumentError):
        library.tags.recolor("opinion", "#zzzzzz")
    assert library.tags.get("opinion").color == before


def test_recolor_an_unknown_tag_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.recolor("nope", "teal")


# --- removing --------------------------------------------------------------------------


def test_remove_an_unused_tag(library: Library) -> None:
    library.tags.add("framing")
    assert library.tags.remove("framing") == 0
    assert names(library) == ["propaganda", "evidence", "opinion"]
    assert "framing" not in all_names(library)


def test_remove_is_refused_while_the_tag_is_in_use(library: Library) -> None:
    note = annotate(library, "Our waters, our future", "opinion", "propaganda")
    before_tags = library.tags.all()
    with pytest.raises(TagInUseError) as info:
        library.tags.remove("opinion")
    assert "1 annotation" in str(info.value)
    assert library.tags.all() == before_tags
    assert names(library) == ["propaganda", "evidence", "opinion"]
    assert library.annotations.get(note.id).tags == ("opinion", "propaganda")


def test_remove_with_force_takes_the_tag_off_annotations_and_keeps_them(
        library: Library) -> None:
    one = annotate(library, "Our waters, our future", "opinion", "propaganda")
    two = annotate(library, "This is a disgrace", "opinion")
    assert library.tags.remove("opinion", force=True) == 2
    assert "opinion" not in all_names(library)
    assert names(library) == ["propaganda", "evidence"]
    assert library.annotations.get(one.id).tags == ("propaganda",)
    assert library.annotations.get(two.id).tags == ()
    assert {a.id for a in library.annotations.list()} == {one.id, two.id}
    assert library.db.execute("SELECT count(*) FROM annotation_tags at JOIN tags t "
                              "ON t.id = at.tag_id WHERE t.name = 'opinion'"
                              ).fetchone()[0] == 0


def test_remove_is_allowed_when_only_deleted_annotations_carry_the_tag(
        library: Library) -> None:
    note = annotate(library, "This is a disgrace", "opinion")
    library.annotations.delete(note.id)
    assert library.tags.remove("opinion") == 0
    assert "opinion" not in all_names(library)


def test_removing_a_parent_removes_its_children(library: Library) -> None:
    library.tags.use_set("ptc")
    assert library.tags.remove("propaganda") == 0
    left = all_names(library)
    assert "propaganda" not in left
    assert not left & set(PTC_TECHNIQUES)
    assert names(library) == ["evidence", "opinion"]
    assert [t.name for t in library.tags.list("default")] == ["evidence", "opinion"]


def test_removing_a_parent_is_refused_while_a_child_is_in_use(library: Library) -> None:
    library.tags.use_set("ptc")
    annotate(library, "This is a disgrace", "Doubt")
    with pytest.raises(TagInUseError):
        library.tags.remove("propaganda")
    assert {"propaganda", "Doubt"} <= all_names(library)


def test_removing_a_parent_with_force_keeps_the_childrens_annotations(
        library: Library) -> None:
    library.tags.use_set("ptc")
    note = annotate(library, "This is a disgrace", "Doubt", "evidence")
    assert library.tags.remove("propaganda", force=True) == 1
    assert library.annotations.get(note.id).tags == ("evidence",)


def test_removing_a_parent_removes_every_descendant(library: Library) -> None:
    library.tags.add("framing")
    library.tags.add("headline", parent="framing")
    try:
        library.tags.add("subhead", parent="headline")
    except InvalidArgumentError:
        return  # nesting limited to one level is a fine answer too
    library.tags.remove("framing")
    assert not all_names(library) & {"framing", "headline", "subhead"}


def test_remove_an_unknown_tag_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.remove("nope")


# --- moving ----------------------------------------------------------------------------


def test_move_changes_the_shortcut_keys(library: Library) -> None:
    moved = library.tags.move("opinion", 1)
    assert [(t.name, t.shortcut) for t in moved] == [
        ("opinion", "1"), ("propaganda", "2"), ("evidence", "3")]
    assert [(t.name, t.shortcut) for t in library.tags.list()] == [
        ("opinion", "1"), ("propaganda", "2"), ("evidence", "3")]
    library.tags.move("opinion", 3)
    assert names(library) == ["propaganda", "evidence", "opinion"]


def test_move_to_the_same_place_changes_nothing(library: Library) -> None:
    library.tags.move("evidence", 2)
    assert names(library) == ["propaganda", "evidence", "opinion"]


@pytest.mark.parametrize("position", [0, -1, 4, 100])
def test_move_out_of_range_is_refused(library: Library, position: int) -> None:
    with pytest.raises(InvalidArgumentError):
        library.tags.move("opinion", position)
    assert names(library) == ["propaganda", "evidence", "opinion"]


def test_move_a_tag_outside_the_active_set_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.move("Doubt", 1)
    assert names(library) == ["propaganda", "evidence", "opinion"]


def test_move_in_the_ptc_set_gives_a_technique_a_key(library: Library) -> None:
    library.tags.use_set("ptc")
    assert [t.shortcut for t in library.tags.list() if t.name == "Slogans"] == [None]
    library.tags.move("Slogans", 2)
    listed = library.tags.list()
    assert [(t.name, t.shortcut) for t in listed[:3]] == [
        ("propaganda", "1"), ("Slogans", "2"), ("Appeal_to_Authority", "3")]
    # the default set keeps its own order
    assert [t.name for t in library.tags.list("default")] == [
        "propaganda", "evidence", "opinion"]


# --- tag sets --------------------------------------------------------------------------


def test_use_ptc_set_nests_the_14_techniques_under_propaganda(library: Library) -> None:
    library.tags.use_set("ptc")
    assert library.tags.active_set == "ptc"
    listed = library.tags.list()
    assert [t.name for t in listed] == ["propaganda", *PTC_TECHNIQUES, "evidence", "opinion"]
    children = [t for t in listed if t.parent_name == "propaganda"]
    assert [t.name for t in children] == PTC_TECHNIQUES
    assert len(children) == 14
    propaganda = library.tags.get("propaganda")
    assert all(t.parent_id == propaganda.id for t in children)
    assert all(t.path == f"propaganda/{t.name}" for t in children)


def test_use_ptc_set_gives_keys_1_to_9_to_the_first_nine(library: Library) -> None:
    library.tags.use_set("ptc")
    listed = library.tags.list()
    assert [t.shortcut for t in listed[:9]] == [str(n) for n in range(1, 10)]
    assert all(t.shortcut is None for t in listed[9:])


def test_use_set_persists_and_can_switch_back(library: Library) -> None:
    library.tags.use_set("ptc")
    library.tags.use_set("default")
    assert library.tags.active_set == "default"
    assert names(library) == ["propaganda", "evidence", "opinion"]
    sets = {s["name"]: s for s in library.tags.tag_sets()}
    assert sets["default"]["active"] and not sets["ptc"]["active"]
    assert sets["ptc"]["tags"] == 17


def test_use_an_unknown_set_is_refused(library: Library) -> None:
    with pytest.raises(UnknownTagSetError):
        library.tags.use_set("nope")
    assert library.tags.active_set == "default"


def test_ptc_techniques_share_the_propaganda_tag_of_the_default_set(library: Library) -> None:
    library.tags.use_set("ptc")
    note = annotate(library, "This is a disgrace", "propaganda")
    library.tags.use_set("default")
    assert library.annotations.get(note.id).tags == ("propaganda",)
    assert [t.usage for t in library.tags.list() if t.name == "propaganda"] == [1]


# --- looking up ------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["propaganda/Doubt", "PROPAGANDA/doubt", "Doubt", "doubt",
                                 " propaganda/Doubt "])
def test_get_finds_a_tag_by_name_or_path(library: Library, ref: str) -> None:
    tag = library.tags.get(ref)
    assert tag.name == "Doubt"
    assert tag.parent_name == "propaganda"
    assert tag.path == "propaganda/Doubt"


def test_get_by_a_path_with_the_wrong_parent_is_unknown(library: Library) -> None:
    with pytest.raises(UnknownTagError):
        library.tags.get("evidence/Doubt")


@pytest.mark.parametrize("ref", ["nope", "", "propaganda/nope", "%", "_"])
def test_get_an_unknown_tag_lists_the_tags_of_the_active_set(library: Library,
                                                             ref: str) -> None:
    with pytest.raises(UnknownTagError) as info:
        library.tags.get(ref)
    message = str(info.value)
    assert repr(ref) in message
    for name in ("propaganda", "evidence", "opinion"):
        assert name in message


def test_usage_counts_live_annotations(library: Library) -> None:
    one = annotate(library, "Our waters, our future", "propaganda", "opinion")
    annotate(library, "This is a disgrace", "opinion")
    library.annotations.delete(one.id)
    usage = {t.name: t.usage for t in library.tags.list()}
    assert usage == {"propaganda": 0, "evidence": 0, "opinion": 1}
