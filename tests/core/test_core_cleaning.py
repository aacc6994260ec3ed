from desktop.core.cleaning import REPEATED_BODY, clean_text, noise_reason

BODY = [
    "The harbour board met on Monday to review the dredging budget for the coming year.",
    "Members heard that silt levels had risen by a third since the last survey in 2022.",
    "A vote on the contract is expected in April, the chair told reporters afterwards.",
    "Fishermen said the delay had already cost them two weeks of access to the quay.",
]


def test_body_repeated_twice_in_a_row_is_kept_once():
    text = "Harbour board delays vote\n\n" + "\n\n".join(BODY) + "\n\n" + "\n\n".join(BODY)
    result = clean_text(text)
    for paragraph in BODY:
        assert result.text.count(paragraph) == 1
    assert [r.reason for r in result.removed] == [REPEATED_BODY]
    assert "repeated copy of the body (4 paragraphs)" in result.summary()


def test_second_copy_cut_short_at_the_end_is_still_removed():
    text = "\n".join(BODY) + "\n" + "\n".join(BODY[:3])
    assert clean_text(text).text == "\n".join(BODY)


def test_short_repeated_slogan_is_content_not_noise():
    text = ("Our waters, our future.\nWe will not give up.\n"
            "Our waters, our future.\nWe will not give up.")
    assert clean_text(text).text == text


def test_noise_lines_are_removed_and_reported():
    text = "\n".join([
        "Advertisement", "Headline of the day", "Reading Time:5 minutes",
        "Why you can trust The Courier", "16", "1.2K shares", BODY[0], "ADVERTISEMENT",
        BODY[1], "5 min read",
    ])
    result = clean_text(text)
    assert result.text == "\n".join(["Headline of the day", BODY[0], BODY[1]])
    reasons = sorted({r.reason for r in result.removed})
    assert reasons == ["advertisement", "reading time", "share or comment count", "trust notice"]
    assert result.outlet_hint == "The Courier"
    assert "2 advertisement lines" in result.summary()


def test_sentences_mentioning_noise_words_stay():
    for line in ["Advertisement revenue fell by 16 percent.", "The reading time was long.",
                 "16 people were hurt in the crash."]:
        assert noise_reason(line) is None


def test_clean_text_without_noise_is_unchanged():
    text = "\n\n".join(BODY)
    result = clean_text(text)
    assert result.text == text and result.removed == [] and result.summary() == ""
