"""The PDF spool backend: files appear whole or not at all, and failures say
which folder is wrong without leaking what was being printed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from printing import backends
from printing.backends import PdfSpoolBackend, PrintBackend, PrinterError
from printing.document import BigNumber, Document, Heading, KeyValue
from tests.helpers.pdf import PT_PER_MM, page_size_pt, pdf_text

CITIZEN = "María Pérez"


def ticket() -> Document:
    return Document(
        "Ticket A023", (Heading("Civil Registry"), BigNumber("A023"), KeyValue("Name", CITIZEN))
    )


def test_writes_a_readable_pdf_named_after_the_job(tmp_path: Path) -> None:
    backend: PrintBackend = PdfSpoolBackend(tmp_path)

    path = backend.print_document(ticket(), "A023")

    assert path == tmp_path / "A023.pdf"
    assert "A023" in pdf_text(path) and CITIZEN in pdf_text(path)
    assert os.listdir(tmp_path) == ["A023.pdf"]  # no temp file left behind


def test_uses_the_configured_paper_width(tmp_path: Path) -> None:
    path = PdfSpoolBackend(tmp_path, width_mm=58).print_document(ticket(), "A023")

    assert page_size_pt(path)[0] == pytest.approx(58 * PT_PER_MM, abs=0.01)


def test_creates_missing_spool_folders(tmp_path: Path) -> None:
    spool = tmp_path / "var" / "spool" / "kiosk"

    path = PdfSpoolBackend(spool).print_document(ticket(), "A023")

    assert path.parent == spool and path.is_file()


def test_same_job_name_replaces_the_previous_file(tmp_path: Path) -> None:
    backend = PdfSpoolBackend(tmp_path)
    backend.print_document(Document("old", (BigNumber("A001"),)), "job")

    path = backend.print_document(Document("new", (BigNumber("B777"),)), "job")

    assert "B777" in pdf_text(path) and "A001" not in pdf_text(path)
    assert os.listdir(tmp_path) == ["job.pdf"]


@pytest.mark.parametrize(
    ("job_name", "expected"),
    [
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("A 023 / María", "A_023_Mar_a.pdf"),
        ("..", "job.pdf"),
        ("", "job.pdf"),
        (".hidden", "hidden.pdf"),
    ],
)
def test_job_name_is_reduced_to_a_safe_file_name_inside_the_folder(
    tmp_path: Path, job_name: str, expected: str
) -> None:
    path = PdfSpoolBackend(tmp_path).print_document(ticket(), job_name)

    assert path == tmp_path / expected and path.is_file()


def test_very_long_job_name_is_shortened(tmp_path: Path) -> None:
    path = PdfSpoolBackend(tmp_path).print_document(ticket(), "x" * 1000)

    assert path.is_file() and len(path.name) <= 104


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_spool_file_is_not_world_readable(tmp_path: Path) -> None:
    path = PdfSpoolBackend(tmp_path).print_document(ticket(), "A023")

    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_folder_that_cannot_be_created_raises_printer_error_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    spool = blocker / "spool"  # mkdir fails even for root

    with pytest.raises(PrinterError) as caught:
        PdfSpoolBackend(spool).print_document(ticket(), "A023")

    message = str(caught.value)
    assert str(spool) in message and "Not a directory" in message
    assert CITIZEN not in message and "A023" not in message


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root ignores directory permissions"
)
def test_read_only_folder_raises_printer_error_naming_it(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    spool.chmod(0o500)
    try:
        with pytest.raises(PrinterError, match="Permission denied") as caught:
            PdfSpoolBackend(spool).print_document(ticket(), "A023")
        assert str(spool) in str(caught.value)
    finally:
        spool.chmod(0o700)
    assert os.listdir(spool) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failure_after_the_temp_file_exists_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backends.os, failing, broken)

    with pytest.raises(PrinterError, match="No space left on device") as caught:
        PdfSpoolBackend(tmp_path).print_document(ticket(), "A023")

    assert str(tmp_path) in str(caught.value)
    assert os.listdir(tmp_path) == []
