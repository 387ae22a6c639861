"""The final vote: the trainer moves it closed → open → counted → published (open → closed is
allowed; nothing moves back after counted), each change recorded; participants vote while it
is open, for up to the programme's number of groups, never their own unless the programme says
so, and may change their ballot until it closes. Counts reach trainers once counted and everyone
once published; who voted for whom reaches no one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.cohorts.models import CohortGroup, Member, Membership, Role, require_trainer
from app.db import id_of, insert_new_id, insert_or_ignore
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import _
from app.pitches.models import Ballot, BallotChoice, Voting, VotingChange, VotingState
from app.programs.models import TieBreak

MOVES = {
    VotingState.closed: {VotingState.open},
    VotingState.open: {VotingState.closed, VotingState.counted},
    VotingState.counted: {VotingState.published},
    VotingState.published: set(),
}


@dataclass(frozen=True)
class GroupResult:
    key: str
    name: str
    votes: int


@dataclass(frozen=True)
class VotingView:
    state: VotingState
    closes_at: datetime | None
    eligible: int  # active participants
    voted: int  # of them, how many have a ballot
    results: list[GroupResult] | None  # most votes first; None while the caller may not see them
    my_choices: list[str] | None  # the caller's own ballot (participants)
    choices: list[CohortGroup]  # the groups one may vote for
    max_choices: int
    may_vote: bool
    moves: list[tuple[VotingState, str]]  # what a trainer may make of it now, with the button's words
    winners: list[str] | None  # with the results: the winning group(s), once decided
    tied: list[str]  # for trainers, while they must choose among these (tie_break: trainer)
    tie_reason: str | None

    @property
    def state_text(self) -> str:
        return state_label(self.state)

    @property
    def top_votes(self) -> int:
        return max((r.votes for r in self.results or []), default=0)


def _require_pitch(member: Member) -> int:
    votes = member.program.pitch_votes_per_participant
    if votes is None:
        raise NotFound(_("This programme ends without a pitch."))
    return votes


def _voting(session: Session, member: Member, *, lock: bool = False) -> Voting:
    insert_or_ignore(session, Voting(cohort_id=id_of(member.cohort), state=VotingState.closed,
                                     changed_at=datetime.now(UTC)))
    statement = select(Voting).where(Voting.cohort_id == member.cohort.id)
    if lock and session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()  # two trainers pressing at once: one after the other
    return session.exec(statement.execution_options(populate_existing=True)).one()


def _effective(state: VotingState, closes_at: datetime | None, now: datetime) -> VotingState:
    """An open vote past its countdown is closed, whether or not anyone has written it down."""
    if state == VotingState.open and closes_at is not None and now >= closes_at:
        return VotingState.closed
    return state


def _close_if_due(session: Session, voting: Voting, now: datetime) -> None:
    if _effective(voting.state, voting.closes_at, now) != voting.state:
        session.add(VotingChange(cohort_id=voting.cohort_id, from_state=VotingState.open,
                                 to_state=VotingState.closed, by_user_id=None,
                                 at=voting.closes_at or now))
        voting.state, voting.closes_at, voting.changed_at = VotingState.closed, None, now
        session.add(voting)


def voting_view(session: Session, *, member: Member, now: datetime | None = None) -> VotingView:
    """Where the vote stands for the caller: a constant number of queries."""
    max_choices = _require_pitch(member)
    now = now or datetime.now(UTC)
    voting = session.exec(select(Voting).where(Voting.cohort_id == member.cohort.id)).first()
    state = _effective(voting.state, voting.closes_at, now) if voting else VotingState.closed
    active = sa.and_(col(Membership.cohort_id) == member.cohort.id,
                     col(Membership.role) == Role.participant, col(Membership.is_active).is_(True))
    eligible, voted = session.connection().execute(sa.select(
        sa.select(sa.func.count()).select_from(Membership).where(active).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Ballot)
        .join(Membership, col(Membership.id) == col(Ballot.membership_id))
        .where(active, col(Ballot.cohort_id) == member.cohort.id).scalar_subquery())).one()
    groups = cohort_groups(session, member)
    sees = state == VotingState.published or (state == VotingState.counted and member.is_trainer)
    results = _results(session, member, groups) if sees else None
    mine = _my_choices(session, member, groups) if member.is_participant else None
    return VotingView(
        state=state, closes_at=voting.closes_at if voting and state == VotingState.open else None,
        eligible=eligible, voted=voted, results=results,
        my_choices=mine, choices=[g for g in groups if _may_choose(member, g)],
        max_choices=max_choices,
        may_vote=state == VotingState.open and _is_voter(member),
        moves=[(s, _move_label(s)) for s in VotingState if s in MOVES[state]]
        if member.is_trainer else [],
        winners=list(voting.winners or []) if sees and voting else None,
        tied=_top(results) if results is not None and voting and member.is_trainer
        and state == VotingState.counted and not voting.winners else [],
        tie_reason=voting.tie_reason if sees and voting else None)


def _tied(session: Session, member: Member) -> list[str]:
    return _top(_results(session, member, cohort_groups(session, member)))


def _top(results: list[GroupResult]) -> list[str]:
    """The groups with the most votes (none when nobody voted)."""
    top = max((r.votes for r in results), default=0)
    return [r.key for r in results if r.votes == top] if top else []


def _move_label(state: VotingState) -> str:
    return {VotingState.open: _("Open voting"), VotingState.closed: _("Close voting"),
            VotingState.counted: _("Count the votes"),
            VotingState.published: _("Publish the results")}[state]


def _is_voter(member: Member) -> bool:
    return member.is_participant and not member.is_admin_view


def _may_choose(member: Member, group: CohortGroup) -> bool:
    own = member.is_participant and member.membership.group_id == group.id
    return not own or bool(member.program.pitch_self_vote)


def _my_choices(session: Session, member: Member, groups: list[CohortGroup]) -> list[str]:
    keys = {g.id: g.key for g in groups}
    chosen = session.exec(select(BallotChoice.group_id).join(
        Ballot, col(Ballot.id) == col(BallotChoice.ballot_id)).where(
        Ballot.cohort_id == member.cohort.id, Ballot.membership_id == member.membership.id)).all()
    return sorted(keys[g] for g in chosen if g in keys)


def _results(session: Session, member: Member, groups: list[CohortGroup]) -> list[GroupResult]:
    counts = dict(session.connection().execute(
        sa.select(col(BallotChoice.group_id), sa.func.count())
        .join(Ballot, col(Ballot.id) == col(BallotChoice.ballot_id))
        .join(Membership, col(Membership.id) == col(Ballot.membership_id))
        .where(col(Ballot.cohort_id) == member.cohort.id, col(Membership.is_active).is_(True))
        .group_by(col(BallotChoice.group_id))).all())
    found = [GroupResult(key=g.key, name=g.name, votes=int(counts.get(id_of(g), 0))) for g in groups]
    return sorted(found, key=lambda r: (-r.votes, r.name))


def require_runner(member: Member) -> None:
    require_trainer(member, _("Only the cohort's trainers run the vote."))


def set_state(session: Session, *, member: Member, state: VotingState,
              closes_at: datetime | None = None, now: datetime | None = None) -> Voting:
    """A trainer moves the vote on (recorded); opening may set when it closes by itself."""
    require_runner(member)
    _require_pitch(member)
    now = now or datetime.now(UTC)
    voting = _voting(session, member, lock=True)
    _close_if_due(session, voting, now)
    if state != voting.state and state not in MOVES[voting.state]:
        raise Conflict(_("The vote is {now}; it cannot become {then} from there.")
                       .format(now=state_label(voting.state), then=state_label(state)))
    if closes_at is not None and (state != VotingState.open or closes_at <= now):
        raise InvalidInput(_("A countdown needs a time in the future, when opening the vote."),
                           field="closes_at")
    if state == VotingState.counted and state != voting.state:
        _decide(session, member, voting)
    if state == VotingState.published and state != voting.state and not voting.winners and (
            _tied(session, member)):
        raise Conflict(_("The vote is tied: choose the winner among the tied groups, with your "
                         "reason, before publishing."))
    if state != voting.state:
        session.add(VotingChange(cohort_id=voting.cohort_id, from_state=voting.state,
                                 to_state=state, by_user_id=id_of(member.user), at=now))
        voting.state, voting.changed_at = state, now
    voting.closes_at = closes_at if state == VotingState.open else None
    session.add(voting)
    session.flush()
    return voting


def cohort_groups(session: Session, member: Member) -> list[CohortGroup]:
    """The cohort's current groups, by name."""
    return list(session.exec(select(CohortGroup).where(
        CohortGroup.cohort_id == member.cohort.id, col(CohortGroup.archived_at).is_(None))
        .order_by(col(CohortGroup.name), col(CohortGroup.id))))


def _decide(session: Session, member: Member, voting: Voting) -> None:
    """On counting: the most votes win; a tie goes to the trainer, or is shared, as the
    programme says, never silently."""
    tied = _tied(session, member)
    if len(tied) == 1 or member.program.pitch_tie_break == TieBreak.shared:
        voting.winners = tied
    else:
        voting.winners = []  # the trainer chooses, with a reason, before publishing


def choose_winner(session: Session, *, member: Member, key: str, reason: str,
                  now: datetime | None = None) -> Voting:
    """The trainer settles a tie (the programme's tie_break: trainer), with a reason kept."""
    require_runner(member)
    _require_pitch(member)
    now = now or datetime.now(UTC)
    voting = _voting(session, member, lock=True)
    if voting.state != VotingState.counted or voting.winners:
        raise Conflict(_("There is no tie to settle now."))
    tied = _tied(session, member)
    if key not in tied:
        raise InvalidInput(_("Choose one of the tied groups: {keys}.").format(keys=", ".join(tied)),
                           field="group")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why: the reason is kept with the result."), field="reason")
    voting.winners, voting.tie_reason = [key], reason[:2000]
    session.add(voting)
    session.add(VotingChange(cohort_id=voting.cohort_id, from_state=voting.state,
                             to_state=voting.state, by_user_id=id_of(member.user), at=now,
                             note=f"{key}: {voting.tie_reason}"))
    session.flush()
    return voting


def _claim_ballot(session: Session, member: Member, now: datetime) -> int:
    """The caller's ballot row, cast now, with no choices yet: a new row in one statement, or
    the one cast before, locked (the same person twice at once goes in turn) and emptied."""
    table = Ballot.__table__  # type: ignore[attr-defined]
    values = {"cohort_id": id_of(member.cohort), "membership_id": id_of(member.membership),
              "cast_at": now}
    new_id = insert_new_id(session, table, values)
    if new_id is not None:
        return new_id
    statement = (sa.update(table).where(table.c.cohort_id == values["cohort_id"],
                                        table.c.membership_id == values["membership_id"])
                 .values(cast_at=now).returning(table.c.id))
    ballot_id = int(session.execute(statement).scalar_one())
    session.execute(sa.delete(BallotChoice).where(col(BallotChoice.ballot_id) == ballot_id))
    return ballot_id


def state_label(state: VotingState) -> str:
    return {VotingState.closed: _("closed"), VotingState.open: _("open"),
            VotingState.counted: _("counted"), VotingState.published: _("published")}[state]


def cast_ballot(session: Session, *, member: Member, group_keys: list[str],
                now: datetime | None = None) -> list[str]:
    """Record the caller's ballot, replacing the one they cast before; the keys chosen.

    The ballot's row is claimed first: on SQLite that write takes the database's write lock, so
    the vote's state read next cannot change before this commits; on PostgreSQL the state is
    read FOR SHARE, which lets ballots go in side by side while a trainer's change waits."""
    max_choices = _require_pitch(member)
    if not _is_voter(member):
        raise Forbidden(_("Only this cohort's participants vote."))
    now = now or datetime.now(UTC)
    keys = list(dict.fromkeys(k for k in group_keys if k))
    ballot_id = _claim_ballot(session, member, now)
    statement = select(Voting.state, Voting.closes_at).where(Voting.cohort_id == member.cohort.id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(read=True)
    found = session.execute(statement).first()
    state = _effective(found.state, found.closes_at, now) if found else VotingState.closed
    if state != VotingState.open:
        # a countdown that has run out is written down by the trainer's next change
        raise Conflict(_("Voting is not open: the vote is {state}.").format(state=state_label(state)))
    if not keys:
        raise InvalidInput(_("Choose at least one group."), field="groups")
    if len(keys) > max_choices:
        raise Conflict(_("Too many choices: you may vote for at most {n}.").format(n=max_choices))
    groups = {g.key: g for g in session.exec(select(CohortGroup).where(
        CohortGroup.cohort_id == member.cohort.id, col(CohortGroup.key).in_(keys),
        col(CohortGroup.archived_at).is_(None)))}
    unknown = [k for k in keys if k not in groups]
    if unknown:
        raise InvalidInput(_("No such group in this cohort: {keys}.").format(keys=", ".join(unknown)),
                           field="groups")
    if any(not _may_choose(member, groups[k]) for k in keys):
        raise Conflict(_("You cannot vote for your own group."))
    # one INSERT of plain rows: nothing reads these choices back as objects in this unit of work
    session.execute(sa.insert(BallotChoice.__table__),  # type: ignore[attr-defined]
                    [{"ballot_id": ballot_id, "group_id": id_of(groups[k])} for k in keys])
    return keys
