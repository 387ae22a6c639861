"""Search across a cohort's forum with the database's own full-text index (migration 0011):
SQLite's FTS5, PostgreSQL's tsvector with a GIN index. One function, either database, the same
words found: every word must occur (each also as the start of a longer word), titles weigh more
than bodies, and each hit comes with a snippet, its matches marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.auth.models import User
from app.cohorts.models import CohortGroup, Member, Membership
from app.errors import InvalidInput
from app.forum import service as forum_service
from app.forum.models import ForumPost, ForumTopic
from app.i18n import _

PAGE_SIZE = 20
CANDIDATES = 1000  # the newest matches, among which the best come first
MAX_WORDS = 8
# the snippet's marks: characters no one types, swapped for <mark> once the text is escaped
START, STOP = "\ue000", "\ue001"
# what the index adds to the schema beside the models (the schema comparison leaves it out)
INDEX_TABLES = "forum_posts_fts"
INDEX_PARTS = {"search_vector", "ix_forum_posts_search"}  # PostgreSQL's column and index
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    topic_id: int
    topic_title: str
    category: str
    group_name: str | None  # in that group's space
    post_id: int
    is_opening: bool
    is_answer: bool
    author_name: str
    created_at: datetime
    snippet: Markup


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: int
    has_next: bool
    unanswered: bool


def in_schema(name: str | None, type_: str) -> bool:
    """Whether an object of the database belongs to the models' schema (not the search index)."""
    if type_ == "table" and name and name.startswith(INDEX_TABLES):
        return False
    return not (type_ in ("column", "index") and name in INDEX_PARTS)


def words_of(query: str) -> list[str]:
    words = [w.lower() for w in WORD.findall(query)][:MAX_WORDS]
    if not words:
        raise InvalidInput(_("Type a word or two to search for."), field="q")
    return words


def _marked(text: str) -> Markup:
    return Markup(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))


_FTS = sa.table("forum_posts_fts", sa.column("rowid"))
_FTS_TABLE: Any = sa.literal_column("forum_posts_fts")
_VECTOR: Any = sa.literal_column("forum_posts.search_vector")


def search(session: Session, *, member: Member, query: str, unanswered: bool = False,
           page: int = 1) -> SearchResults:
    """Posts of the cohort's forum, and of the group spaces the caller may enter, that hold every
    word of `query`, best first among the newest CANDIDATES of them: two queries however many
    posts there are."""
    forum_service.require_forum(member)
    words = words_of(query)
    spaces = [g.id for g in session.exec(
        select(CohortGroup).where(CohortGroup.cohort_id == member.cohort.id))
        if forum_service.may_enter(member, g)]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        tsquery = sa.func.to_tsquery("simple", sa.bindparam("match"))
        snippet: Any = sa.func.ts_headline(
            "simple", col(ForumPost.body), tsquery,
            f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=1")
        rank: Any = sa.func.ts_rank(_VECTOR, tsquery).desc()
        source: Any = ForumPost
        found: Any = _VECTOR.op("@@")(tsquery)
        match = " & ".join(f"'{w}':*" for w in words)
    else:
        snippet = sa.func.snippet(_FTS_TABLE, 1, START, STOP, "…", 24)
        rank = sa.func.bm25(_FTS_TABLE, 5.0, 1.0)  # the title weighs five times the body
        source = sa.join(_FTS, ForumPost, col(ForumPost.id) == _FTS.c.rowid)
        found = _FTS_TABLE.op("MATCH")(sa.bindparam("match"))
        match = " ".join(f'"{w}"*' for w in words)
    readable = [col(ForumTopic.cohort_id) == member.cohort.id,
                col(ForumPost.hidden_at).is_(None), col(ForumTopic.hidden_at).is_(None),
                sa.or_(col(ForumTopic.group_id).is_(None), col(ForumTopic.group_id).in_(spaces))]
    if unanswered:
        readable.append(col(ForumTopic.answer_post_id).is_(None))
    # the newest matches the caller may read: ranking every match of a common word would read
    # every post holding it, so the best are chosen among the newest CANDIDATES
    newest = _FTS.c.rowid if not postgres else col(ForumPost.id)
    candidates = (
        sa.select(newest).select_from(source)
        .join(ForumTopic, col(ForumTopic.id) == col(ForumPost.topic_id))
        .where(found, *readable).order_by(newest.desc()).limit(CANDIDATES))
    if postgres:
        among: Any = col(ForumPost.id).in_(candidates.scalar_subquery())
    else:  # FTS5 reads a range of rowids fast, and a list of them slowly
        oldest = sa.select(sa.func.min(candidates.subquery().c[0])).scalar_subquery()
        among = sa.and_(found, _FTS.c.rowid >= oldest, *readable)
    statement = (
        sa.select(col(ForumPost.id), col(ForumPost.topic_id), col(ForumTopic.title),
                  col(ForumTopic.category), col(CohortGroup.name), col(ForumPost.title),
                  col(ForumTopic.answer_post_id), col(User.name), col(ForumPost.created_at),
                  snippet)
        .select_from(source)
        .join(ForumTopic, col(ForumTopic.id) == col(ForumPost.topic_id))
        .join(Membership, col(Membership.id) == col(ForumPost.author_id))
        .join(User, col(User.id) == col(Membership.user_id))
        .outerjoin(CohortGroup, col(CohortGroup.id) == col(ForumTopic.group_id))
        .where(among)
        .order_by(rank, col(ForumPost.id).desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE))
    rows = session.connection().execute(statement, {"match": match}).all()
    hits = [SearchHit(topic_id=topic_id, topic_title=title, category=category,
                      group_name=group_name, post_id=post_id, is_opening=bool(opening),
                      is_answer=answer == post_id, author_name=author, created_at=created,
                      snippet=_marked(text or ""))
            for post_id, topic_id, title, category, group_name, opening, answer, author, created,
            text in rows[:PAGE_SIZE]]
    return SearchResults(query=" ".join(words), hits=hits, page=page,
                         has_next=len(rows) > PAGE_SIZE, unanswered=unanswered)
