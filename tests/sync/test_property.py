"""Property: whatever a trainer's editor produces, validation answers with located problems.

Broken variants of the valid programme and cohort go into `validate_texts`. It must never raise;
every problem must read `name:line:col: message`, `name:line: message` or `name: message` with
the line and column inside the file; and a set with problems is never imported.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.sync import service as sync_service
from app.sync.validate import validate_texts
from tests.fixtures.builders import PROGRAM, cohort_yaml

COHORT = cohort_yaml(starts=date(2027, 1, 11))
NAMES = ("program.yaml", "cohort.yaml")
RENDERED = re.compile(
    r"(?P<file>[^:\n]+)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<message>\S.*)", re.S
)
# What YAML counts as a line break (YAML 1.1, which PyYAML and libyaml follow).
BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

SCALARS = st.one_of(
    st.sampled_from(
        [
            "",
            "~",
            "null",
            "yes",
            "no",
            "on",
            "off",
            "true",
            "0",
            "-1",
            "1e400",
            ".nan",
            ".inf",
            "[]",
            "{}",
            "[a, [b]]",
            "{a: {b: c}}",
            "'quoted'",
            '"\\u00e9"',
            "!!binary aGk=",
            "!custom x",
            "&anchor x",
            "*anchor",
            "|",
            ">",
            "- a",
            "? a",
            "week 0",
            "week 999",
            "+9999d",
            "2027-02-30",
            "2027-02-01",
            "9999-12-31",
            "0001-01-01",
            "Europe",
            "../x",
            "a@b",
            "a@b.c",
            "#comment",
            "@",
            "`",
            "%",
            "\\0",
            "\t",
            "key: value",
            "all",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
)
SNIPPETS = st.one_of(
    SCALARS,
    st.sampled_from(
        [
            "\t",
            "\n",
            "  ",
            ":",
            ": ",
            "- ",
            "{",
            "}",
            "[",
            "]",
            ",",
            "'",
            '"',
            "#",
            "\ufeff",
            "\u2028",
            "\x85",
            "\r",
            "\x00",
            "\x1b",
            "kind: program\n",
            "kind: cohort\n",
            "---\n",
            "...\n",
            "<<: *a\n",
            "\udcff",
        ]
    ),
    st.integers(min_value=1, max_value=300).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.integers(min_value=1, max_value=60).map(
        lambda n: "".join(f"\n{'  ' * i}k{i}:" for i in range(n)) + " x"
    ),
)


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """One edit of the kind people and editors make."""
    lines = text.split("\n")
    kind = draw(
        st.sampled_from(
            [
                "delete-chars",
                "insert",
                "replace-char",
                "delete-line",
                "duplicate-line",
                "swap-lines",
                "value",
                "tab",
                "indent",
                "nest",
            ]
        )
    )
    if not text:
        kind = "insert"
    if kind in ("delete-chars", "insert", "replace-char"):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        if kind == "delete-chars":
            return text[:at] + text[at + draw(st.integers(min_value=1, max_value=20)) :]
        if kind == "insert":
            return text[:at] + draw(SNIPPETS) + text[at:]
        return text[:at] + draw(st.characters()) + text[at + 1 :]
    i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    if kind == "delete-line":
        del lines[i]
    elif kind == "duplicate-line":
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "value":  # swap a value for a random scalar, keeping the key
        key, colon, _value = lines[i].partition(": ")
        lines[i] = f"{key}{colon or ': '}{draw(SCALARS)}"
    elif kind == "tab":
        lines[i] = "\t" + lines[i]
    elif kind == "indent":
        lines[i] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[i]
    else:  # nest: the value becomes a deep structure
        key, _colon, _value = lines[i].partition(": ")
        depth = draw(st.integers(min_value=1, max_value=400))
        lines[i] = f"{key}: " + draw(
            st.sampled_from(["[" * depth + "]" * depth, "{a: " * depth + "1" + "}" * depth])
        )
    return "\n".join(lines)


@st.composite
def broken_sets(draw: st.DrawFn) -> list[tuple[Path, str, str]]:
    texts = [PROGRAM, COHORT] if draw(st.booleans()) else [draw(st.sampled_from([PROGRAM, COHORT]))]
    victim = draw(st.integers(min_value=0, max_value=len(texts) - 1))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        texts[victim] = draw(mutation(texts[victim]))
    if draw(st.booleans()) and len(texts) == 2:
        other = 1 - victim
        texts[other] = draw(mutation(texts[other]))
    names = NAMES if len(texts) == 2 else ("only.yaml",)
    return [(Path(name), name, text) for name, text in zip(names, texts, strict=True)]


def check_located(problem_text: str, texts: dict[str, str]) -> None:
    match = RENDERED.fullmatch(problem_text)
    assert match, f"not 'file:line:col: message': {problem_text!r}"
    assert match["file"] in texts, problem_text
    if match["line"] is None:
        return
    lines = BREAKS.split(texts[match["file"]])
    line = int(match["line"])
    assert 1 <= line <= len(lines) + 1, (problem_text, len(lines))
    if match["col"] is not None:
        col = int(match["col"])
        width = len(lines[line - 1]) if line <= len(lines) else 0
        assert 1 <= col <= width + 1, (problem_text, lines[line - 1] if line <= len(lines) else "")


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(broken_sets())
def test_broken_files_always_give_located_problems_and_never_import(
    sources: list[tuple[Path, str, str]],
) -> None:
    bundle = validate_texts(sources)  # must not raise, whatever the text
    texts = {shown: text for _path, shown, text in sources}
    for problem in bundle.problems:
        check_located(str(problem), texts)
        assert problem.message.strip(), problem
        assert "\n" not in str(problem), "the CLI prints one line per problem"
    assert bundle.problems == sorted(bundle.problems)
    if bundle.problems:
        assert not bundle.ok
        with pytest.raises(AssertionError):  # the import refuses before touching the database
            sync_service.apply_bundle(None, bundle=bundle)  # type: ignore[arg-type]
    else:
        assert bundle.ok
        assert len(bundle.programs) + len(bundle.cohorts) == len(sources)


def test_the_unmutated_files_are_valid() -> None:
    bundle = validate_texts(
        [(Path(n), n, t) for n, t in zip(NAMES, (PROGRAM, COHORT), strict=True)]
    )
    assert bundle.ok, bundle.problems
