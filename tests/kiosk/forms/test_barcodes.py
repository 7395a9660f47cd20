"""A scanned licence gives its number, and only its number.

The records are built here the way the AAMVA standard lays them out (a header,
a subfile directory, then one element a line), then mangled the ways keyboard
scanners mangle them: control characters dropped, line breaks as CR LF or CR.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.forms.barcodes import id_from_scan

HEADER = "@\n\x1e\rANSI 636014090002DL00410278ZC03190024"
DL_ELEMENTS = [
    "DAQD1234567",
    "DCSNUNEZ",
    "DDEN",
    "DACLUCIA",
    "DDFN",
    "DADMARIA",
    "DDGN",
    "DCAC",
    "DCBNONE",
    "DCDNONE",
    "DBD10212021",
    "DBB02031980",
    "DBA10212026",
    "DBC2",
    "DAU064 IN",
    "DAYBRO",
    "DAG12 OAK AVE",
    "DAIRIVERSIDE",
    "DAJCA",
    "DAK925010000",
    "DCF10/21/2021 12345/ABCD/26",
    "DCGUSA",
]
ZC_SUBFILE = "ZCZCAW\nZCBBRN\nZCC\r"
PERSONAL = ("NUNEZ", "LUCIA", "MARIA", "02031980", "12 OAK AVE", "RIVERSIDE", "925010000")


def record(elements: list[str], subfile: str = "DL", header: str = HEADER) -> str:
    """An AAMVA record: header, its subfile's type, one element a line, the subfile's
    CR, then the jurisdiction's ZC subfile."""
    return header + subfile + "\n".join(elements) + "\n\r" + ZC_SUBFILE


def test_a_licence_gives_its_number_and_nothing_else() -> None:
    result = id_from_scan(record(DL_ELEMENTS))

    assert result == "D1234567"
    assert not any(value in result for value in PERSONAL)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda r: r.replace("\x1e", "").replace("\r", ""), id="controls dropped"),
        pytest.param(lambda r: r.replace("@\n\x1e\r", "@", 1), id="header runs on"),
        pytest.param(lambda r: r.replace("\r", "").replace("\n", "\r\n"), id="CR LF"),
        pytest.param(lambda r: r.replace("\r", "").replace("\n", "\r"), id="CR only"),
        pytest.param(lambda r: "\n" + r + "\n", id="stray line breaks around"),
    ],
)
def test_a_licence_read_by_a_sloppy_scanner_still_gives_its_number(
    mangle: Callable[[str], str],
) -> None:
    text = mangle(record(DL_ELEMENTS))
    assert "DCSNUNEZ" in text  # the mangling kept the record a record

    assert id_from_scan(text) == "D1234567"


def test_the_number_may_come_later_than_the_first_element() -> None:
    elements = [*DL_ELEMENTS[1:5], DL_ELEMENTS[0], *DL_ELEMENTS[5:]]  # DCS opens the subfile

    assert id_from_scan(record(elements)) == "D1234567"


def test_an_id_card_gives_its_number_too() -> None:
    header = "@\n\x1e\rANSI 636014090002ID00410278ZC03190024"

    assert id_from_scan(record(["DAQ I9876543 ", *DL_ELEMENTS[1:]], "ID", header)) == "I9876543"


def test_an_old_aamva_header_is_a_record_too() -> None:
    header = "@\n\x1e\rAAMVA6360000101DL00290183"

    assert id_from_scan(record(DL_ELEMENTS, header=header)) == "D1234567"


def test_a_record_without_a_number_gives_nothing_not_a_name() -> None:
    assert id_from_scan(record(DL_ELEMENTS[1:])) == ""


def test_a_record_whose_header_cannot_be_read_gives_nothing_from_its_first_line() -> None:
    text = "@\n\x1e\rANSI DLDAQD1234567\nDCSNUNEZ\n"  # no issuer, versions, directory

    assert id_from_scan(text) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  D7654321 ", "D7654321"),
        ("D7654321\n", "D7654321"),
        ("R-0042917", "R-0042917"),
        ("@home", "@home"),  # starts with "@" but is no record
        ("ANSI 636014090002DLDAQD1234567", "ANSI 636014090002DLDAQD1234567"),  # no "@"
        ("", ""),
    ],
)
def test_any_other_code_is_kept_as_it_was_scanned(text: str, expected: str) -> None:
    assert id_from_scan(text) == expected


#: Names of letters, spaces, hyphens and apostrophes, often holding pieces that look
#: like the record's own markers (an element id, a subfile type). No digits and at
#: least 2 characters: never a piece of the number "D1234567" by chance.
NAMES = (
    st.lists(
        st.one_of(
            st.characters(categories=("Lu", "Ll")),
            st.sampled_from([" ", "-", "'", "DAQ", "DL", "ID", "ANSI "]),
        ),
        max_size=12,
    )
    .map("".join)
    .filter(lambda name: len(name) >= 2)
)


@given(
    family=NAMES,
    first=NAMES,
    birth=st.from_regex(r"[0-9]{8}", fullmatch=True),
    order=st.permutations(range(4)),
    with_number=st.booleans(),
    subfile=st.sampled_from(["DL", "ID"]),
    line_break=st.sampled_from(["\n", "\r\n", "\r"]),
    controls=st.booleans(),
)
def test_names_and_birth_dates_never_leave_the_record(
    family: str,
    first: str,
    birth: str,
    order: list[int],
    with_number: bool,
    subfile: str,
    line_break: str,
    controls: bool,
) -> None:
    """Whatever the names (even ones spelling "DAQ") and wherever the elements sit,
    the result is the number or nothing: never a name or a birth date."""
    elements = ["DAQD1234567", f"DCS{family}", f"DAC{first}", f"DBB{birth}"]
    chosen = [elements[i] for i in order if with_number or i != 0]
    header = HEADER.replace("DL0041", f"{subfile}0041")
    text = record(chosen, subfile, header if controls else header.replace("\x1e\r", ""))
    text = text.replace("\r", "").replace("\n", line_break)

    result = id_from_scan(text)

    assert result == ("D1234567" if with_number else "")
    assert family not in result and first not in result and birth not in result


@given(st.text())
def test_any_text_gives_a_string_and_never_fails(text: str) -> None:
    assert isinstance(id_from_scan(text), str)
    assert isinstance(id_from_scan("@\n\x1e\rANSI " + text), str)
