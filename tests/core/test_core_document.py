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
