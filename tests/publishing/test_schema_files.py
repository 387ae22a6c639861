"""The editor schemas reach editors three ways, always the same text: the files in schema/
(which the example programmes name on their first line), `ting schema`, and the server's
/schema/program.json and /schema/cohort.json. What the schemas say is tested in
tests/sync/test_schema.py."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from app.config import ROOT
from app.sync.schema import cohort_schema, program_schema, schema_files

FIRST_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def test_the_committed_schema_files_are_the_current_schemas() -> None:
    for name, text in schema_files().items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == text, (
            f"schema/{name} is out of date: run 'ting schema --out schema'")


def test_every_example_file_names_its_schema_on_its_first_line() -> None:
    examples = sorted((ROOT / "programs").rglob("*.yaml"))
    assert len(examples) >= 6
    for path in examples:
        text = path.read_text(encoding="utf-8")
        found = FIRST_LINE.match(text)
        assert found, f"{path.name} does not start with the yaml-language-server line"
        kind = "program" if "\nkind: program\n" in text else "cohort"
        schema = (path.parent / found.group(1)).resolve()
        assert schema == ROOT / "schema" / f"{kind}.json", path.name


def test_the_server_serves_the_schemas_without_sign_in(client: TestClient) -> None:
    for path, schema in (("/schema/program.json", program_schema()),
                         ("/schema/cohort.json", cohort_schema())):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/schema+json")
        assert response.json() == json.loads(json.dumps(schema))
    assert client.get("/schema/thing.json").status_code == 404
