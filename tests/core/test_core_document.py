from desktop.core.document import (
    BLOCK_SEPARATOR,
    CODE,
    HEADING,
    ITEM,
    LINK,
    QUOTE,
    STRONG,
    Document,
    plain_document,
    render_markdown,
)

SOURCE = """Title: Harbour vote
Author: Zoë Marchetti
URL: https://herald.example/harbour

# Harbour *vote* passes

The council voted **5 to 4** after a [long debate](https://herald.example/debate) 😀
that ran past midnight.

- Dredging starts in May.
- Costs: £3.2m.

> Nobody is happy.

```
code   stays
```

<script>alert("never")</script>
"""


def test_markdown_renders_to_plain_text_with_blank_lines_between_blocks():
    document, meta = render_markdown(SOURCE)
    assert meta == {"title": "Harbour vote", "author": "Zoë Marchetti",
                    "url": "https://herald.example/harbour"}
    assert document.text == BLOCK_SEPARATOR.join([
        "Harbour vote passes",
        "The council voted 5 to 4 after a long debate 😀 that ran past midnight.",
        "Dredging starts in May.",
        "Costs: £3.2m.",
        "Nobody is happy.",
        "code   stays",
    ])
    assert "alert" not in document.text


def test_blocks_and_spans_are_ranges_of_the_canonical_text():
    document, _ = render_markdown(SOURCE)
    kinds = [(b.kind, document.text[b.start:b.end]) for b in document.blocks]
    assert kinds[0] == (HEADING, "Harbour vote passes")
    assert (ITEM, "Costs: £3.2m.") in kinds
    assert (QUOTE, "Nobody is happy.") in kinds
    assert (CODE, "code   stays") in kinds
    spans = {(s.kind, document.text[s.start:s.end], s.href) for s in document.spans}
    assert (STRONG, "5 to 4", None) in spans
    assert (LINK, "long debate", "https://herald.example/debate") in spans


def test_layout_round_trips_through_json():
    document, _ = render_markdown(SOURCE)
    again = Document.from_json(document.text, document.to_json())
    assert again == document


def test_plain_text_keeps_its_lines_and_marks_the_title():
    text = "Exclusive\nThe headline\n\nFirst paragraph.\n- a point\n"
    document = plain_document(text, frozenset({1}))
    assert document.text == text
    assert [(b.kind, text[b.start:b.end]) for b in document.blocks] == [
        ("paragraph", "Exclusive"), ("heading", "The headline"),
        ("paragraph", "First paragraph."), ("item", "- a point"),
    ]


def test_only_web_and_mail_links_are_kept():
    source = (
        "[web](https://news.example/a) [plain](http://news.example/b) "
        "[mail](mailto:desk@news.example) [script](javascript:alert(1)) "
        "[hidden script](java%0Ascript:alert(1)) [file](file:///etc/passwd) "
        "[data](data:text/html;base64,PHNjcmlwdD4=) [relative](/local/page) "
        "[spaced]( JAVASCRIPT:alert(2))"
    )
    document, _ = render_markdown(source)
    links = {document.text[s.start:s.end]: s.href for s in document.spans if s.kind == LINK}
    assert links == {
        "web": "https://news.example/a", "plain": "http://news.example/b",
        "mail": "mailto:desk@news.example", "script": None, "hidden script": None,
        "file": None, "data": None, "relative": None, "spaced": None,
    }
    # the link's words stay in the text whatever happened to its address
    assert "script" in document.text and "file" in document.text


def test_a_stored_layout_with_a_script_link_is_checked_when_read():
    stored = Document.from_json("click here", '{"blocks": [], "spans": [[0, 10, "link", '
                                              '"javascript:alert(1)"], [0, 5, "link", '
                                              '"https://ok.example/"]]}')
    assert [s.href for s in stored.spans] == [None, "https://ok.example/"]


def test_control_characters_in_a_scheme_do_not_hide_it():
    from desktop.core.document import safe_link

    for sneaky in ("java\tscript:alert(1)", "\x01javascript:alert(1)", "jav\nascript:x",
                   "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)"):
        assert safe_link(sneaky) is None, sneaky
    assert safe_link("  https://ok.example/x ") == "https://ok.example/x"


def test_links_of_an_imported_page_are_checked_too():
    from desktop.core.document import render_html_fragment

    document = render_html_fragment(
        '<p><a href="javascript:steal()">read</a> and <a href="file:///home">home</a> and '
        '<a href="https://news.example/x">more</a></p>')
    links = {document.text[s.start:s.end]: s.href for s in document.spans if s.kind == LINK}
    assert links == {"read": None, "home": None, "more": "https://news.example/x"}
