"""Text from a content pack (or, later, a citizen) is shown as typed, never as markup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import SAMPLE_PACK, load_config
from tests.ui.conftest import write_config

pytestmark = pytest.mark.gui
HOSTILE = '<b>Renew</b> & <img src="/etc/passwd"> <font size=90>licence</font>'


def test_markup_in_a_pack_shows_literally_on_every_label(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, pack)
    data = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    data["services"][0]["name"]["en"] = HOSTILE
    (pack / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    window = make_window(load_config(write_config(tmp_path, content={"pack": str(pack)})))

    window.welcome.language_buttons["en"].click()
    window.services.cards["license-renewal"].click()

    assert window.priority.service.text() == HOSTILE
    labels = window.findChildren(QLabel)
    assert labels
    assert [w.objectName() for w in labels if w.textFormat() != Qt.TextFormat.PlainText] == []
