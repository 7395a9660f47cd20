"""Where rendered documents go: the print backend interface and a PDF spool.

The kiosk core only knows :class:`PrintBackend`; which printer (a spool
folder, ESC/POS over USB or TCP, CUPS) sits behind it is configuration. Every
backend reports failure as :class:`PrinterError`, so the core has one thing
to catch and show "please ask staff" for.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from printing.document import Document
from printing.status import PrinterStatus

_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
MAX_JOB_NAME = 100
SPOOL_FILE_MODE = 0o640  # tickets may name a citizen: owner and print group only


class PrinterError(Exception):
    """Printing failed. The message is for a technician (which device or folder,
    and the OS or printer reason) and must never contain a citizen's data.

    ``status`` is what the printer reported, if it was asked; ``maybe_printed``
    is True when the job may have reached the printer anyway (a send cut off
    half-way, a spooler that timed out after taking it), so the print queue
    must not resend it on its own.
    """

    def __init__(
        self, message: str, *, status: PrinterStatus | None = None, maybe_printed: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.maybe_printed = maybe_printed


class EscposPrinterError(PrinterError):
    """A job did not reach an ESC/POS printer (network, serial or USB)."""


class PrintBackend(Protocol):
    """Anything that can put a :class:`Document` on paper (or into a spool)."""

    def print_document(self, doc: Document, job_name: str) -> Path | None:
        """Print ``doc``; return the written file if the backend makes one.

        Raises :class:`PrinterError` when the document could not be printed.
        """
        ...

    def prepare(self) -> None:
        """Load what the first job needs (renderer, fonts) so it is not the slow one."""
        ...

    def status(self) -> PrinterStatus:
        """Ask the printer how it is, within the backend's timeout; never raises."""
        ...


def safe_job_name(job_name: str) -> str:
    """Reduce ``job_name`` to a harmless file name stem.

    Job names may be built from ticket data, so path separators, ``..``,
    leading dots (hidden files) and shell-hostile characters are replaced,
    and the length is capped well below file-system limits.
    """
    name = _UNSAFE_FILENAME_CHARS.sub("_", job_name)
    name = re.sub(r"_+", "_", re.sub(r"\.{2,}", "_", name)).strip("._")
    return name[:MAX_JOB_NAME] or "job"


class PdfSpoolBackend:
    """Writes each document as ``<spool_dir>/<job_name>.pdf``.

    Used for development, for archiving, and for printers fed by a watcher
    (or CUPS) that picks files up from a folder. Files appear atomically: a
    watcher never sees a half-written PDF, only hidden ``.tmp`` files that it
    must ignore.
    """

    def __init__(self, spool_dir: Path, width_mm: float = 80.0) -> None:
        self.spool_dir = Path(spool_dir)
        self.width_mm = width_mm

    def status(self) -> PrinterStatus:
        """A spool folder is "online" when it exists (or can be made) and is writable."""
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _spool_status(False, f"cannot create {self.spool_dir}: {exc.strerror or exc}")
        if not os.access(self.spool_dir, os.W_OK | os.X_OK):
            return _spool_status(False, f"cannot write to {self.spool_dir}")
        return _spool_status(True, f"spool folder {self.spool_dir}")

    def prepare(self) -> None:
        from printing.pdf import warm_up

        warm_up()

    def print_document(self, doc: Document, job_name: str) -> Path:
        """Render ``doc`` and publish it in the spool folder; return its path.

        Creates the folder if missing. An existing file with the same job
        name is replaced. Raises :class:`PrinterError` naming the folder and
        the OS reason if anything on disk fails; no temporary file is left.
        """
        from printing.pdf import render_pdf  # reportlab loads on first use or in prepare()

        data = render_pdf(doc, width_mm=self.width_mm)
        target = self.spool_dir / f"{safe_job_name(job_name)}.pdf"
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            self._write_atomically(target, data)
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise PrinterError(f"cannot write to spool folder {self.spool_dir}: {reason}") from exc
        return target

    def _write_atomically(self, target: Path, data: bytes) -> None:
        """Temp file in the same folder, fsync, rename: all or nothing on disk."""
        fd, tmp_name = tempfile.mkstemp(
            dir=self.spool_dir, prefix=f".{target.stem}.", suffix=".tmp"
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                if hasattr(os, "fchmod"):  # absent on Windows before Python 3.13
                    os.fchmod(handle.fileno(), SPOOL_FILE_MODE)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_dir(self.spool_dir)


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself, so a power cut cannot lose a reported job.

    Best effort: some file systems (and Windows) cannot open a directory.
    """
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _spool_status(writable: bool, detail: str) -> PrinterStatus:
    return PrinterStatus(
        online=writable,
        cover_open=False,
        paper_near_end=False,
        paper_out=False,
        error=False,
        answered=True,
        detail=detail,
    )
