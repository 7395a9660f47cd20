"""The form wizard's screens in both languages, rendered to PNG and checked for clipping.

One renewal of a driver's license walked page by page: every kind of question,
the on-screen keyboard, the error state, "check your answers" and the
submitted screen. `make screenshots` writes them to docs/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_config
from tests.helpers.pdf import decode_qr, render_page
from tests.helpers.sample_answers import license_renewal, street_problem
from tests.ui.conftest import write_config
from tests.ui.flow import choose_service
from tests.ui.form_steps import LEFT, fill_page, press_continue, walk
from tests.ui.test_screenshots import FIXED_NOW, snap
from ui.window import KioskWindow

pytestmark = pytest.mark.gui
PORTRAIT = (1080, 1920)


def start_renewal(qtbot: QtBot, window: KioskWindow, lang: str) -> None:
    choose_service(qtbot, window, lang, "license-renewal")
    qtbot.mouseClick(window.priority.no_button, LEFT)
    assert window.current is window.forms.page


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_wizard_screen_renders_unclipped_at_1080p(
    qtbot: QtBot,
    make_window,
    tmp_path: Path,
    shots: Path,
    lang: str,
) -> None:
    window: KioskWindow = make_window(load_config(write_config(tmp_path)), clock=lambda: FIXED_NOW)
    answers = license_renewal(FIXED_NOW.date())
    start_renewal(qtbot, window, lang)
    page, keyboard = window.forms.page, window.forms.keyboard
    assert not keyboard.isVisible()  # the whole page first
    qtbot.mouseClick(page.editor("license_number").text_inputs()[0], LEFT)
    assert keyboard.isVisible() and keyboard.layout_name == "id"  # for the box touched
    snap(window, shots, f"form-keyboard-{lang}")

    fill_page(qtbot, window, {**answers, "license_number": "D12345"})
    press_continue(qtbot, window)
    assert page.summary.isVisible()
    snap(window, shots, f"form-error-{lang}")

    fill_page(qtbot, window, answers)
    shot = {  # page id -> picture name (every kind of question is on one of these)
        "about_you": "form-text-date",
        "contact": "form-phone-email",
        "address_question": "form-yes-no",
        "new_address": "form-address",
        "driving": "form-choices",
        "declaration": "form-consent",
    }
    while window.current is page:
        form = window.session.form
        assert form is not None and form.current_page is not None
        fill_page(qtbot, window, answers)
        if form.current_page.id in shot:
            keyboard.detach()  # the question in full; the keyboard has its own picture
            page.setFocus()
            page.scroller.verticalScrollBar().setValue(0)
            snap(window, shots, f"{shot[form.current_page.id]}-{lang}")
        press_continue(qtbot, window)
    assert window.current is window.forms.review
    snap(window, shots, f"form-review-{lang}")

    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(window.forms.review.submit_button, LEFT)
    outcome = blocker.args[0]
    assert outcome is not None
    snap(window, shots, f"form-submitted-{lang}")
    # The receipt the citizen takes away: the reference read back from its QR code.
    assert outcome.receipt.printed_to is not None
    receipt = render_page(outcome.receipt.printed_to, dpi=203)
    receipt.save(shots / f"receipt-form-{lang}.png")
    assert decode_qr(receipt) == [outcome.reference]


def test_wizard_with_keyboard_renders_unclipped_in_portrait(
    qtbot: QtBot,
    make_window,
    tmp_path: Path,
    shots: Path,
) -> None:
    window: KioskWindow = make_window(load_config(write_config(tmp_path)), clock=lambda: FIXED_NOW)
    window.fit(*PORTRAIT)
    answers = license_renewal(FIXED_NOW.date())
    start_renewal(qtbot, window, "es")
    fill_page(qtbot, window, answers)
    press_continue(qtbot, window)  # to "about you": a name, with the letters keyboard
    window.forms.page.editor("first_name").focus_input()
    assert window.forms.keyboard.layout_name == "text"
    snap(window, shots, "portrait-form-keyboard-es", PORTRAIT)


def test_a_report_with_no_queue_ticket_renders_its_reference_alone(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path
) -> None:
    window: KioskWindow = make_window(load_config(write_config(tmp_path)), clock=lambda: FIXED_NOW)
    choose_service(qtbot, window, "en", "report-pothole")  # no priority: no ticket follows
    walk(qtbot, window, street_problem(FIXED_NOW.date()))
    with qtbot.waitSignal(window.form_submitted, timeout=15_000):
        qtbot.mouseClick(window.forms.review.submit_button, LEFT)
    done = window.forms.submitted
    assert not done.ticket_box.isVisibleTo(window)
    # the reference takes the whole width: centred on the page, not in a half
    centre = done.reference.mapTo(window, done.reference.rect().center()).x()
    assert abs(centre - window.width() / 2) < window.width() * 0.05
    snap(window, shots, "form-submitted-no-ticket-en")
