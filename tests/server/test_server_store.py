"""The team server's tables in the store (schema 7): users, hashed tokens, groups, who
reads what, and placing a client's passage on an article's text."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from desktop.core.changes import GROUP
from desktop.core.errors import (
    AmbiguousQuoteError,
    InvalidArgumentError,
    OffsetError,
    QuoteNotFoundError,
)
from desktop.core.model import ANCHORED, ORPHAN
from desktop.store.accounts import WORLD, AccountExistsError, TokenNotFoundError
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.sharing import Passage, SearchQuery, place

TEXT = "The bridge is a triumph. The bridge cost a lot, said the bridge's critics."


def test_a_token_is_stored_as_its_sha256_only(library: Library, db_path: Path) -> None:
    _, value = library.accounts.create_token("maya", "laptop")
    assert value.startswith("cr_") and len(value) > 40
    rows = sqlite3.connect(db_path).execute(
        "SELECT token_sha256, label FROM api_tokens").fetchall()
    assert rows == [(hashlib.sha256(value.encode()).hexdigest(), "laptop")]
    assert value not in db_path.read_bytes().decode("latin-1")
    assert library.accounts.authenticate(value).name == "maya"
    assert library.accounts.authenticate(value + "x") is None
    assert library.accounts.authenticate("") is None


def test_revoke_by_value_id_or_prefix_and_it_stays_revoked(library: Library) -> None:
    accounts = library.accounts
    first, one = accounts.create_token("maya")
    second, two = accounts.create_token("maya")
    third, three = accounts.create_token("li")
    assert accounts.revoke(one).id == first.id
    assert accounts.revoke(second.id).revoked is not None
    assert accounts.revoke(third.id[:8]).user == "li"
    assert [accounts.authenticate(v) for v in (one, two, three)] == [None, None, None]
    again = accounts.revoke(first.id)
    assert again.revoked == accounts.tokens("maya")[0].revoked  # the first revocation's time
    with pytest.raises(TokenNotFoundError) as error:
        accounts.revoke("cr_not-a-token")
    assert "cr_not-a-token" not in str(error.value)  # a token is never echoed
    with pytest.raises(TokenNotFoundError):
        accounts.revoke("nope")


def test_user_and_group_names_are_checked(library: Library) -> None:
    accounts = library.accounts
    accounts.add_user("maya.lee")
    for bad in ("", "two words", "a@b", "x" * 65, "tab\there"):
        with pytest.raises(InvalidArgumentError):
            accounts.add_user(bad)
    with pytest.raises(AccountExistsError):
        accounts.add_user("maya.lee")
    with pytest.raises(InvalidArgumentError):
        accounts.create_group("ab")
    accounts.create_group("Readers")
    with pytest.raises(AccountExistsError):
        accounts.create_group("readers")
    with pytest.raises(InvalidArgumentError):
        accounts.add_member(WORLD, "maya.lee")


def test_groups_and_members_are_journalled_users_and_tokens_are_not(library: Library) -> None:
    since = library.journal.last_seq()
    accounts = library.accounts
    accounts.create_token("maya")
    group = accounts.create_group("Readers", creator="maya")
    accounts.add_user("li")
    accounts.add_member(group.id, "li")
    accounts.remove_member(group.id, "li")
    changes = [(c.entity, c.id, c.op) for c in library.journal.after(since)]
    assert changes == [(GROUP, group.id, "added"), (GROUP, group.id, "updated"),
                       (GROUP, group.id, "updated")]
    assert [m.name for m in accounts.members(group.id)] == ["maya"]
    assert [m.name for m in accounts.members(WORLD)] == ["li", "maya"]


def test_place_takes_a_position_a_quote_or_both() -> None:
    bridge = TEXT.index("bridge cost")
    sel, state = place(TEXT, Passage(start=4, end=10))
    assert (sel.exact, state) == ("bridge", ANCHORED)
    # the quote wins over a position that does not hold it: the occurrence nearest it
    sel, _ = place(TEXT, Passage(start=bridge + 3, end=bridge + 9, exact="bridge"))
    assert sel.start == bridge
    # prefix and suffix choose among repeats
    sel, _ = place(TEXT, Passage(exact="bridge", prefix="said the ", suffix="'s"))
    assert TEXT[sel.start - 9:sel.start] == "said the "
    with pytest.raises(AmbiguousQuoteError):
        place(TEXT, Passage(exact="bridge"))
    with pytest.raises(QuoteNotFoundError):
        place(TEXT, Passage(exact="tunnel"))
    sel, state = place(TEXT, Passage(exact="tunnel", prefix="a "), keep_orphan=True)
    assert (sel.start, sel.end, sel.exact, sel.prefix, state) == (0, 0, "tunnel", "a ", ORPHAN)
    with pytest.raises(OffsetError):
        place(TEXT, Passage(start=5, end=500))
    with pytest.raises(OffsetError):
        place(TEXT, Passage(start=5))
    with pytest.raises(InvalidArgumentError):
        place(TEXT, Passage())


def test_an_annotation_made_by_the_app_is_shared_with_world(library: Library) -> None:
    article, _ = library.articles.add(NewArticle(title="T", text=TEXT, format="text"))
    from desktop.core.selectors import select_range

    made = library.annotations.create(article.id, select_range(TEXT, 4, 10), ["evidence"],
                                      "maya")
    sharing = library.accounts.sharing
    item = sharing.item(made.id)
    assert (item.group_id, item.shared, item.author) == (WORLD, True, "maya")
    library.accounts.add_user("li")
    assert sharing.item(made.id, sharing.reader("li")) is not None
    assert sharing.item(made.id, sharing.reader(None)) is None
    assert sharing.item(made.id, sharing.reader(None, anonymous_world=True)) is not None
    private = sharing.update(made.id, shared=False)
    assert private.updated > item.updated
    assert sharing.item(made.id, sharing.reader("li")) is None
    assert sharing.search(sharing.reader("li"), SearchQuery()) == ([], 0)
    assert sharing.search(sharing.reader("maya"), SearchQuery())[1] == 1


def test_new_passages_go_where_the_library_shares_them(library: Library) -> None:
    from desktop.core.errors import NotFoundError
    from desktop.core.selectors import select_range

    article, _ = library.articles.add(NewArticle(title="T", text=TEXT, format="text"))
    sharing = library.accounts.sharing
    assert sharing.default_access() == (WORLD, True)
    with pytest.raises(NotFoundError):
        sharing.set_default_access("nogroup1", shared=True)
    assert library.accounts.mirror_groups([("desk0001", "Desk")]) is True
    assert library.accounts.mirror_groups([("desk0001", "Desk")]) is False  # nothing new
    sharing.set_default_access("desk0001", shared=True)
    grouped = library.annotations.create(article.id, select_range(TEXT, 4, 10), [], "maya")
    sharing.set_default_access(WORLD, shared=False)
    private = library.annotations.create(article.id, select_range(TEXT, 0, 3), [], "maya")
    assert (sharing.item(grouped.id).group_id, sharing.item(grouped.id).shared) == \
        ("desk0001", True)
    assert (sharing.item(private.id).group_id, sharing.item(private.id).shared) == \
        (WORLD, False)
    # sharing a passage otherwise makes it newer (the sync sends it) and is journalled
    before = library.journal.after(0, 100_000)[-1].seq
    moved = sharing.share(private.id, "desk0001", shared=True)
    assert moved.updated > private.updated
    assert [(c.entity, c.id) for c in library.journal.after(before, 10)] == \
        [("annotation", private.id)]
    with pytest.raises(NotFoundError):
        sharing.share(private.id, "nogroup1", shared=True)


def test_a_pending_page_for_a_url_an_article_has_meanwhile_is_that_article(
        library: Library) -> None:
    from desktop.store.client_ids import put_article
    from desktop.store.sharing import pending_page

    url = "https://news.example/raced"
    real, created = put_article(library, NewArticle(title="Raced", text=TEXT, format="text",
                                                    url=url), None)
    assert created
    pending, created = put_article(library, pending_page(url, "Raced"), None)
    assert (pending.id, created) == (real.id, False)
    assert library.accounts.sharing.article_ids_for([url]) == [real.id]
