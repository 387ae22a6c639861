"""Reflections as the service keeps them: words counted, blank text never wipes one out."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.errors import Forbidden
from app.posts import service as posts_service
from app.programs import service as programs_service
from tests.fixtures.builders import ANNA, TRAINER, load_standard, member


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("   \n\n ", 0),
    ("- - * #", 0),
    ("one two three", 3),
    ("It's a well-known e-mail trick", 5),
    ("Tre ord på dansk: læring, æbler, øl", 7),
    ("**bold** and _emphasis_", 3),
    ("[my screencast](https://example.org/a-very-long-address/with-many-parts) is up", 4),
    ("![a photo](https://example.org/photo.png) <b>shown</b> &amp;", 3),  # "<b>shown</b> &"
])
def test_reflection_words_are_counted_as_a_reader_would(text: str, words: int) -> None:
    assert posts_service.count_words(text) == words


def test_saving_a_reflection_again_updates_the_one_post(db: Session) -> None:
    load_standard(db)
    anna = member(db, ANNA)
    first = posts_service.save_reflection(db, member=anna, key="reflect", body="first draft")
    db.commit()
    second = posts_service.save_reflection(db, member=anna, key="reflect", body="a better second one")
    db.commit()
    assert first is not None and second is not None and first.id == second.id
    assert second.word_count == 4
    thing = programs_service.get_thing(db, program=anna.program, key="reflect")
    assert posts_service.best_reflection_words(db, member=anna, thing=thing) == 4


def test_a_blank_reflection_leaves_the_saved_one_alone(db: Session) -> None:
    load_standard(db)
    anna = member(db, ANNA)
    posts_service.save_reflection(db, member=anna, key="reflect", body="keep me please")
    db.commit()
    kept = posts_service.save_reflection(db, member=anna, key="reflect", body="  \n ")
    db.commit()
    assert kept is not None and kept.body == "keep me please"


def test_trainers_cannot_write_reflections(db: Session) -> None:
    load_standard(db)
    trainer = member(db, TRAINER)
    with pytest.raises(Forbidden):
        posts_service.save_reflection(db, member=trainer, key="reflect", body="hello there")
