"""The station config's sections for sync and the front-desk roles (counter, display).

Declared like the rest of the table in :mod:`kiosk.config` (kept apart so no
file grows past a few hundred lines); ``kiosk config show`` lists them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.settings_table import setting

SPEECH_ENGINES = ("auto", "espeak-ng", "off")


@dataclass(frozen=True)
class SyncSettings:
    enabled: bool = setting(
        True, "Send submitted forms to the agencies from this station", kind="bool"
    )
    senders: int = setting(
        4, "Submissions in flight at once while a backlog drains", kind="int", minimum=1, maximum=16
    )
    retention_days: int = setting(
        30,
        "Days a delivered submission's answers stay in the store before they are purged",
        kind="int",
        minimum=1,
        maximum=3650,
    )
    retry_first_ms: int = setting(
        2000,
        "Longest wait before the first retry after a failure, in milliseconds; "
        "it doubles with each failure (with random jitter)",
        kind="int",
        minimum=10,
        maximum=600_000,
    )
    retry_max_seconds: int = setting(
        900,
        "Longest wait between two tries, however many failed",
        kind="int",
        minimum=1,
        maximum=86_400,
    )
    probe_seconds: int = setting(
        15,
        "While an agency cannot be reached, how often to check whether it is back",
        kind="int",
        minimum=2,
        maximum=600,
    )


def _counter_name(value: str, _section: dict[str, Any]) -> str | None:
    if len(value) > 12 or not value.replace("-", "").replace(" ", "").isalnum():
        return "must be a short name or number, as painted above the counter (3, 12, B-2)"
    return None


@dataclass(frozen=True)
class CounterSettings:
    number: str = setting(
        "1",
        "This counter's number or name: shown on the board and announced (the clerk "
        "can change it when signing in)",
        kind="str",
        check=_counter_name,
    )
    services: list[str] = setting(
        [],
        "Service ids this counter handles, preselected at sign-in (empty: all)",
        kind="strings",
    )
    max_recalls: int = setting(
        2,
        "Times a called ticket can be announced again before Recall makes it a no-show",
        kind="int",
        minimum=0,
        maximum=9,
    )
    wait_warning_minutes: int = setting(
        20,
        "Waiting longer than this shows a ticket in the warning colour",
        kind="int",
        minimum=1,
        maximum=480,
    )
    sign_out_idle_minutes: int = setting(
        15,
        "A clerk who has not touched the console this long is signed out (the "
        "visitor's form leaves the screen)",
        kind="int",
        minimum=1,
        maximum=240,
    )
    outcomes: list[str] = setting(
        ["Done", "Needs more documents", "Referred to another office"],
        "Outcomes the clerk picks from when completing a visit",
        kind="strings",
    )


@dataclass(frozen=True)
class DisplaySettings:
    notice: str | None = setting(
        None, "A notice line along the bottom of the board (e.g. closing hours)", kind="str"
    )
    chime: bool = setting(True, "Play a chime on every call", kind="bool")
    speech: str = setting(
        "auto",
        "Speak each call: auto (espeak-ng if installed), espeak-ng, or off",
        kind="choice",
        choices=SPEECH_ENGINES,
    )
    announce_languages: list[str] = setting(
        [],
        "Languages calls are spoken in, in order (empty: the station's languages)",
        kind="strings",
    )
    highlight_seconds: int = setting(
        8, "How long the newest call stays large and highlighted", kind="int", minimum=2, maximum=60
    )
    history: int = setting(
        6, "How many recent calls the board lists", kind="int", minimum=3, maximum=12
    )
    poll_ms: int = setting(
        250,
        "How often the board looks for new calls (milliseconds)",
        kind="int",
        minimum=100,
        maximum=2000,
    )
