"""The time an edit stamps: always later than the one it replaces, as times, whatever the
stored value looks like."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop.core.model import later_than


def _at(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_now_when_the_clock_has_moved_on() -> None:
    before = datetime.now(UTC)
    stamp = later_than("2001-01-01T00:00:00.000+00:00")
    assert _at(stamp) >= before.replace(microsecond=before.microsecond // 1000 * 1000)
    assert stamp.endswith("+00:00")


@pytest.mark.parametrize("ahead", [timedelta(0), timedelta(seconds=3), timedelta(days=2)])
def test_a_millisecond_after_a_time_the_clock_has_not_reached(ahead: timedelta) -> None:
    previous = (datetime.now(UTC) + ahead).isoformat(timespec="milliseconds")
    stamp = later_than(previous)
    assert _at(stamp) > _at(previous)
    assert _at(stamp) - _at(previous) <= timedelta(milliseconds=1) or ahead == timedelta(0)


def test_a_time_in_another_zone_is_compared_as_a_time() -> None:
    # two hours ahead on the wall clock of +02:00 is now in UTC: the result is not earlier
    there = datetime.now(UTC).astimezone(
        timezone(timedelta(hours=2)))
    previous = there.isoformat(timespec="milliseconds")
    assert _at(later_than(previous)) > _at(previous)
    # and one hour in the future in -05:00 stays one hour in the future, plus 1 ms
    future = (datetime.now(UTC) + timedelta(hours=1)).astimezone(
        timezone(timedelta(hours=-5)))
    assert _at(later_than(future.isoformat())) > future


@pytest.mark.parametrize("odd", [None, "", "garbage", "9999-12-31T23:59:59.999+00:00",
                                 "2026-11-24T10:00:00.123456", 42])
def test_odd_stored_values_give_a_valid_time(odd: object) -> None:
    stamp = later_than(odd)
    assert _at(stamp).tzinfo is not None
    if isinstance(odd, str) and odd[:4].isdigit() and not odd.startswith("9999"):
        assert _at(stamp) > _at(odd)
