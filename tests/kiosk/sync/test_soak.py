"""The soak at CI size: nothing lost, nothing sent twice, through faults and SIGKILLs.

The full size (2,000 submissions) runs with ``make soak``; this is the same
code (bench/soak.py) with fewer submissions, on a SQLite file and on
PostgreSQL. The worker is the real ``kiosk sync run`` process, killed with
SIGKILL at random moments and started again; the agency is the reference
server over loopback with about 30% of requests going wrong.
"""

from __future__ import annotations

from pathlib import Path

from bench.soak import soak

SUBMISSIONS = 200
KILLS = 5


def test_every_submission_reaches_the_agency_exactly_once_through_faults_and_kills(
    tmp_path: Path, store_url: str
) -> None:
    report = soak(SUBMISSIONS, KILLS, tmp_path / "soak", store_url=store_url, deadline_s=300)

    assert report.kills == KILLS
    assert report.held_by_agency == SUBMISSIONS  # exactly our keys, each once
    assert report.delivered == SUBMISSIONS
    assert report.confirmed_matching == SUBMISSIONS  # the agency's own number, locally
    # The faults and the kills really happened: more requests than submissions,
    # and some answered from the agency's idempotency record (a resend it recognised).
    assert report.requests > SUBMISSIONS
    assert report.replays > 0
