"""QR code matrices shared by every renderer.

The PDF renderer, the ESC/POS renderer and the on-screen preview all draw the
same boolean matrix, so a ticket's code looks identical wherever it is shown
and only one place decides the error-correction level.

The matrix has **no quiet zone** (border 0). The blank margin a scanner needs
(4 modules for QR) depends on the medium — whole printer dots on paper, pixels
on screen — so each renderer adds it itself.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE_MODULES = 4
"""Blank modules a renderer must leave on every side of the matrix."""


def qr_matrix(data: str) -> list[list[bool]]:
    """Return the QR modules for ``data`` as rows of booleans (True = dark).

    Level M recovers from ~15 % damage, which covers smudged thermal paper
    without making the code much denser than level L. The smallest version
    that holds ``data`` is chosen, so keep payloads short (a URL with a ticket
    id, not a whole record): fewer modules means bigger modules on paper.

    Raises ``ValueError`` if ``data`` is too long for any QR version.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    try:
        code.make(fit=True)
    except qrcode.exceptions.DataOverflowError as exc:
        raise ValueError(f"QR payload of {len(data)} characters is too long") from exc
    return [[bool(cell) for cell in row] for row in code.get_matrix()]
