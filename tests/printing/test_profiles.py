"""Printer profiles: python-escpos's database where it knows the model, the
generic 58/80 mm profile otherwise, and only code pages that print correctly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from printing.profiles import (
    GENERIC_58MM_203DPI,
    GENERIC_80MM_180DPI,
    GENERIC_80MM_203DPI,
    RENDERABLE_ENCODINGS,
    PrinterProfile,
    generic_profile,
    profile_for,
)


@pytest.mark.parametrize(
    ("profile", "dots", "columns"),
    [
        (GENERIC_80MM_203DPI, 576, 48),
        (GENERIC_58MM_203DPI, 384, 32),
        (GENERIC_80MM_180DPI, 512, 42),
    ],
)
def test_generic_profiles_match_common_thermal_heads(
    profile: PrinterProfile, dots: int, columns: int
) -> None:
    assert profile.dots_per_line == dots
    assert profile.chars_per_line_font_a == columns
    assert profile.chars_per_line_font_a * 12 <= dots  # Font A is 12 dots wide
    assert (0, "CP437") in profile.code_pages


def test_known_model_comes_from_the_python_escpos_database() -> None:
    profile = profile_for("TM-T88V", 80)

    assert profile.escpos_model == "TM-T88V"
    assert (profile.dpi, profile.dots_per_line, profile.chars_per_line_font_a) == (180, 512, 42)
    assert profile.native_qr and profile.partial_cut and profile.cutter


def test_model_names_match_case_insensitively() -> None:
    assert profile_for("tm-t20ii", 80).escpos_model == "TM-T20II"
    assert profile_for("TM-T20II", 80).dots_per_line == 576


def test_narrower_paper_in_a_wide_printer_limits_the_line() -> None:
    profile = profile_for("TM-T20II", 58)

    assert profile.dots_per_line == 384 and profile.chars_per_line_font_a == 32


@pytest.mark.parametrize("model", [None, "", "Unknown Printer 3000", "default"])
@pytest.mark.parametrize("width", [80, 58])
def test_unknown_model_gets_the_generic_profile_for_the_paper(
    model: str | None, width: int
) -> None:
    assert profile_for(model, width) == generic_profile(width)


def test_unsupported_paper_width_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported paper width 112"):
        profile_for(None, 112)


def test_right_to_left_and_vietnamese_code_pages_are_never_used() -> None:
    names = {name for _, name in profile_for("TM-T88V", 80).code_pages}

    assert names <= RENDERABLE_ENCODINGS
    assert not names & {"CP1256", "CP864", "CP862", "CP1255", "CP1258", "TCVN-3-1", "CP932"}
    assert {"CP437", "CP850", "CP1252"} <= names


def test_each_code_page_appears_once_at_its_lowest_slot() -> None:
    pages = profile_for("NT-5890K", 58).code_pages  # the database lists CP437 at 0, 50 and 52
    names = [name for _, name in pages]

    assert len(names) == len(set(names))
    assert (0, "CP437") in pages


def test_model_without_cutter_or_native_qr_says_so() -> None:
    profile = profile_for("NT-5890K", 58)

    assert not profile.cutter and not profile.native_qr


def test_using_python_escpos_leaves_the_applications_logging_setup_alone() -> None:
    """python-escpos 3.1 calls logging.basicConfig() on import; the kiosk's own
    basicConfig() must still take effect afterwards."""
    code = (
        "import logging\n"
        "from printing.document import Document\n"
        "from printing.escpos import render_escpos\n"
        "from printing.profiles import profile_for\n"
        "render_escpos(Document('x'), profile_for('TM-T20II', 80))\n"
        "assert logging.getLogger().handlers == [], logging.getLogger().handlers\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )

    assert result.returncode == 0, result.stderr
