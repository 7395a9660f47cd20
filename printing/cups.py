"""Printing to an ordinary CUPS queue (an office printer) with ``lp``.

CUPS takes the PDF, not raw ESC/POS: raw queues are deprecated since CUPS
2.2.7 and gone in 3.x. ``lp`` accepting the job means CUPS has it stored in
its own spool; from there CUPS owns delivery and retries. Health comes from
``lpstat``: a stopped (disabled) queue or a scheduler that does not answer
is a fault.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile

from printing.backends import PrinterError
from printing.document import Document
from printing.status import PrinterStatus, no_answer

_REQUEST_ID = re.compile(r"request id is (\S+)")
LP_TIMEOUT_S = 15.0  # handing a PDF to a remote scheduler can take longer than a status query


class _Timeout(PrinterError):
    """CUPS did not answer in time."""


class CupsBackend:
    """:class:`~printing.backends.PrintBackend` for the CUPS queue ``queue``.

    ``server`` (a host or socket path) is passed as ``CUPS_SERVER``; None
    uses the machine's default scheduler.
    """

    def __init__(
        self, queue: str, width_mm: float = 80.0, timeout_s: float = 5.0, server: str | None = None
    ) -> None:
        self.queue, self.width_mm, self.timeout_s, self.server = queue, width_mm, timeout_s, server
        self.last_request_id: str | None = None

    def prepare(self) -> None:
        from printing.pdf import warm_up

        warm_up()

    def status(self) -> PrinterStatus:
        """The queue's state from ``lpstat -p``; never raises."""
        try:
            result = self._run(["lpstat", "-p", self.queue])
        except PrinterError as exc:
            return no_answer(str(exc))
        out = result.stdout.strip()
        if result.returncode != 0 or not out:
            return no_answer(
                f"CUPS queue {self.queue}: {_first_line(result.stderr) or 'no answer'}"
            )
        # "printer NAME is idle.  enabled since ..." / "printer NAME disabled since ..."
        words = _first_line(out).removeprefix(f"printer {self.queue} ").split()
        enabled = bool(words) and words[0] != "disabled"
        return PrinterStatus(
            online=enabled,
            cover_open=False,
            paper_near_end=False,
            paper_out=False,
            error=False,
            answered=True,
            detail=_first_line(out),
        )

    def print_document(self, doc: Document, job_name: str) -> None:
        """Hand the PDF to CUPS; raise :class:`PrinterError` if CUPS refuses it.

        A stopped (disabled) queue would accept the job and sit on it, and the
        citizen would wait at a silent printer: such a queue is refused here,
        so the job stays in our queue and the citizen is told.
        """
        from printing.backends import safe_job_name
        from printing.pdf import render_pdf

        data = render_pdf(doc, width_mm=self.width_mm)
        status = self.status()
        if not status.ok:
            raise PrinterError(
                f"CUPS queue {self.queue} is not printing: {status.detail}", status=status
            )
        with tempfile.NamedTemporaryFile(prefix="onestop-", suffix=".pdf") as pdf:
            pdf.write(data)
            pdf.flush()
            command = ["lp", "-d", self.queue, "-t", safe_job_name(job_name), "--", pdf.name]
            try:
                result = self._run(command, timeout_s=max(self.timeout_s, LP_TIMEOUT_S))
            except _Timeout as exc:
                # lp may have handed the job over before it stopped answering.
                raise PrinterError(str(exc), maybe_printed=True) from None
        if result.returncode != 0:
            reason = _first_line(result.stderr) or _first_line(result.stdout) or "refused"
            raise PrinterError(f"CUPS queue {self.queue} did not take the job: {reason}")
        match = _REQUEST_ID.search(result.stdout)
        self.last_request_id = match.group(1) if match else None

    def _run(
        self, command: list[str], timeout_s: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        # C locale: lpstat's words ("disabled") are what we read, in any office.
        env = dict(os.environ) | {"LC_ALL": "C", "LANG": "C"}
        if self.server:
            env["CUPS_SERVER"] = self.server
        timeout_s = timeout_s or self.timeout_s
        try:
            return subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout_s,
                check=False,
            )
        except FileNotFoundError:
            raise PrinterError(
                f"the CUPS client ({command[0]}) is not installed: apt install cups-client"
            ) from None
        except subprocess.TimeoutExpired:
            raise _Timeout(
                f"CUPS did not answer within {timeout_s:g} s ({' '.join(command[:2])})"
            ) from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""
