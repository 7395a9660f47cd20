"""The retry policy: which answers are retried, how long the kiosk waits, and Retry-After."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.sync.policy import (
    FIRST_WAIT_S,
    MAX_RETRY_AFTER_S,
    MAX_WAIT_S,
    Verdict,
    backoff_seconds,
    classify,
    decide,
    retry_after_seconds,
)

NOW = dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", [None, 408, 425, 429, 500, 502, 503, 504, 599])
def test_no_answer_timeouts_throttling_and_server_errors_are_tried_again(
    status: int | None,
) -> None:
    assert classify(status) is Verdict.RETRY


@pytest.mark.parametrize("status", [200, 201, 202, 204])
def test_a_2xx_means_the_agency_has_it(status: int) -> None:
    assert classify(status) is Verdict.DELIVERED
    assert decide(status, attempts=1, now=NOW).wait_s == 0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 410, 413, 422])
def test_any_other_4xx_is_a_refusal_for_the_dead_letters(status: int) -> None:
    assert classify(status) is Verdict.PERMANENT


@given(attempts=st.integers(min_value=1, max_value=200))
def test_a_wait_is_never_negative_and_never_over_the_cap_or_the_doubling_ceiling(
    attempts: int,
) -> None:
    wait = backoff_seconds(attempts)
    ceiling = min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** min(attempts - 1, 60))
    assert 0 <= wait <= ceiling + 1e-9


def test_waits_are_spread_out_so_kiosks_coming_back_together_do_not_knock_together() -> None:
    waits = [backoff_seconds(8) for _ in range(200)]  # ceiling: 2 s * 2**7 = 256 s
    assert len({round(w, 3) for w in waits}) > 150  # full jitter, not one shared delay
    assert max(waits) > 128 > min(waits)  # they cover the range below the ceiling


def test_retry_after_in_seconds_and_as_a_date_are_both_read() -> None:
    in_90_s = email.utils.format_datetime(NOW + dt.timedelta(seconds=90), usegmt=True)

    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds(in_90_s, NOW) == pytest.approx(90, abs=1)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", NOW) == 0  # already past
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None
    assert retry_after_seconds("999999999", NOW) == MAX_RETRY_AFTER_S


@given(
    attempts=st.integers(min_value=1, max_value=30),
    asked=st.integers(min_value=0, max_value=100_000),
)
def test_the_kiosk_never_comes_back_sooner_than_a_429_asks(attempts: int, asked: int) -> None:
    decision = decide(429, attempts, NOW, retry_after=str(asked))

    assert decision.verdict is Verdict.RETRY
    assert decision.wait_s >= min(asked, MAX_RETRY_AFTER_S)
