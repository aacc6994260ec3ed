"""Agreement between analysts who marked passages of the same articles.

Span precision, recall and F1 as the SemEval-2020 Task 11 span-identification scorer counts
them (plain and tag-aware), Cohen's κ and Fleiss' κ at character level, and Krippendorff's
α for unitized data (α_u), per tag and over all tags. docs/agreement.md gives the formulas,
the conventions and the published figures the tests reproduce.

Everything works on sorted, merged intervals: no measure visits the characters of an
article one by one, so 500 articles of three analysts take well under a second.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from desktop.core.errors import InvalidArgumentError
from desktop.core.model import ORPHAN, Annotation

UNTAGGED = "(untagged)"
"""The tag of a passage that has none (``Span``'s default)."""

SPANS = "spans"
CHARACTERS = "characters"

NO_ANALYSTS = "n/a: no analysts"
ONLY_ONE_ANALYST = "n/a: only one analyst"
NO_TEXT = "n/a: no text (no article, or only empty ones)"
NOBODY_USED_TAG = "n/a: nobody used this tag"

# A pair of analysts is compared at a time; a group's measures take them all.
_EITHER = "either analyst"
_ANY = "any analyst"
_EMPTY_PAIR = f"n/a: no text annotated by {_EITHER}"

Interval = tuple[int, int]

# a pair's measures, in the order the report lists them
_PAIR_KEYS = ("span_precision", "span_recall", "span_f1", "span_f1_tagged", "cohen_kappa",
              "krippendorff_alpha_u")


@dataclass(frozen=True, slots=True)
class Span:
    """One passage one analyst marked with one tag: code points, 0-based, end exclusive.

    A passage with several tags is several spans, one a tag (``spans_from_annotations``).
    """

    article_id: str
    start: int
    end: int
    tag: str = UNTAGGED

    def __post_init__(self) -> None:
        # an empty span covers no character: every measure would count it as a unit that
        # can never agree with anything, so it is refused rather than silently skewing them
        if self.start < 0 or self.end <= self.start:
            raise InvalidArgumentError(
                f"span {self.start}-{self.end} of article {self.article_id}: "
                "a span needs 0 <= start < end"
            )


@dataclass(frozen=True, slots=True)
class Measure:
    """A figure, the number of units it stands on, and why it is missing when it is.

    ``value`` is ``None`` exactly when the measure cannot be computed; ``reason`` then says
    why, starting with ``n/a:``. ``unit`` is ``"spans"`` or ``"characters"``.
    """

    value: float | None
    units: int
    unit: str
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The measure as JSON-ready values."""
        return {"value": self.value, "units": self.units, "unit": self.unit,
                "reason": self.reason}


def _na(reason: str, units: int, unit: str) -> Measure:
    return Measure(None, units, unit, reason)


def _nothing_marked(analysts: int) -> str:
    return _EMPTY_PAIR if analysts == 2 else f"n/a: no text annotated by {_ANY}"


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Span precision, recall and F1 of a submitted side against a reference side.

    Precision stands on the submitted spans, recall on the reference spans, F1 on both
    (counted after merging).
    """

    precision: Measure
    recall: Measure
    f1: Measure


# --- one analyst's spans, merged -----------------------------------------------------------


def _merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted intervals with those that share a character joined; touching ones stay apart,
    as in the shared task's scorer, which merges spans whose character sets intersect."""
    intervals.sort()
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass
class _Layer:
    """One analyst's (or the reference's) spans, merged per tag and with tags ignored."""

    by_tag: dict[str, dict[str, list[Interval]]]  # tag -> article -> merged intervals
    blind: dict[str, list[Interval]]  # article -> merged intervals, tags ignored
    # per tag: lengths of the stretches between units (gaps), for α_u; filled on demand
    _gaps: dict[str, Counter[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, spans: Iterable[Span], lengths: Mapping[str, int] | None) -> _Layer:
        grouped: dict[str, dict[str, list[Interval]]] = defaultdict(lambda: defaultdict(list))
        blind: dict[str, list[Interval]] = defaultdict(list)
        for span in spans:
            if lengths is not None:
                _check_span(span, lengths)
            grouped[span.tag][span.article_id].append((span.start, span.end))
            blind[span.article_id].append((span.start, span.end))
        return cls(
            by_tag={tag: {article: _merge(ivs) for article, ivs in articles.items()}
                    for tag, articles in grouped.items()},
            blind={article: _merge(ivs) for article, ivs in blind.items()},
        )

    def tag(self, tag: str | None) -> dict[str, list[Interval]]:
        """Article -> merged intervals of one tag, or of all tags together (``None``)."""
        return self.blind if tag is None else self.by_tag.get(tag, {})

    def count(self, tag: str | None) -> int:
        return sum(len(ivs) for ivs in self.tag(tag).values())

    def gaps(self, tag: str, article_lengths: Counter[int],
             lengths: Mapping[str, int]) -> Counter[int]:
        """Lengths of the gaps (stretches without a unit of ``tag``) over all articles; a
        gap ends at an article's end, since a unit can never run across two articles."""
        if tag not in self._gaps:
            gaps = Counter(article_lengths)
            for article, ivs in self.by_tag.get(tag, {}).items():
                length = lengths[article]
                gaps[length] -= 1
                cursor = 0
                for start, end in ivs:
                    if start > cursor:
                        gaps[start - cursor] += 1
                    cursor = end
                if length > cursor:
                    gaps[length - cursor] += 1
            self._gaps[tag] = +gaps
        return self._gaps[tag]


def _check_span(span: Span, lengths: Mapping[str, int]) -> None:
    length = lengths.get(span.article_id)
    if length is None:
        raise InvalidArgumentError(
            f"span {span.start}-{span.end}: article {span.article_id} is not among the "
            "articles compared"
        )
    if span.end > length:
        raise InvalidArgumentError(
            f"span {span.start}-{span.end} of article {span.article_id} runs past its "
            f"{length} characters"
        )


def _check_lengths(lengths: Mapping[str, int]) -> None:
    for article, length in lengths.items():
        if not isinstance(length, int) or length < 0:
            raise InvalidArgumentError(f"article {article}: length {length!r} is not a count")


# --- span precision, recall and F1 (SemEval-2020 Task 11) ----------------------------------


def _credit(submitted: list[Interval], reference: list[Interval]) -> tuple[float, float]:
    """(Σ |s∩t|/|s|, Σ |s∩t|/|t|) over the overlapping pairs of two merged lists: the
    scorer's double sum, where pairs that do not overlap add nothing."""
    precision = recall = 0.0
    i = j = 0
    while i < len(submitted) and j < len(reference):
        s_start, s_end = submitted[i]
        t_start, t_end = reference[j]
        common = min(s_end, t_end) - max(s_start, t_start)
        if common > 0:
            precision += common / (s_end - s_start)
            recall += common / (t_end - t_start)
        if s_end <= t_end:
            i += 1
        else:
            j += 1
    return precision, recall


def _span_scores(sides: list[tuple[dict[str, list[Interval]], dict[str, list[Interval]]]],
                 empty_reason: str) -> SpanScores:
    """Precision, recall and F1 summed over (submitted, reference) pairs of article maps:
    one pair for the plain measure, one a tag for the tag-aware one."""
    credit_p = credit_r = 0.0
    n_sub = n_ref = 0
    for sub, ref in sides:
        n_sub += sum(len(ivs) for ivs in sub.values())
        n_ref += sum(len(ivs) for ivs in ref.values())
        for article, ivs in sub.items():
            other = ref.get(article)
            if other:
                p, r = _credit(ivs, other)
                credit_p += p
                credit_r += r
    if n_sub == 0 and n_ref == 0:
        # the scorer reports F1 = 1 here; nothing to compare is not agreement (see the docs)
        return SpanScores(_na(empty_reason, 0, SPANS), _na(empty_reason, 0, SPANS),
                          _na(empty_reason, 0, SPANS))
    precision = credit_p / n_sub if n_sub else 0.0
    recall = credit_r / n_ref if n_ref else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return SpanScores(Measure(precision, n_sub, SPANS), Measure(recall, n_ref, SPANS),
                      Measure(f1, n_sub + n_ref, SPANS))


def _plain(sub: _Layer, ref: _Layer, tag: str | None) -> SpanScores:
    reason = _EMPTY_PAIR if tag is None else NOBODY_USED_TAG
    return _span_scores([(sub.tag(tag), ref.tag(tag))], reason)


def _tagged(sub: _Layer, ref: _Layer) -> SpanScores:
    tags = sorted(set(sub.by_tag) | set(ref.by_tag))
    return _span_scores([(sub.tag(t), ref.tag(t)) for t in tags], _EMPTY_PAIR)


def span_scores(submitted: Iterable[Span], reference: Iterable[Span], *,
                tag: str | None = None) -> SpanScores:
    """Span precision, recall and F1 of ``submitted`` against ``reference``, as the
    SemEval-2020 Task 11 span-identification scorer computes them.

    With ``tag``, only that tag's spans count; without, tags are ignored and spans of any
    tags that share a character are merged. Swapping the sides swaps precision and recall.
    """
    return _plain(_Layer.of(submitted, None), _Layer.of(reference, None), tag)


def span_scores_tagged(submitted: Iterable[Span], reference: Iterable[Span]) -> SpanScores:
    """The tag-aware variant: spans merged within each tag, an overlap credited only between
    spans of the same tag, the counts of spans taken over all tags."""
    return _tagged(_Layer.of(submitted, None), _Layer.of(reference, None))


# --- character level: who put which tags on each stretch -----------------------------------


def _joint(layers: Sequence[_Layer], lengths: Mapping[str, int],
           bits: Mapping[str, int]) -> Counter[tuple[int, ...]]:
    """Characters counted by the tags each layer put on them: a key holds one bit mask of
    tags a layer, the value is how many characters have exactly those masks.

    One sweep over the intervals' ends per article instead of a visit to each character;
    the characters nobody marked go to the all-zero key in one sum.
    """
    events: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for index, layer in enumerate(layers):
        for tag, articles in layer.by_tag.items():
            bit = bits[tag]
            for article, ivs in articles.items():
                found = events[article]
                for start, end in ivs:
                    # 0 sorts ends before starts at one position: a unit ending where the
                    # next unit of the same tag starts leaves the bit set
                    found.append((start, 1, index, bit))
                    found.append((end, 0, index, bit))
    joint: Counter[tuple[int, ...]] = Counter()
    masks = [0] * len(layers)
    covered = 0
    for found in events.values():
        found.sort()
        previous = 0
        for position, starts, index, bit in found:
            if position > previous:
                if any(masks):
                    joint[tuple(masks)] += position - previous
                    covered += position - previous
                previous = position
            if starts:
                masks[index] |= bit
            else:
                masks[index] &= ~bit
    total = sum(lengths.values())
    if total > covered:
        joint[(0,) * len(layers)] += total - covered
    return joint


def _tag_bits(tags: Iterable[str]) -> dict[str, int]:
    return {tag: 1 << index for index, tag in enumerate(sorted(set(tags)))}


def _cohen(pair: Counter[tuple[int, int]], bit: int | None) -> Measure:
    """Cohen's κ from characters counted by (first's mask, second's mask); with ``bit``, the
    categories are in/out of that tag, without, the set of tags itself."""
    total = sum(pair.values())
    if total == 0:
        return _na(NO_TEXT, 0, CHARACTERS)
    first: Counter[int] = Counter()
    second: Counter[int] = Counter()
    agree = 0
    for (a, b), count in pair.items():
        if bit is not None:
            a, b = a & bit, b & bit
        first[a] += count
        second[b] += count
        if a == b:
            agree += count
    # κ = (p_o - p_e) / (1 - p_e) multiplied through by N², in integers: p_e = 1 is exact
    chance = sum(count * second[category] for category, count in first.items())
    if chance == total * total:
        if not any(first) and not any(second):  # every character in category "nothing"
            return _na(NOBODY_USED_TAG if bit is not None else _EMPTY_PAIR, total, CHARACTERS)
        what = "this tag on every character" if bit is not None else "every character alike"
        return _na(f"n/a: expected agreement is 1 (both analysts marked {what})",
                   total, CHARACTERS)
    return Measure((total * agree - chance) / (total * total - chance), total, CHARACTERS)


def _fleiss(joint: Counter[tuple[int, ...]], raters: int, bit: int | None) -> Measure:
    """Fleiss' κ with every character a subject and every layer a rater; with ``bit`` the
    categories are in/out of that tag, without, the set of tags."""
    subjects = sum(joint.values())
    if raters < 2:
        return _na(ONLY_ONE_ANALYST if raters == 1 else NO_ANALYSTS, subjects, CHARACTERS)
    if subjects == 0:
        return _na(NO_TEXT, 0, CHARACTERS)
    totals: Counter[int] = Counter()  # category -> ratings over all subjects
    squares = 0  # Σ over subjects and categories of n_ij²
    for masks, count in joint.items():
        per_category = Counter(m & bit for m in masks) if bit is not None else Counter(masks)
        for category, raters_here in per_category.items():
            totals[category] += raters_here * count
            squares += raters_here * raters_here * count
    ratings = subjects * raters
    if len(totals) == 1:  # every rating in one category: P_e = 1
        if 0 in totals:
            return _na(NOBODY_USED_TAG if bit is not None else _nothing_marked(raters),
                       subjects, CHARACTERS)
        return _na("n/a: expected agreement is 1 (every analyst marked every character "
                   "alike)", subjects, CHARACTERS)
    observed = Fraction(squares - ratings, subjects * raters * (raters - 1))
    chance = Fraction(sum(t * t for t in totals.values()), ratings * ratings)
    return Measure(float((observed - chance) / (1 - chance)), subjects, CHARACTERS)


def cohen_kappa(first: Iterable[Span], second: Iterable[Span], lengths: Mapping[str, int],
                *, tag: str | None = None) -> Measure:
    """Cohen's κ (1960) of two analysts over the characters of the articles in ``lengths``.

    With ``tag``, each character is in or out of the tag for each analyst. Without, each
    character's category is the set of tags it carries (the empty set for unmarked text).
    """
    _check_lengths(lengths)
    layers = [_Layer.of(first, lengths), _Layer.of(second, lengths)]
    bits = _tag_bits([*layers[0].by_tag, *layers[1].by_tag, *([] if tag is None else [tag])])
    joint = _joint(layers, lengths, bits)
    return _cohen(Counter({(a, b): n for (a, b), n in joint.items()}),
                  None if tag is None else bits[tag])


def fleiss_kappa(annotations: Mapping[str, Iterable[Span]], lengths: Mapping[str, int], *,
                 tag: str | None = None) -> Measure:
    """Fleiss' κ (1971) of a group of analysts over the characters of the articles in
    ``lengths``, each character a subject; categories as for ``cohen_kappa``."""
    _check_lengths(lengths)
    layers = [_Layer.of(spans, lengths) for spans in annotations.values()]
    bits = _tag_bits([*(t for layer in layers for t in layer.by_tag),
                      *([] if tag is None else [tag])])
    return _fleiss(_joint(layers, lengths, bits), len(layers),
                   None if tag is None else bits[tag])


# --- Krippendorff's α_u ---------------------------------------------------------------------


def _unit_differences(first: list[Interval], second: list[Interval]) -> int:
    """Σ of Krippendorff's δ² over the sections of two coders in one article: for two
    overlapping units the squared differences of their starts and of their ends, for a unit
    lying in the other coder's gap its length squared; gap against gap adds nothing."""
    total = 0
    hit_first = [False] * len(first)
    hit_second = [False] * len(second)
    i = j = 0
    while i < len(first) and j < len(second):
        a_start, a_end = first[i]
        b_start, b_end = second[j]
        if a_start < b_end and b_start < a_end:
            total += (a_start - b_start) ** 2 + (a_end - b_end) ** 2
            hit_first[i] = hit_second[j] = True
        if a_end <= b_end:
            i += 1
        else:
            j += 1
    # a unit the other coder's units do not touch lies inside one of that coder's gaps
    total += sum((e - s) ** 2 for (s, e), hit in zip(first, hit_first, strict=True) if not hit)
    total += sum((e - s) ** 2 for (s, e), hit in zip(second, hit_second, strict=True)
                 if not hit)
    return total


@dataclass(frozen=True, slots=True)
class _Disagreement:
    observed: Fraction
    expected: Fraction
    units: int


def _alpha_pair(first: _Layer, second: _Layer, tag: str, lengths: Mapping[str, int],
                article_lengths: Counter[int], total: int) -> _Disagreement:
    """Observed and expected disagreement of two coders on one tag, Krippendorff (2004)
    with m = 2 and the articles laid end to end as one continuum of ``total`` characters."""
    units_a, units_b = first.tag(tag), second.tag(tag)
    differences = 0
    for article in units_a.keys() | units_b.keys():
        differences += _unit_differences(units_a.get(article, []), units_b.get(article, []))
    unit_lengths: Counter[int] = Counter()
    for ivs in itertools.chain(units_a.values(), units_b.values()):
        unit_lengths.update(end - start for start, end in ivs)
    n_units = sum(unit_lengths.values())
    if n_units == 0 or total == 0:
        return _Disagreement(Fraction(0), Fraction(0), n_units)
    gaps = first.gaps(tag, article_lengths, lengths) + second.gaps(tag, article_lengths,
                                                                   lengths)
    gap_lengths = sorted(gaps)
    # suffix sums over gaps at least l long: Σ (g - l + 1) = Σ g - (l - 1) · count
    suffix_count = [0] * (len(gap_lengths) + 1)
    suffix_sum = [0] * (len(gap_lengths) + 1)
    for k in range(len(gap_lengths) - 1, -1, -1):
        g = gap_lengths[k]
        suffix_count[k] = suffix_count[k + 1] + gaps[g]
        suffix_sum[k] = suffix_sum[k + 1] + gaps[g] * g
    coders = 2
    # the expected term times 3, to stay in integers: l(l-1)(2l-1) = 2l³ - 3l² + l
    expected3 = 0
    same_length_pairs = 0
    for length, count in unit_lengths.items():
        k = bisect.bisect_left(gap_lengths, length)
        placements = suffix_sum[k] - (length - 1) * suffix_count[k]
        expected3 += count * ((n_units - 1) * length * (length - 1) * (2 * length - 1)
                              + 3 * length * length * placements)
        same_length_pairs += count * length * (length - 1)
    denominator = coders * total * (coders * total - 1) - same_length_pairs
    # D_o = Σ over ordered pairs of coders / (m (m-1) L²): both orders of the one pair
    observed = Fraction(2 * differences, coders * (coders - 1) * total * total)
    expected = Fraction(2 * expected3, 3 * total * denominator)
    return _Disagreement(observed, expected, n_units)


def _alpha(parts: Sequence[_Disagreement], empty_reason: str, total: int,
           units: int | None = None) -> Measure:
    """α_u = 1 - ΣD_o / ΣD_e over the (pair, tag) parts given; ``units`` is the number of
    units the coders marked when the parts count some twice (a group's pairs share coders)."""
    if units is None:
        units = sum(p.units for p in parts)
    if total == 0:
        return _na(NO_TEXT, units, SPANS)
    if units == 0:
        return _na(empty_reason, 0, SPANS)
    expected = sum((p.expected for p in parts), Fraction(0))
    if expected == 0:
        return _na("n/a: expected disagreement is 0 (units of one character cover all the "
                   "text)", units, SPANS)
    observed = sum((p.observed for p in parts), Fraction(0))
    return Measure(float(1 - observed / expected), units, SPANS)


def krippendorff_alpha_u(annotations: Mapping[str, Iterable[Span]],
                         lengths: Mapping[str, int], *, tag: str | None = None) -> Measure:
    """Krippendorff's α_u (1995, 2004) of two or more analysts over the articles in
    ``lengths`` laid end to end.

    With ``tag``, that category's α_u; without, over all tags: 1 - ΣD_o / ΣD_e summed over
    the tags. With more than two analysts the disagreements are summed over every pair of
    analysts before the ratio is taken (docs/agreement.md says why).
    """
    _check_lengths(lengths)
    layers = [_Layer.of(spans, lengths) for spans in annotations.values()]
    total = sum(lengths.values())
    if len(layers) < 2:
        return _na(ONLY_ONE_ANALYST if layers else NO_ANALYSTS, 0, SPANS)
    article_lengths = _article_lengths(lengths)
    tags = [tag] if tag is not None else sorted({t for layer in layers for t in layer.by_tag})
    parts = [_alpha_pair(a, b, t, lengths, article_lengths, total)
             for a, b in itertools.combinations(layers, 2) for t in tags]
    empty = NOBODY_USED_TAG if tag is not None else _nothing_marked(len(layers))
    units = sum(layer.count(t) for layer in layers for t in tags)
    return _alpha(parts, empty, total, units)


def _article_lengths(lengths: Mapping[str, int]) -> Counter[int]:
    return Counter(length for length in lengths.values() if length > 0)


# --- everything at once ---------------------------------------------------------------------


def agreement_report(annotations: Mapping[str, Iterable[Span]], lengths: Mapping[str, int],
                     *, reference: Iterable[Span] | None = None,
                     reference_name: str = "reference",
                     tags: Iterable[str] = (),
                     absent: Mapping[str, str] | None = None) -> dict[str, object]:
    """Every measure for a team: each pair of analysts, each analyst against the reference
    layer when there is one, and the group, per tag and over all tags.

    ``annotations`` maps an analyst's name to their spans; ``lengths`` maps every article
    compared to its length in code points (articles nobody marked included: they count as
    text everyone left unmarked). ``tags`` adds tags nobody used, so that they are listed.
    ``absent`` names analysts whose passages cannot be had (a review session's analyst
    deleted from the library), each with the reason (``n/a: ...``): they are listed, and
    every pair with one of them is n/a with that reason, on no units; the group's measures
    stand on the analysts present.
    The result holds only dicts, lists, strings, numbers and ``None``: ``json.dumps`` takes
    it as it is. Its shape is in docs/agreement.md.
    """
    _check_lengths(lengths)
    names = sorted(annotations)
    if reference is not None and reference_name in annotations:
        raise InvalidArgumentError(
            f"the reference layer's name {reference_name!r} is also an analyst's name")
    absent = {name: reason for name, reason in (absent or {}).items()
              if name not in annotations}
    if reference is not None and reference_name in absent:
        raise InvalidArgumentError(
            f"the reference layer's name {reference_name!r} is also an absent analyst's name")
    layers = {name: _Layer.of(annotations[name], lengths) for name in names}
    ref_layer = _Layer.of(reference, lengths) if reference is not None else None
    everyone = [*layers.values(), *([ref_layer] if ref_layer else [])]
    all_tags = sorted({*tags, *(t for layer in everyone for t in layer.by_tag)})
    bits = _tag_bits(all_tags)
    total = sum(lengths.values())
    article_lengths = _article_lengths(lengths)

    order = [*names, *([reference_name] if ref_layer else [])]
    joint = _joint([*layers.values(), *([ref_layer] if ref_layer else [])], lengths, bits)

    alpha_parts: dict[tuple[str, str], dict[str, _Disagreement]] = {}

    def pair_table(first: str, second: str) -> dict[str, object]:
        a = layers[first]
        b = layers.get(second, ref_layer)
        assert b is not None
        i, j = order.index(first), order.index(second)
        pair: Counter[tuple[int, int]] = Counter()
        for masks, count in joint.items():
            pair[(masks[i], masks[j])] += count
        parts = {t: _alpha_pair(a, b, t, lengths, article_lengths, total) for t in all_tags}
        alpha_parts[(first, second)] = parts
        plain = _plain(a, b, None)
        per_tag: dict[str, object] = {}
        for t in all_tags:
            scores = _plain(a, b, t)
            per_tag[t] = {
                "span_precision": scores.precision.as_dict(),
                "span_recall": scores.recall.as_dict(),
                "span_f1": scores.f1.as_dict(),
                # within one tag the tag-aware variant is the plain one
                "span_f1_tagged": scores.f1.as_dict(),
                "cohen_kappa": _cohen(pair, bits[t]).as_dict(),
                "krippendorff_alpha_u": _alpha([parts[t]], NOBODY_USED_TAG, total).as_dict(),
            }
        return {
            "first": first,
            "second": second,
            "overall": {
                "span_precision": plain.precision.as_dict(),
                "span_recall": plain.recall.as_dict(),
                "span_f1": plain.f1.as_dict(),
                "span_f1_tagged": _tagged(a, b).f1.as_dict(),
                "cohen_kappa": _cohen(pair, None).as_dict(),
                "krippendorff_alpha_u": _alpha(list(parts.values()), _EMPTY_PAIR,
                                               total).as_dict(),
            },
            "tags": per_tag,
        }

    def absent_pair(first: str, second: str, reason: str) -> dict[str, object]:
        def measures() -> dict[str, object]:
            return {key: _na(reason, 0, CHARACTERS if key == "cohen_kappa" else SPANS
                             ).as_dict() for key in _PAIR_KEYS}
        return {"first": first, "second": second, "overall": measures(),
                "tags": {t: measures() for t in all_tags}}

    pairs = [pair_table(a, b) for a, b in itertools.combinations(names, 2)]
    for gone in sorted(absent):
        pairs += [absent_pair(min(gone, name), max(gone, name), absent[gone])
                  for name in names]
    pairs += [absent_pair(first, second, absent[first])
              for first, second in itertools.combinations(sorted(absent), 2)]
    if ref_layer is not None:
        pairs += [pair_table(name, reference_name) for name in names]
        pairs += [absent_pair(gone, reference_name, absent[gone]) for gone in sorted(absent)]

    group_joint: Counter[tuple[int, ...]] = Counter()
    for masks, count in joint.items():
        group_joint[masks[: len(names)]] += count
    analyst_pairs = list(itertools.combinations(names, 2))

    def group_measures(tag: str | None) -> dict[str, object]:
        if len(names) < 2:
            reason = ONLY_ONE_ANALYST if names else NO_ANALYSTS
            return {"fleiss_kappa": _na(reason, total if names else 0, CHARACTERS).as_dict(),
                    "krippendorff_alpha_u": _na(reason, 0, SPANS).as_dict()}
        tag_list = all_tags if tag is None else [tag]
        parts = [alpha_parts[p][t] for p in analyst_pairs for t in tag_list]
        units = sum(layers[name].count(t) for name in names for t in tag_list)
        empty = NOBODY_USED_TAG if tag is not None else _nothing_marked(len(names))
        return {
            "fleiss_kappa": _fleiss(group_joint, len(names),
                                    None if tag is None else bits[tag]).as_dict(),
            "krippendorff_alpha_u": _alpha(parts, empty, total, units).as_dict(),
        }

    return {
        "analysts": names,
        "absent": {name: absent[name] for name in sorted(absent)},
        "reference": reference_name if ref_layer is not None else None,
        "articles": len(lengths),
        "characters": total,
        "tags": all_tags,
        "pairs": pairs,
        "group": {
            "analysts": len(names),
            "overall": group_measures(None),
            "tags": {t: group_measures(t) for t in all_tags},
        },
    }


def spans_from_annotations(annotations: Iterable[Annotation]) -> dict[str, list[Span]]:
    """Analyst name -> spans, one a tag of each anchored annotation (tag paths when the
    annotation has them, so that two techniques of one name under different parents stay
    apart; ``UNTAGGED`` for an annotation without tags). Orphans are left out: their
    offsets no longer point at their quote."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for annotation in annotations:
        if annotation.anchor_state == ORPHAN:
            continue
        tags = annotation.tag_paths or annotation.tags or (UNTAGGED,)
        for tag in dict.fromkeys(tags):
            spans[annotation.annotator].append(
                Span(annotation.article_id, annotation.start, annotation.end, tag))
    return dict(spans)
