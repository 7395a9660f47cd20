"""What a scanned barcode puts in an ID field: the ID number, and nothing else.

The PDF417 barcode on the back of a US driver licence or ID card is not just the
number: it holds an AAMVA record (AAMVA DL/ID Card Design Standard) with the
holder's name, address, birth date, height... one element a line, each named by
three letters (``DAQ`` is the licence/ID number, ``DCS`` the family name, ``DAC``
the first name, ``DBB`` the birth date)::

    @<LF><RS><CR>ANSI 636014090002DL00410278ZC03190024DLDAQD1234567<LF>DCSNUNEZ<LF>...

The form asked only for the number, so only ``DAQ`` leaves this module: the other
elements are personal data the citizen did not give us here, and they are never
returned, logged or kept. A record without ``DAQ`` gives "" rather than a guess.

Keyboard-wedge scanners are loose with control characters: they may drop the
``RS``/``CR`` of the header, or turn each line break into LF, CR LF or CR; all of
those are read the same. Anything that is not an AAMVA record is a plain code.
"""

from __future__ import annotations

import re

#: "@", the header's control characters (or whatever the scanner left of them),
#: then "ANSI " (or "AAMVA" in records older than the 2000 standard).
_AAMVA = re.compile(r"@[\s\x1e]*(?:ANSI |AAMVA)")
#: The whole header, up to the first subfile's type: issuer number, versions and
#: entry count (digits), the subfile directory ("DL00410278ZC03190024": a type and
#: two 4-digit numbers each), then the type that opens the first subfile ("DL",
#: "ID"). What follows it on the same line is the subfile's first element.
_HEADER = re.compile(r"@[\s\x1e]*(?:ANSI ?|AAMVA)\s?\d+(?:[A-Z]{2}\d{8})*[A-Z]{2}")
_ID_ELEMENT = "DAQ"


def id_from_scan(text: str) -> str:
    """The licence/ID number of an AAMVA record ("" if it has none), or ``text``
    stripped when it is any other code."""
    body = text.lstrip()
    if not _AAMVA.match(body):
        return text.strip()
    header = _HEADER.match(body)
    # Without a readable header, its line (which may hold the first element) is
    # skipped: a missing number is safer than a piece of someone's name.
    rest = body[header.end() :] if header else body
    for line in rest.splitlines():  # LF, CR LF, CR; and RS, which ends a record
        if line.startswith(_ID_ELEMENT):
            return line[len(_ID_ELEMENT) :].strip()
    return ""
