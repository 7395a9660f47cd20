"""The font chain: which face draws which character, and what happens to the rest.

These are unit tests of :func:`printing.fonts.font_runs`, the one decision
both the PDF and the ESC/POS raster renderers follow. What reaches paper is
checked from rendered pixels in ``test_pdf_scripts.py``.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printing import fonts
from printing.escpos_raster import _runs as raster_runs
from printing.fonts import (
    CJK_DEBIAN_PACKAGE,
    SUBSTITUTE,
    FontFile,
    font_runs,
    get_fonts,
    printable_text,
)

# Ethiopic HA (in no font this project installs), Linear B, supplementary private use.
NOT_COVERED = ["\u1200", "\U00010000", "\U0010fffd"]


def cjk_face() -> str:
    """The face that draws Chinese; fails (never skips) when none is installed."""
    face = get_fonts().font_for("中", get_fonts().regular)
    if face is None:
        pytest.fail(
            "no CJK TrueType font installed, so Chinese prints as a substitute: "
            f"run `apt-get install -y {CJK_DEBIAN_PACKAGE}` (CI installs it)"
        )
    return face


def test_plain_latin_is_one_run_in_the_primary_font() -> None:
    assert font_runs("Civil Registry, nº 5") == [("Civil Registry, nº 5", get_fonts().regular)]
    assert font_runs("A023", bold=True) == [("A023", get_fonts().bold)]


def test_spanish_and_vietnamese_stay_in_dejavu() -> None:
    text = "¿Dónde está el señor Muñoz? Nguyễn Thị Minh Khai, số điện thoại"

    assert font_runs(text) == [(text, get_fonts().regular)]


def test_decomposed_vietnamese_is_joined_before_choosing_fonts() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị")

    assert font_runs(decomposed) == [("Nguyễn Thị", get_fonts().regular)]


def test_a_chinese_character_switches_font_for_itself_only() -> None:
    regular = get_fonts().regular

    runs = font_runs("Número 龙 Nguyễn")

    assert runs == [("Número ", regular), ("龙", cjk_face()), (" Nguyễn", regular)]


def test_chinese_sentence_is_one_run_in_the_cjk_font() -> None:
    assert font_runs("请在屏幕上等待您的号码。") == [("请在屏幕上等待您的号码。", cjk_face())]


def test_bold_chinese_uses_the_cjk_face_emboldened_by_the_renderer() -> None:
    fonts_ = get_fonts()
    cjk = cjk_face()

    runs = font_runs("民政 Civil", bold=True)

    assert runs == [("民政", cjk), (" Civil", fonts_.bold)]
    assert fonts_.synthetic_bold(cjk, bold=True)
    assert not fonts_.synthetic_bold(fonts_.bold, bold=True)
    assert not fonts_.synthetic_bold(cjk, bold=False)


@pytest.mark.parametrize("char", NOT_COVERED, ids=["ethiopic", "linear-b", "private-use"])
@pytest.mark.parametrize("bold", [False, True])
def test_a_character_no_font_has_becomes_a_visible_substitute(char: str, bold: bool) -> None:
    fonts_ = get_fonts()
    if ord(char) <= 0xFFFF and fonts_.font_for(char, fonts_.font(bold)):
        char = "\u0378"  # a font here has Ethiopic: use an unassigned code point instead

    runs = font_runs(f"A{char}B", bold)

    assert "".join(run for run, _ in runs) == f"A{SUBSTITUTE}B"
    [face] = [face for run, face in runs if SUBSTITUTE in run]
    assert fonts_.covers(face, SUBSTITUTE)


def test_controls_are_dropped_or_spaced_and_format_characters_removed() -> None:
    assert printable_text("A\x00B\x1bC\tD\nE\u2028F\u200dG\u202eH") == "ABC D E FGH"


def test_a_missing_combining_mark_is_dropped_not_substituted() -> None:
    mark = "\u1dfa"  # COMBINING DOT BELOW LEFT: rare, in none of the fonts
    assert get_fonts().font_for(mark, get_fonts().regular) is None

    assert printable_text(f"a{mark}b") == "ab"


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), bold=st.booleans())
def test_every_run_is_covered_by_its_face_and_runs_rebuild_the_text(text: str, bold: bool) -> None:
    fonts_ = get_fonts()

    runs = font_runs(text, bold)

    assert "".join(run for run, _ in runs) == printable_text(text, bold)
    for run, face in runs:
        assert run
        assert all(fonts_.covers(face, char) for char in run), (run, face)
    assert all(a[1] != b[1] for a, b in itertools.pairwise(runs))  # merged


def test_the_raster_renderer_draws_each_run_from_the_same_file_and_face() -> None:
    fonts_ = get_fonts()
    text = "Número 龙 Nguyễn"

    pdf_faces = [fonts_.faces[face] for _, face in font_runs(text, bold=True)]
    raster = raster_runs(text, True, 24)

    assert [run for run, _, _ in raster] == [run for run, _ in font_runs(text, bold=True)]
    assert [(Path(str(font.path)), font.index) for _, font, _ in raster] == [
        (face.path, face.index) for face in pdf_faces
    ]
    # Only the face without a bold cut (Chinese) is emboldened by a stroke.
    assert [stroke for _, _, stroke in raster] == [0, 1, 0]


def test_the_chain_is_built_once_per_process_even_under_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "_fonts", None)
    results: list[fonts.FontSet] = []
    threads = [threading.Thread(target=lambda: results.append(get_fonts())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8 and all(r is results[0] for r in results)


def test_a_font_reportlab_refuses_is_skipped_not_fatal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bogus = tmp_path / "cff-only.otf"
    bogus.write_bytes(b"OTTO" + b"\x00" * 200)  # a CFF-flavoured OpenType header
    candidates = (*fonts._CANDIDATES[:2], FontFile("Bogus", bogus), *fonts._CANDIDATES[2:])
    monkeypatch.setattr(fonts, "_CANDIDATES", candidates)
    monkeypatch.setattr(fonts, "_fonts", None)

    built = get_fonts()

    assert "OneStop-Bogus" not in built.faces
    assert "cff-only.otf" in caplog.text
    assert font_runs("Muñoz") == [("Muñoz", built.regular)]


def test_a_fallback_adding_no_coverage_is_not_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    dejavu = fonts._CANDIDATES[0]
    candidates = (*fonts._CANDIDATES, FontFile("Duplicate", dejavu.regular))
    monkeypatch.setattr(fonts, "_CANDIDATES", candidates)
    monkeypatch.setattr(fonts, "_fonts", None)

    assert "OneStop-Duplicate" not in get_fonts().faces


def test_without_a_cjk_font_chinese_is_substituted_and_the_package_named(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    primary_only = tuple(c for c in fonts._CANDIDATES if c.primary)
    monkeypatch.setattr(fonts, "_CANDIDATES", primary_only)
    monkeypatch.setattr(fonts, "_fonts", None)

    assert printable_text("号码 A023") == f"{SUBSTITUTE}{SUBSTITUTE} A023"
    assert CJK_DEBIAN_PACKAGE in caplog.text
