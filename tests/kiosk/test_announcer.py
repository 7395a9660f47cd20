"""What the waiting room hears: a chime, then each call in every language, never overlapping.

The announcer runs the real programs: espeak-ng (writing each sentence to a
WAV file instead of a loudspeaker) and aplay (to ALSA's null device). Thin
wrappers around them note when each one started and ended, so the order and
the absence of overlap are read from what really ran.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from kiosk.announcer import Announcer, sentence, spoken_label, ssml, write_chime

NEEDED = ("espeak-ng", "aplay")
MISSING = [program for program in NEEDED if shutil.which(program) is None]
if MISSING and os.environ.get("KIOSK_TEST_SPEECH") == "1":
    pytest.fail(
        f"KIOSK_TEST_SPEECH=1 but {', '.join(MISSING)} is not installed "
        "(apt-get install espeak-ng alsa-utils)",
        pytrace=False,
    )
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{', '.join(MISSING)} not installed (apt-get install espeak-ng alsa-utils); "
    "CI sets KIOSK_TEST_SPEECH=1 to make this a failure",
)

# A wrapper around the real program: notes start and end, then exits as it did.
WRAPPER = r"""
import json, subprocess, sys, time
from pathlib import Path

log, kind, folder, *args = sys.argv[1:]
start = time.time_ns()
if kind == "speak":
    out = Path(folder) / f"{start}.wav"
    command = ["espeak-ng", "-w", str(out), *args]
elif kind == "chime":
    out = Path(args[-1])
    command = ["aplay", "-q", "-D", "null", *args]
else:  # "fail-first": the first utterance fails, the rest are spoken
    marker = Path(folder) / "failed-once"
    out = Path(folder) / f"{start}.wav"
    command = ["espeak-ng", "-w", str(out), *args]
    if not marker.exists():
        marker.touch()
        command = [sys.executable, "-c", "import sys; sys.exit(1)"]
code = subprocess.run(command).returncode
end = time.time_ns()
with open(log, "a", encoding="utf-8") as fh:
    fh.write(json.dumps({"kind": kind, "args": args, "start": start, "end": end,
                         "out": str(out), "code": code}) + "\n")
sys.exit(code)
"""


class Recorder:
    """Command prefixes for the announcer, and what ran through them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / "ran.jsonl"
        self.script = folder / "wrapper.py"
        self.script.write_text(WRAPPER, encoding="utf-8")

    def command(self, kind: str) -> list[str]:
        return [sys.executable, str(self.script), str(self.log), kind, str(self.folder)]

    def runs(self) -> list[dict]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return sorted((json.loads(line) for line in lines), key=lambda run: run["start"])

    def spoken(self) -> list[tuple[str, str]]:
        """(language, plain sentence) of every utterance that was said, in order."""
        return [
            (run["args"][2], re.sub(r"<[^>]+>", "", run["args"][3]))
            for run in self.runs()
            if run["kind"] != "chime" and run["code"] == 0
        ]


@pytest.fixture
def recorder(tmp_path: Path) -> Recorder:
    return Recorder(tmp_path)


def make_announcer(recorder: Recorder, **options: object) -> Announcer:
    settings: dict[str, object] = {
        "player": recorder.command("chime"),
        "speaker": recorder.command("speak"),
        "sound_dir": recorder.folder / "sounds",
    }
    settings |= options
    return Announcer(["en", "es"], **settings)  # type: ignore[arg-type]


def audio_frames(path: Path) -> int:
    assert path.read_bytes()[:4] == b"RIFF", f"{path.name} is not a WAV file"
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


def test_calls_made_together_are_heard_one_after_another_in_call_order(
    recorder: Recorder,
) -> None:
    announcer = make_announcer(recorder)
    try:
        announcer.announce("A023", "3")
        announcer.announce("B007", "12")
        announcer.announce("A024", "B-2")
        assert announcer.wait_idle(120)
    finally:
        announcer.stop()

    runs = recorder.runs()
    assert [run["kind"] for run in runs] == ["chime", "speak", "speak"] * 3
    for before, after in itertools.pairwise(runs):
        assert after["start"] >= before["end"], "two announcements overlapped"
    assert recorder.spoken() == [
        ("en", "Ticket A 23, counter 3"),
        ("es", "Turno A 23, ventanilla 3"),
        ("en", "Ticket B 7, counter 12"),
        ("es", "Turno B 7, ventanilla 12"),
        ("en", "Ticket A 24, counter B-2"),
        ("es", "Turno A 24, ventanilla B-2"),
    ]
    for run in runs:
        assert run["code"] == 0
        assert audio_frames(Path(run["out"])) > RATE_QUARTER_SECOND, run["kind"]


RATE_QUARTER_SECOND = 22_050 // 4


def test_the_ticket_letter_is_said_as_a_letter_not_as_the_word_a() -> None:
    english = ssml("en", "A023", "3")
    phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-m", "-v", "en", english],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'eI" in phonemes.split("tw'Enti")[0], phonemes  # "ay", then "twenty-three"
    assert spoken_label("A023") == "A 23"
    assert sentence("es", "C105", "7") == "Turno C 105, ventanilla 7"


def test_a_failing_voice_is_logged_and_the_next_call_is_still_announced(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    announcer = make_announcer(recorder, speaker=recorder.command("fail-first"))
    try:
        with caplog.at_level(logging.ERROR, logger="kiosk.announcer"):
            announcer.announce("A023", "3")
            announcer.announce("B007", "12")
            assert announcer.wait_idle(120)
    finally:
        announcer.stop()

    assert any("failed (exit 1)" in r.getMessage() for r in caplog.records)
    assert ("en", "Ticket B 7, counter 12") in recorder.spoken()
    assert ("es", "Turno B 7, ventanilla 12") in recorder.spoken()


def test_a_voice_program_that_is_missing_leaves_the_chime_for_every_call(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    missing = str(recorder.folder / "no-such-espeak")
    announcer = make_announcer(recorder, speaker=[missing])
    try:
        with caplog.at_level(logging.ERROR, logger="kiosk.announcer"):
            announcer.announce("A023", "3")
            announcer.announce("B007", "12")
            assert announcer.wait_idle(60)
    finally:
        announcer.stop()

    assert [run["kind"] for run in recorder.runs()] == ["chime", "chime"]
    assert sum("cannot run no-such-espeak" in r.getMessage() for r in caplog.records) == 4


def test_with_speech_off_each_call_is_only_chimed(recorder: Recorder) -> None:
    announcer = make_announcer(recorder, speech="off")
    try:
        assert not announcer.speaks and announcer.chimes
        announcer.announce("A023", "3")
        announcer.announce("A024", "4")
        assert announcer.wait_idle(60)
    finally:
        announcer.stop()

    runs = recorder.runs()
    assert [run["kind"] for run in runs] == ["chime", "chime"]
    assert audio_frames(Path(runs[0]["out"])) > RATE_QUARTER_SECOND


def test_with_chime_off_and_speech_on_each_call_is_only_spoken(recorder: Recorder) -> None:
    announcer = make_announcer(recorder, chime=False, player=None)
    try:
        announcer.announce("A023", "3")
        assert announcer.wait_idle(60)
    finally:
        announcer.stop()

    assert [run["kind"] for run in recorder.runs()] == ["speak", "speak"]


def test_stopping_drops_the_calls_not_yet_announced(recorder: Recorder) -> None:
    announcer = make_announcer(recorder)
    for number in range(1, 21):
        announcer.announce(f"A{number:03d}", "3")
    announcer.stop(timeout_s=30)

    assert not announcer.running
    assert len(recorder.runs()) < 60  # 20 calls would be 60 runs
    announcer.announce("A099", "3")  # after stop: ignored, nothing hangs
    assert announcer.wait_idle(5)


def test_the_chime_is_a_short_two_tone_wav(tmp_path: Path) -> None:
    path = write_chime(tmp_path / "chime.wav")

    with wave.open(str(path), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
    assert 0.5 < seconds < 2.0
