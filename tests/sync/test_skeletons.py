"""`ting new` starts trainers from files that are valid as they stand: to the validator and to
the editor's schema, on any day of the year."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

from app.sync.schema import cohort_schema, program_schema
from app.sync.skeletons import cohort_skeleton, program_skeleton
from app.sync.validate import validate_texts

DAYS = [date(2027, 1, 4) + timedelta(days=n) for n in range(7)] + [date(2027, 12, 29)]


def as_json(text: str) -> object:
    """What an editor's YAML reader sees (dates read as text)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_skeletons_are_valid_together_on_any_day(today: date) -> None:
    program = program_skeleton("my-programme", base_url="https://ting.example.org")
    cohort = cohort_skeleton("spring", program="my-programme", today=today)
    bundle = validate_texts([(Path("p.yaml"), "p.yaml", program), (Path("c.yaml"), "c.yaml", cohort)])
    assert bundle.ok, bundle.problems
    (spec,) = bundle.cohorts
    assert spec.starts.weekday() == 0 and spec.starts > today  # the Monday after today
    assert len(bundle.programs[0].things) == 3


def test_the_skeletons_pass_the_editor_schemas_and_name_them() -> None:
    program = program_skeleton("my-programme", base_url="https://ting.example.org/")
    cohort = cohort_skeleton("spring", program="my-programme", today=date(2027, 1, 6),
                             base_url="https://ting.example.org")
    assert program.startswith(
        "# yaml-language-server: $schema=https://ting.example.org/schema/program.json\n")
    assert cohort.startswith(
        "# yaml-language-server: $schema=https://ting.example.org/schema/cohort.json\n")
    assert list(jsonschema_rs.Draft202012Validator(program_schema()).iter_errors(as_json(program))) == []
    assert list(jsonschema_rs.Draft202012Validator(cohort_schema()).iter_errors(as_json(cohort))) == []


def test_an_id_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="'My Programme' is not an id"):
        program_skeleton("My Programme")
    with pytest.raises(ValueError, match="'x y' is not an id"):
        cohort_skeleton("spring", program="x y", today=date(2027, 1, 6))
