"""The form expression language: every operator and function, null and date rules, and
errors an analyst can act on; property tests show no text or answers make it crash."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.forms import expressions
from kiosk.forms.expressions import MAX_DEPTH, MAX_LENGTH, ExpressionError, parse, truthy

TODAY = date(2024, 6, 15)


def run(source: str, today: date = TODAY, **answers: object) -> object:
    return parse(source).evaluate(answers, today)


def error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    return caught.value


def assert_same(actual: object, expected: object) -> None:
    """Equal and of the same type (so 10 / 2 is the whole number 5, and true is not 1)."""
    assert (type(actual), actual) == (type(expected), expected)


# fmt: off
LITERALS = [
    ("42", 42), ("12.50", Decimal("12.50")), ("'it\\'s'", "it's"), ('"say \\"hi\\""', 'say "hi"'),
    ("'back\\\\slash'", "back\\slash"), ("'mixed \"quotes\"'", 'mixed "quotes"'),
    ("true", True), ("false", False), ("null", None),
    ("[1, 'a', null]", [1, "a", None]), ("[]", []), ("[1, 2,]", [1, 2]),
]
ARITHMETIC = [
    ("1 + 2", 3), ("7 - 10", -3), ("6 * 7", 42), ("10 / 4", Decimal("2.5")), ("10 / 2", 5),
    ("2.5 * 2", Decimal("5.0")), ("1.5 + 1", Decimal("2.5")), ("'San ' + 'Juan'", "San Juan"),
    ("-5", -5), ("- -5", 5), ("3 - -2", 5),
]
PRECEDENCE = [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 2 - 3", 5), ("24 / 4 / 2", 3), ("-2 * 3", -6),
    ("-(2 + 3)", -5), ("true or false and false", True), ("(true or false) and false", False),
    ("not false and false", False), ("not 1 == 2", True), ("1 + 1 == 2 and 'a' in ['a']", True),
]
COMPARISONS = [
    ("2 == 2", True), ("2 == 2.0", True), ("2 != 3", True), ("'a' != 'a'", False),
    ("1 < 2", True), ("2 <= 2", True), ("3 > 2.5", True), ("2 >= 3", False),
    ("'apple' < 'banana'", True), ("'1' == 1", False), ("true == 1", False),
    ("[1, 'a'] == [1, 'a']", True), ("[1, null] == [1, null]", True), ("[1] == [1, 2]", False),
]
MEMBERSHIP = [
    ("'b' in ['a', 'b']", True), ("2 in [1, 2.0]", True), ("'z' in ['a']", False),
    ("'z' not in ['a']", True), ("'cat' in 'concatenate'", True),
    ("'dog' not in 'concatenate'", True), ("'pothole' in problems", True),
    ("'graffiti' in problems", False), ("'graffiti' not in problems", True),
]
LOGIC_WITH_NULL = [
    ("not null", True), ("not missing", True), ("null and true", False), ("null or true", True),
    ("missing or false", False), ("not 0", True), ("not ''", True), ("not 'x'", False),
]
NULL_IN_NULL_OUT = [
    "missing == 1", "missing != 1", "missing == null", "missing < 1", "missing + 1",
    "2 * missing", "-missing", "'a' in missing", "missing in ['a']", "len(missing)",
    "age(missing)", "days_since(missing)", "lower(missing)", "number(missing)",
]
NONSENSE = [
    "'a' < 3", "'a' - 1", "'a' * 2", "1 + 'a'", "-'a'", "true + 1", "[1] < [2]", "today() + 1",
    "5 / 0", "5.5 / 0", "3 in 'abc'", "3 in 4", "upper(3)", "len(5)", "age('soon')",
    "today() < 'soon'", "today() == '2024-02-30'",
]
DATES = [
    ("dob == '2000-01-31'", True), ("dob != '2000-01-31'", False), ("dob < '2000-02-01'", True),
    ("'1999-12-31' < dob", True), ("dob > today()", False), ("'2000-01-31' in [dob]", True),
    ("dob == '31/01/2000'", None),
    ("'2000-01-31' == '2000-1-31'", False),  # no date on either side: plain text
]
AGES = [
    (date(2008, 6, 15), TODAY, 16), (date(2008, 6, 16), TODAY, 15), (date(1950, 1, 1), TODAY, 74),
    ("2008-06-15", TODAY, 16), (date(2025, 6, 16), TODAY, -1),
    (date(2004, 2, 29), date(2022, 2, 28), 17), (date(2004, 2, 29), date(2022, 3, 1), 18),
    (date(2004, 2, 29), date(2024, 2, 29), 20),
]
FUNCTIONS = [
    ("today()", TODAY), ("len('abc')", 3), ("len(['a', 'b'])", 2), ("len('')", 0),
    ("empty(null)", True), ("empty('')", True), ("empty([])", True), ("empty(missing)", True),
    ("empty('x')", False), ("empty(0)", False), ("empty(false)", False),
    ("lower('ÁRBOL Street')", "árbol street"), ("upper('calle ñ')", "CALLE Ñ"),
    ("number('42')", 42), ("number(' 12.5 ')", Decimal("12.5")), ("number('-3')", -3),
    ("number('4 2')", None), ("number('abc')", None), ("number(7)", 7), ("number(true)", None),
    ("number(copies) * 15", 30),
]
TRUTH = [
    (None, False), (False, False), (0, False), ("", False), ([], False), (Decimal(0), False),
    (True, True), (3, True), ("no", True), (["a"], True), (TODAY, True),
]
ERRORS = [
    ("todya()", 0, "unknown function 'todya'; did you mean 'today'? (functions: age, days"),
    ("1 + frobnicate(x)", 4, "unknown function 'frobnicate' (functions: age,"),
    ("(a + b", 0, "this '(' is never closed"), ("len(a", 3, "this '(' is never closed"),
    ("[1, 2", 0, "this '[' is never closed"), ("a + b)", 5, "this ')' has no '(' to close"),
    ("(a b)", 3, "expected ')' to close '(' but found 'b'"),
    ("a b", 2, "unexpected 'b' after a complete expression"),
    ("a # b", 2, "unexpected character '#'"), ("city = 'x'", 5, "use '=='"),
    ("a && b", 2, "use 'and'"), ("a || b", 2, "use 'or'"), ("!a", 0, "use 'not'"),
    ("'open", 0, "this text is never closed"), ("'bad \\n'", 5, "unknown escape '\\n'"),
    ("1 < a < 3", 6, "comparisons cannot be chained"), ("True", 0, "write 'true', not 'True'"),
    ("x == None", 5, "write 'null', not 'None'"), ("Name", 0, "'Name' is not a valid field id"),
    ("3abc", 0, "'3abc' is not a number"), ("1.", 0, "'1.' is not a number"),
    ("", 0, "the expression is empty"), ("   ", 3, "the expression is empty"),
    ("1 +", 3, "the expression ends too early"),
    ("a or or b", 5, "expected a value but found 'or'"),
    ("age()", 0, "age() takes 1 value, not 0"), ("today(1)", 0, "today() takes no values, not 1"),
    ("__import__('os')", 0, "is not a valid field id"),
]
# fmt: on


@pytest.mark.parametrize(("source", "value"), LITERALS + ARITHMETIC + PRECEDENCE + FUNCTIONS)
def test_literals_arithmetic_precedence_and_functions(source: str, value: object) -> None:
    assert_same(run(source, copies="2"), value)


def test_a_name_reads_the_answer_and_a_missing_answer_is_null() -> None:
    assert run("full_name", full_name="Ana") == "Ana"
    assert run("full_name") is None


@pytest.mark.parametrize(("source", "value"), COMPARISONS)
def test_comparisons(source: str, value: bool) -> None:
    assert run(source) is value


@pytest.mark.parametrize(("source", "value"), MEMBERSHIP)
def test_membership_in_lists_texts_and_multiple_choice_answers(source: str, value: bool) -> None:
    assert run(source, problems=["pothole", "streetlight"]) is value


@pytest.mark.parametrize(("source", "value"), LOGIC_WITH_NULL)
def test_and_or_not_treat_null_as_false(source: str, value: bool) -> None:
    assert run(source) is value


@pytest.mark.parametrize("source", NULL_IN_NULL_OUT)
def test_comparing_or_calculating_with_null_gives_null(source: str) -> None:
    assert run(source) is None


@pytest.mark.parametrize("source", NONSENSE)
def test_type_mismatches_and_division_by_zero_give_null(source: str) -> None:
    assert run(source) is None


@pytest.mark.parametrize(("source", "value"), DATES)
def test_text_is_read_as_an_iso_date_when_compared_with_a_date(source: str, value: object) -> None:
    assert run(source, dob=date(2000, 1, 31)) is value


def test_a_datetime_answer_counts_as_its_date() -> None:
    assert run("seen == '2024-06-01'", seen=datetime(2024, 6, 1, 9, 30)) is True


@pytest.mark.parametrize(("born", "today", "years"), AGES)
def test_age_counts_whole_years_to_today(born: object, today: date, years: int) -> None:
    assert run("age(born)", today, born=born) == years


def test_days_since_counts_days_to_today() -> None:
    assert run("days_since(d)", d=date(2024, 6, 1)) == 14
    assert run("days_since('2024-06-16')") == -1
    assert run("days_since(today())") == 0


@pytest.mark.parametrize(("value", "holds"), TRUTH)
def test_truthy_is_the_condition_test(value: object, holds: bool) -> None:
    assert truthy(value) is holds


def test_names_lists_every_answer_the_expression_reads() -> None:
    expression = parse(
        "age(dob) >= 16 and ('x' in picks or -number(count) > len([other])) and not today()"
    )
    assert expression.names == {"dob", "picks", "count", "other"}
    assert parse("1 + 2").names == frozenset()
    assert parse("today").names == {"today"}  # a field may share a function's name


def test_an_expression_is_immutable_and_keeps_its_source() -> None:
    expression = parse("a + 1")
    assert str(expression) == expression.source == "a + 1"
    with pytest.raises(AttributeError):
        expression.source = "b"  # type: ignore[misc]


@pytest.mark.parametrize(("source", "position", "says"), ERRORS)
def test_errors_say_what_and_where(source: str, position: int, says: str) -> None:
    problem = error(source)
    assert says in problem.message
    assert problem.position == position
    assert str(problem) == problem.message
    assert isinstance(problem, ValueError)


@pytest.mark.parametrize(
    ("opening", "closing", "step"), [("(", ")", 1), ("not ", "", 4), ("-", "", 1), ("[", "]", 1)]
)
def test_nesting_deeper_than_the_limit_is_refused_where_it_happens(
    opening: str, closing: str, step: int
) -> None:
    assert parse(opening * MAX_DEPTH + "1" + closing * MAX_DEPTH)
    problem = error(opening * (MAX_DEPTH + 1) + "1" + closing * (MAX_DEPTH + 1))
    assert "nested too deeply" in problem.message
    assert problem.position == MAX_DEPTH * step


def test_long_chains_are_not_nesting() -> None:
    assert run(" + ".join(["1"] * 500)) == 500
    assert run(" and ".join(["true"] * 200)) is True


def test_text_longer_than_the_limit_is_refused() -> None:
    fits = "1" + " + 1" * ((MAX_LENGTH - 1) // 4)
    assert len(fits) <= MAX_LENGTH and parse(fits)
    problem = error(fits + " + 1")
    length = f"{len(fits) + 4:,}"
    assert problem.message == f"the expression is {length} characters long; the limit is 2,000"
    assert problem.position == MAX_LENGTH


def test_something_other_than_text_is_refused() -> None:
    assert error(True).position == 0  # type: ignore[arg-type]  # a YAML `show_if: true`


def test_the_language_never_hands_text_to_python() -> None:
    modules = sorted(Path(expressions.__file__).parent.glob("expr*.py"))
    assert len(modules) >= 4  # expressions, expr_syntax, expr_eval, expr_tree
    for module in modules:
        code = module.read_text(encoding="utf-8")
        pattern = r"(?<![\w.])(eval|exec|compile|__import__)\s*\(|literal_eval"
        assert not re.search(pattern, code), module.name


# --- properties ------------------------------------------------------------------------

FRAGMENTS = [
    *"()[],'\"\\#.=<>!-+*/ \n_é1a",
    "2.5", "not", " in ", "and", "or", "==", "len", "age", "today", "todya", "true", "null", "x",
]  # fmt: skip


@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(FRAGMENTS)).map("".join)))
def test_any_text_parses_or_raises_expression_error(source: str) -> None:
    try:
        expression = parse(source)
    except ExpressionError as problem:
        assert 0 <= problem.position <= len(source)
        assert problem.message
    else:
        expression.evaluate({}, TODAY)


ATOMS = st.sampled_from([
    "1", "2.5", "0", "'x'", "''", "'2000-01-31'", "true", "null", "[]", "['x', 1]", "today()",
    "a", "b", "c",
])  # fmt: skip
BINARY = ["or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "+", "-", "*", "/"]
PREFIXES = ["age", "days_since", "len", "empty", "lower", "upper", "number", "not ", "-"]


def compound(sub: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(sub, st.sampled_from(BINARY), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(PREFIXES), sub).map(lambda t: f"({t[0]}({t[1]}))"),
        st.lists(sub, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    )


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(), st.text(max_size=4)
)
ANSWERS = st.one_of(SCALARS, st.dates(), st.datetimes(), st.lists(SCALARS, max_size=3))


@given(
    st.recursive(ATOMS, compound, max_leaves=16),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), ANSWERS),
    st.dates(),
)
def test_any_well_formed_expression_evaluates_without_raising(
    source: str, answers: dict[str, object], today: date
) -> None:
    expression = parse(source)
    assert expression.names <= {"a", "b", "c"}
    truthy(expression.evaluate(answers, today))
