"""The string catalogs: every language says everything English says, with the same blanks."""

from __future__ import annotations

import string

import pytest

from kiosk.i18n import FALLBACK, SUPPORTED_LANGUAGES, Translator, catalog, language_name

OTHER_LANGUAGES = [lang for lang in SUPPORTED_LANGUAGES if lang != FALLBACK]
PLURAL_KEYS = ["people_ahead", "wait"]


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_english_and_spanish_are_offered() -> None:
    assert FALLBACK in SUPPORTED_LANGUAGES
    assert "es" in SUPPORTED_LANGUAGES


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_english_key_is_translated_and_no_language_has_extra_keys(lang: str) -> None:
    english = set(catalog(FALLBACK))
    other = set(catalog(lang))

    assert sorted(english - other) == [], f"{lang}.toml lacks these keys"
    assert sorted(other - english) == [], f"{lang}.toml has keys English does not"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_no_translation_is_empty(lang: str) -> None:
    assert [key for key, text in catalog(lang).items() if not text.strip()] == []


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("key", PLURAL_KEYS)
def test_plural_forms_zero_one_other_exist(lang: str, key: str) -> None:
    entries = catalog(lang)
    for form in ("zero", "one", "other"):
        assert f"{key}.{form}" in entries


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_placeholders_match_english(lang: str) -> None:
    english = catalog(FALLBACK)
    other = catalog(lang)
    mismatched = {
        key: (placeholders(english[key]), placeholders(other[key]))
        for key in english.keys() & other.keys()
        if placeholders(english[key]) != placeholders(other[key])
    }

    assert mismatched == {}


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_string_formats_with_its_placeholders(lang: str) -> None:
    for key, text in catalog(lang).items():
        values = dict.fromkeys(placeholders(text), 7)
        assert "{" not in text.format(**values), key


def test_plural_picks_the_form_for_the_count() -> None:
    tr = Translator("es")

    assert tr.plural("people_ahead", 0) == "No hay nadie delante de usted"
    assert tr.plural("people_ahead", 1) == "1 persona delante de usted"
    assert tr.plural("people_ahead", 4) == "4 personas delante de usted"
    assert Translator("en").wait(15) == "Estimated wait: about 15 minutes"


def test_language_buttons_show_each_language_in_its_own_name() -> None:
    assert language_name("en") == "English"
    assert language_name("es") == "Español"


def test_unknown_language_or_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language 'xx'"):
        Translator("xx")
    with pytest.raises(KeyError, match=r"no translation for 'nope\.nothing'"):
        Translator("en")("nope.nothing")
