"""The one error shape of the JSON API, declared once and used in every route's `responses=`,
so the OpenAPI document says what the API really answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Text every database can store: no NUL character (a lone UTF-16 surrogate is not text at all).
# Declared on every text field of a request body, so the document says what
# app.deps.storable_text enforces; with at least one visible character where text is required.
STORABLE_TEXT = r"^[^\x00]*$"
SOME_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"


# Any JSON whose text every database can store, for a body taken as it comes (a credential to
# check): the document's components hold it under this name (app.main adds it).
STORABLE_JSON_NAME = "StorableJson"
STORABLE_ANY = {"$ref": f"#/components/schemas/{STORABLE_JSON_NAME}"}
STORABLE_OBJECT = {"type": "object", "propertyNames": {"pattern": STORABLE_TEXT},
                   "additionalProperties": STORABLE_ANY}
STORABLE_JSON = {"anyOf": [{"type": "string", "pattern": STORABLE_TEXT}, {"type": "number"},
                           {"type": "boolean"}, {"type": "null"},
                           {"type": "array", "items": STORABLE_ANY}, STORABLE_OBJECT]}


class Input(BaseModel):
    """Every request body: an unknown field is refused, never silently dropped."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")


class Problem(BaseModel):
    """Every error the API answers: one sentence a person can act on."""

    detail: str = Field(description="What went wrong and what to do about it.")
    request_id: str | None = Field(default=None, description="This request's id (also in the "
                                   "X-Request-ID header), to quote when asking for help.")


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    """Input that does not fit: the sentence, and (for the schema's own checks) each field's
    problem."""

    errors: list[FieldProblem] = Field(default_factory=list)


_DESCRIPTIONS = {
    400: "The request holds text that cannot be stored (a NUL character or broken encoding).",
    401: "Not signed in: send 'Authorization: Bearer <token>', or sign in with a browser.",
    403: "Signed in, but this role may not do that, or a browser form expired.",
    404: "No such thing that you can see (a cohort you are not in answers 404 too).",
    409: "A rule of the programme refused it; the detail says which.",
    422: "A parameter or the body does not fit the schema; the detail names each field.",
}


def problems(*codes: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for these status codes; a description may be given per code as `_409=...`."""
    return {
        code: {"model": ValidationProblem if code == 422 else Problem,
               "description": descriptions.get(f"_{code}", _DESCRIPTIONS[code])}
        for code in codes
    }
