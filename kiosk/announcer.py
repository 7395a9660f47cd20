"""The waiting room hears each call: a chime, then the call spoken in each language.

One background thread takes calls from a FIFO queue, so :meth:`Announcer.announce`
returns at once (the board never waits for a loudspeaker) and announcements
never overlap: a citizen hears "Ticket A 23, counter 3" whole, and in the
order the counters called. The chime is synthesized once with the standard
library and played by whichever player the machine has (PipeWire, PulseAudio,
ALSA); speech is espeak-ng. A player or a voice that fails is logged and
skipped: the next call is still announced and the board keeps showing calls.

Nothing here logs a citizen's data: only the command's name and how it ended.
"""

from __future__ import annotations

import logging
import math
import queue
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from kiosk.config_sections import DisplaySettings
from kiosk.i18n import SUPPORTED_LANGUAGES, Translator

log = logging.getLogger(__name__)

# Players tried in order, each followed by the WAV file's path.
PLAYERS: tuple[tuple[str, ...], ...] = (("pw-play",), ("paplay",), ("aplay", "-q"))
SPEAKER: tuple[str, ...] = ("espeak-ng",)  # followed by -m -v <lang> <ssml>
TIMEOUT_S = 20.0  # one chime or one sentence; a hung sound server must not stop the queue
CHIME_NAME = "board-chime.wav"
RATE = 22_050

_LABEL = re.compile(r"^([A-Za-z]+)-?0*(\d+)$")


def spoken_label(label: str) -> str:
    """The ticket number as it is said: ``A023`` -> ``A 23`` (the letter, then the number)."""
    match = _LABEL.match(label.strip())
    if match is None:
        return label
    return f"{match[1].upper()} {int(match[2])}"


def sentence(lang: str, label: str, counter: str) -> str:
    """What is said for a call, in one language ("Turno A 23, ventanilla 3")."""
    return Translator(lang)("board.say", label=spoken_label(label), counter=counter)


def ssml(lang: str, label: str, counter: str) -> str:
    """The sentence as SSML for espeak-ng: the ticket's letters are read as letters
    (English speech otherwise says the "A" of "A 23" as the article "a")."""
    text = escape(sentence(lang, label, counter))
    said = spoken_label(label)
    match = _LABEL.match(label.strip())
    if match is not None:
        letters, number = said.split(" ", 1)
        marked = f'<say-as interpret-as="characters">{letters}</say-as> {number}'
        text = text.replace(escape(said), marked, 1)
    return f"<speak>{text}</speak>"


def write_chime(path: Path) -> Path:
    """A short, soft two-tone chime ("ding-dong", E5 then C5) as a 16-bit mono WAV."""
    frames = bytearray()
    for freq, seconds in ((659.25, 0.42), (523.25, 0.62)):
        count = int(RATE * seconds)
        for i in range(count):
            t = i / RATE
            attack = min(1.0, i / (RATE * 0.01))  # no click at the start of a tone
            envelope = attack * math.exp(-3.2 * t / seconds)
            sample = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
            frames += struct.pack("<h", int(0.45 * 32767 * envelope * sample / 1.25))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


def find_player() -> list[str] | None:
    """The first sound player installed here, or None."""
    for command in PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


@dataclass(frozen=True)
class _Call:
    label: str
    counter: str


class Announcer:
    """Chime and speech for each call, one after another, on a thread of its own.

    ``player`` and ``speaker`` are command prefixes (the default: the first
    player found, and espeak-ng); the player gets the chime's path appended,
    the speaker ``-m -v <lang> <ssml>``. Tests pass wrappers around the real
    programs to see what was played and said, and when.
    """

    def __init__(
        self,
        languages: Sequence[str],
        *,
        chime: bool = True,
        speech: str = "auto",
        player: Sequence[str] | None = None,
        speaker: Sequence[str] | None = None,
        sound_dir: Path | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        self.languages = [lang for lang in languages if lang in SUPPORTED_LANGUAGES]
        for lang in set(languages) - set(self.languages):
            log.error("announcements: no words for language %r; it is not spoken", lang)
        self._timeout = timeout_s
        self._player = list(player) if player is not None else (find_player() if chime else None)
        if chime and self._player is None:
            log.warning("announcements: no sound player (pw-play, paplay, aplay): no chime")
        self._chime_file: Path | None = None
        if chime and self._player is not None:
            folder = sound_dir or Path(tempfile.gettempdir()) / "onestop"
            self._chime_file = write_chime(folder / CHIME_NAME)
        self._speaker = self._choose_speaker(speech, speaker)
        self._calls: queue.Queue[_Call | None] = queue.Queue()
        self._lock = threading.Lock()
        self._current: subprocess.Popen[bytes] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    @classmethod
    def for_display(
        cls, display: DisplaySettings, station_languages: Sequence[str], sound_dir: Path
    ) -> Announcer:
        """The announcer a display station's ``[display]`` settings ask for."""
        return cls(
            display.announce_languages or station_languages,
            chime=display.chime,
            speech=display.speech,
            sound_dir=sound_dir,
        )

    @staticmethod
    def _choose_speaker(speech: str, speaker: Sequence[str] | None) -> list[str] | None:
        if speech == "off":
            return None
        if speaker is not None:
            return list(speaker)
        if shutil.which(SPEAKER[0]):
            return list(SPEAKER)
        if speech == "espeak-ng":
            log.error("announcements: speech = espeak-ng, but espeak-ng is not installed")
        return None

    @property
    def speaks(self) -> bool:
        return self._speaker is not None and bool(self.languages)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def chimes(self) -> bool:
        return self._chime_file is not None

    def announce(self, label: str, counter: str) -> None:
        """Queue a call; it is chimed and spoken after those queued before it."""
        if not self._stopping:
            self._calls.put(_Call(label, counter))

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """Wait until every queued call has been announced (for tests and shutdown)."""
        done = threading.Event()

        def waiter() -> None:
            self._calls.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Drop the calls not yet announced, cut the one being said, end the thread."""
        self._stopping = True
        while True:
            try:
                self._calls.get_nowait()
            except queue.Empty:
                break
            self._calls.task_done()
        self._calls.put(None)
        with self._lock:
            if self._current is not None and self._current.poll() is None:
                self._current.kill()
        self._thread.join(timeout_s)

    # the announcer's thread ---------------------------------------------------

    def _run(self) -> None:
        while True:
            call = self._calls.get()
            try:
                if call is None:
                    return
                self._announce(call)
            except Exception:  # whatever it was, the next call is still announced
                log.exception("announcements: a call could not be announced")
            finally:
                self._calls.task_done()

    def _announce(self, call: _Call) -> None:
        if self._player is not None and self._chime_file is not None:
            self._run_command([*self._player, str(self._chime_file)])
        if self._speaker is None:
            return
        for lang in self.languages:
            if self._stopping:
                return
            self._run_command(
                [*self._speaker, "-m", "-v", lang, ssml(lang, call.label, call.counter)]
            )

    def _run_command(self, argv: list[str]) -> None:
        name = Path(argv[0]).name
        with self._lock:
            if self._stopping:
                return
            try:
                process = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError as exc:
                log.error("announcements: cannot run %s: %s", name, exc.strerror or exc)
                return
            self._current = process
        try:
            _, err = process.communicate(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            log.error("announcements: %s took over %.0f s and was stopped", name, self._timeout)
            return
        finally:
            with self._lock:
                self._current = None
        if process.returncode != 0 and not self._stopping:
            first = err.decode("utf-8", "replace").strip().splitlines()[:1]
            log.error(
                "announcements: %s failed (exit %d)%s",
                name,
                process.returncode,
                f": {first[0][:200]}" if first else "",
            )
