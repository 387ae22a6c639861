"""The `ting` command: validate and import YAML, serve, tokens, migrations, backups."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app import archives, backups
from app import db as ting_db
from app.auth import service as auth_service
from app.auth.models import User
from app.badges import keys as badge_keys
from app.cohorts import invitations
from app.cohorts import service as cohorts_service
from app.config import ConfigurationError, Settings, get_settings
from app.dashboards import reminders
from app.demo import DemoError, foreign_cohorts, is_empty, load_demo
from app.errors import DomainError
from app.observability import configure_logging
from app.progress import awards
from app.sync import schema as sync_schema
from app.sync import service as sync_service
from app.sync import skeletons
from app.sync.cohorts import ProgramFacts
from app.sync.validate import Bundle, LookupProgram, expand_paths, validate_paths

cli = typer.Typer(help="Ting: self-paced '23 Things' learning programmes.", no_args_is_help=True,
                  add_completion=False)
token_cli = typer.Typer(help="Personal access tokens for the JSON API.", no_args_is_help=True)
db_cli = typer.Typer(help="The database schema.", no_args_is_help=True)
admin_cli = typer.Typer(help="Site admins (they see every cohort) and programme authors.",
                        no_args_is_help=True)
cli.add_typer(token_cli, name="token")
cli.add_typer(admin_cli, name="admin")
keys_cli = typer.Typer(help="The keys that sign badges (Open Badges 3.0 credentials).",
                       no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")
new_cli = typer.Typer(help="Start a programme or cohort file from a commented skeleton.",
                      no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(new_cli, name="new")

Paths = Annotated[list[Path], typer.Argument(help="YAML files, or folders to search for them.")]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _engine(settings: Settings) -> Engine:
    return ting_db.make_engine(settings.database_url, echo=settings.log_sql)


def _ready_engine(settings: Settings) -> Engine:
    """An engine on an up-to-date schema: SQLite is migrated, PostgreSQL must be already."""
    engine = _engine(settings)
    if engine.dialect.name == "sqlite":
        ting_db.upgrade_under_lock(engine)
        return engine
    if ting_db.current_revision(engine) != ting_db.head_revision():
        _err("The database schema is not up to date. Run: ting db upgrade")
        raise typer.Exit(1)
    return engine


def _database_lookup(settings: Settings) -> LookupProgram | None:
    """Programmes already in the database, so a cohort can be validated on its own."""
    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if not path or path == ":memory:" or not Path(path).exists():
            return None
    try:
        engine = _engine(settings)
        if ting_db.current_revision(engine) is None:
            return None
    except SQLAlchemyError:
        return None

    def lookup(key: str) -> ProgramFacts | None:
        with Session(engine) as session:
            return sync_service.program_facts(session, key)

    return lookup


def _report(bundle: Bundle) -> None:
    for problem in bundle.problems:
        _err(str(problem))
    files = len({p.file for p in bundle.problems})
    _err(f"{len(bundle.problems)} problem(s) in {files} file(s); nothing was imported.")


@cli.command()
def validate(paths: Paths) -> None:
    """Check programme and cohort files; print every problem as file:line:col: message."""
    settings = get_settings()
    bundle = validate_paths(paths, lookup=_database_lookup(settings))
    if not bundle.ok:
        _report(bundle)
        raise typer.Exit(1)
    typer.echo(f"All valid: {len(bundle.programs)} programme(s), {len(bundle.cohorts)} cohort(s).")


@cli.command()
def schema(
    out: Annotated[Path, typer.Option("--out", help="The folder to write them in.",
                                      file_okay=False)] = Path("."),
) -> None:
    """Write the JSON Schemas of programme and cohort files (program.json, cohort.json), for
    editors that complete keys and flag typos as one types (a server also serves them at
    /schema/program.json and /schema/cohort.json)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in sync_schema.schema_files().items():
        (out / name).write_text(text, encoding="utf-8")
        typer.echo(out / name)


Server = Annotated[str | None, typer.Option(
    "--server", help="The Ting server whose schema the file names (default: TING_BASE_URL).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the file if it exists.")]


def _write_new(path: Path, text: str, force: bool) -> None:
    if path.exists() and not force:
        _err(f"{path} exists already; choose another name with --out, or --force to overwrite it.")
        raise typer.Exit(1)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {path}: edit it, then 'ting validate {path}'.")


@new_cli.command("programme")
def new_programme(
    key: Annotated[str, typer.Argument(help="The programme's id: lower-case letters, digits, hyphens.")],
    out: Annotated[Path | None, typer.Option("--out", help="The file (default: ID.yaml).")] = None,
    server: Server = None, force: Force = False,
) -> None:
    """Write a commented programme with one Thing of each kind, valid as it stands."""
    try:
        text = skeletons.program_skeleton(key, base_url=server or get_settings().base_url)
    except ValueError as exc:
        _err(str(exc))
        raise typer.Exit(1) from None
    _write_new(out or Path(f"{key}.yaml"), text, force)


new_cli.command("program", hidden=True)(new_programme)


@new_cli.command("cohort")
def new_cohort(
    key: Annotated[str, typer.Argument(help="The cohort's id: lower-case letters, digits, hyphens.")],
    program: Annotated[str, typer.Option("--program", help="The id of the programme it runs.")],
    out: Annotated[Path | None, typer.Option("--out", help="The file (default: ID.yaml).")] = None,
    server: Server = None, force: Force = False,
) -> None:
    """Write a commented cohort of a programme, starting next Monday, valid as it stands."""
    try:
        text = skeletons.cohort_skeleton(key, program=program, today=date.today(),
                                         base_url=server or get_settings().base_url)
    except ValueError as exc:
        _err(str(exc))
        raise typer.Exit(1) from None
    _write_new(out or Path(f"{key}.yaml"), text, force)


@cli.command("import")
def import_(
    paths: Paths,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Validate, then add or update programmes and cohorts in one transaction."""
    settings = get_settings()
    engine = _ready_engine(settings)
    with ting_db.unit_of_work(engine, commit=not dry_run) as session:
        bundle = validate_paths(paths, lookup=lambda key: sync_service.program_facts(session, key))
        if not bundle.ok:
            _report(bundle)
            raise typer.Exit(1)
        changes = sync_service.apply_bundle(session, bundle=bundle)
        # badges that people already meet the rule of (a new badge, an eased rule) are theirs
        awarded = awards.award_all(session, program_keys=bundle.program_keys) if changes else 0
    if not changes:
        typer.echo("No changes: the database already matches these files.")
        return
    for line in sync_service.summarise(changes):
        typer.echo(line)
    if awarded:
        typer.echo(f"{awarded} badge(s) awarded to participants who already meet their rules.")
    if dry_run:
        typer.echo(f"Dry run: {len(changes)} change(s) shown, nothing was written.")
    else:
        typer.echo(f"Imported: {len(changes)} change(s).")


# the files a YAML file names beside it: a cohort's roster, a badge's picture
_BESIDE = re.compile(
    r"""^\s*(?:participants_csv|-?\s*image):\s*["']?([^"'#\n]+?)["']?\s*(?:#.*)?$""", re.M)


def _publication_files(paths: list[Path]) -> list[tuple[str, Path]]:
    """The YAML files to send, with any roster CSV or badge picture they name, each named as
    `ting validate` would show it (relative to here, or else to the files' common folder)."""
    files, problems = expand_paths(paths)
    if problems:
        for problem in problems:
            _err(str(problem))
        raise typer.Exit(1)
    found = list(files)
    for path in files:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        found += [path.parent / m.strip() for m in _BESIDE.findall(text)
                  if (path.parent / m.strip()).is_file()]
    found = list(dict.fromkeys(p.resolve() for p in found))
    here = Path.cwd().resolve()
    base = here if all(p.is_relative_to(here) for p in found) else Path(
        os.path.commonpath([p.parent for p in found]))
    return [(p.relative_to(base).as_posix(), p) for p in found]


def _as_text(path: Path) -> str:
    """A file as the API takes it: text, or a PNG as a data: URL."""
    if path.suffix.lower() == ".png":
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return path.read_text(encoding="utf-8-sig")


@cli.command()
def publish(
    paths: Paths,
    server: Annotated[str, typer.Option("--server", envvar="TING_SERVER",
                                        help="The Ting server, e.g. https://ting.example.org.")],
    token: Annotated[str, typer.Option("--token", envvar="TING_TOKEN", help="Your personal "
                                       "access token (from your account page on the server).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; publish "
                                          "nothing.")] = False,
) -> None:
    """Publish programme and cohort files to a Ting server from your own computer: the same
    problems and changes as 'ting import' prints, checked and applied by the server."""
    files = _publication_files(paths)
    body = {"files": [{"name": name, "text": _as_text(path)} for name, path in files],
            "dry_run": dry_run}
    import httpx  # only this command speaks HTTP
    try:
        response = httpx.post(server.rstrip("/") + "/api/v1/publications", json=body, timeout=120,
                              headers={"Authorization": f"Bearer {token}"})
        answer = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        _err(f"Could not reach a Ting server at {server}: {exc}")
        raise typer.Exit(1) from None
    if response.status_code in (403, 409) and answer.get("problems"):
        for problem in answer["problems"]:
            _err(problem["text"])
        count, names = len(answer["problems"]), len({p["file"] for p in answer["problems"]})
        _err(f"{count} problem(s) in {names} file(s); nothing was imported.")
        raise typer.Exit(1)
    if response.status_code >= 400:
        _err(str(answer.get("detail", response.text)))
        for line in answer.get("changes", []):
            _err(line)
        raise typer.Exit(1)
    changes = answer["changes"]
    if not changes:
        typer.echo("No changes: the database already matches these files.")
        return
    for line in changes:
        typer.echo(line)
    if dry_run:
        typer.echo(f"Dry run: {answer['count']} change(s) shown, nothing was written.")
    else:
        typer.echo(f"Imported: {answer['count']} change(s).")


GRACEFUL_SECONDS = 30


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load demo data and offer a demo login.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.", envvar="TING_WORKERS",
                                         min=1)] = 1,
) -> None:
    """Run the web server (migrating an SQLite database first)."""
    if demo:
        os.environ["TING_DEMO"] = "true"
        # one key for every worker of this run, made now: demo mode has no key of its own
        os.environ.setdefault("TING_SECRET_KEY", secrets.token_urlsafe(48))
        get_settings.cache_clear()
    settings = get_settings()
    try:
        settings.effective_secret_key()
    except ConfigurationError as exc:
        _err(str(exc))
        raise typer.Exit(1) from None
    engine = _ready_engine(settings)
    if settings.demo:
        foreign = foreign_cohorts(engine, settings.programs_dir)
        if foreign:
            _err(f"This database holds cohorts that are not demo data ({', '.join(foreign[:5])}"
                 f"{', ...' if len(foreign) > 5 else ''}). Demo mode lets anyone sign in as "
                 "anyone, so it only runs on demo data: point TING_DATABASE_URL at a new file, "
                 "for example sqlite:///./ting-demo.db.")
            raise typer.Exit(1)
        if is_empty(engine):
            try:
                lines = load_demo(engine, settings.programs_dir)
            except DemoError as exc:
                _err(str(exc))
                raise typer.Exit(1) from None
            typer.echo(f"Demo data loaded ({len(lines)} changes).")
        typer.echo(f"Demo: open http://{host}:{port}/demo and pick someone to sign in as.")
    engine.dispose()
    configure_logging(json_lines=settings.log_format == "json")
    # each worker sets up its logging as it starts (app.main.serving_app); on SIGTERM the
    # requests in flight get this long to finish before the workers stop
    import uvicorn  # only this command serves

    uvicorn.run("app.main:serving_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info", log_config=None, access_log=False,
                timeout_graceful_shutdown=GRACEFUL_SECONDS)


@token_cli.command("create")
def token_create(
    email: str,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "API token",
) -> None:
    """Print a new personal access token acting as EMAIL (shown once)."""
    engine = _ready_engine(get_settings())
    try:
        with ting_db.unit_of_work(engine) as session:
            _token, plain = auth_service.create_token(session, email=email, name=name)
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    _err(f"Token '{name}' for {email.strip().lower()}; it is shown only now:")
    typer.echo(plain)


@cli.command()
def invite(emails: Annotated[list[str], typer.Argument(help="Addresses of roster members.")]) -> None:
    """Print (and mail, through the outbox) a link for each person to choose a password."""
    settings = get_settings()
    engine = _ready_engine(settings)
    from app.auth import router as auth_router  # the web app's routes, only where needed

    def link_for(secret: str) -> str:
        return settings.absolute(str(auth_router.router.url_path_for("set_password_page", token=secret)))

    try:
        with ting_db.unit_of_work(engine) as session:
            people = invitations.people_for_cli(session, emails=emails)
            sent = invitations.invite(session, people=people, link_for=link_for, now=ting_db.utcnow(),
                                      lifetime=timedelta(days=settings.invitation_days))
            lines = [f"{item.user.email}\t{item.url}" for item in sent]
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    _err(f"Invitation links (each works once, for {settings.invitation_days} days; "
         "also mailed through the outbox):")
    for line in lines:
        typer.echo(line)


@cli.command()
def remind(
    cohort: Annotated[str, typer.Argument(help="The cohort's id.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say who would be reminded; "
                                          "send nothing.")] = False,
) -> None:
    """Mail each participant who is behind a list of their overdue and soon-due Things (at
    most one reminder a day each, however often this runs)."""
    settings = get_settings()
    engine = _ready_engine(settings)
    from app.progress import router as progress_router  # the web app's routes

    def link_for(key: str) -> str:
        return settings.absolute(str(progress_router.router.url_path_for("thing_page", cohort=cohort,
                                                                         key=key)))

    try:
        with ting_db.unit_of_work(engine, commit=not dry_run) as session:
            member = cohorts_service.system_member(session, cohort_key=cohort)
            sent = reminders.remind(session, member=member, link_for=link_for, dry_run=dry_run)
            lines = [(r.person.email, r.sent, len(r.overdue), len(r.soon)) for r in sent]
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    for email, was_sent, overdue, soon in lines:
        state = "would remind" if dry_run else ("reminded" if was_sent else "reminded today already")
        typer.echo(f"{email}\t{state}\t{overdue} overdue, {soon} due soon")
    if not lines:
        _err("Nobody is behind: no reminders.")


NewName = Annotated[str | None, typer.Option("--name", help="Their name, if Ting does not "
                                            "know them yet.")]


def _grant(grant: Callable[..., tuple[User, bool]], email: str, name: str | None,
           granted: str) -> None:
    """Give a person a right through its service (adding them if Ting does not know them)."""
    engine = _ready_engine(get_settings())
    try:
        with ting_db.unit_of_work(engine) as session:
            user, created = grant(session, email=email, name=name)
            address = user.email
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    typer.echo(f"{address} {granted}" + (" (added to Ting)." if created else "."))


@admin_cli.command("create")
def admin_create(email: str, name: NewName = None) -> None:
    """Make EMAIL a site admin, who sees every cohort (and signs in like anyone else)."""
    _grant(auth_service.make_admin, email, name, "is now a site admin")


@admin_cli.command("grant-author")
def admin_grant_author(email: str, name: NewName = None) -> None:
    """Let EMAIL publish programmes and cohorts (from the browser, the API or `ting publish`)."""
    _grant(auth_service.grant_author, email, name, "may now publish programmes and cohorts")


@admin_cli.command("revoke-author")
def admin_revoke_author(email: str) -> None:
    """EMAIL publishes no more; what they published stays."""
    engine = _ready_engine(get_settings())
    try:
        with ting_db.unit_of_work(engine) as session:
            address = auth_service.revoke_author(session, email=email).email
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    typer.echo(f"{address} no longer publishes programmes and cohorts.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration up to the newest."""
    engine = _engine(get_settings())
    ting_db.upgrade(engine)
    typer.echo(f"Database schema is at revision {ting_db.current_revision(engine)}.")


@cli.command("forum-digests")
def forum_digests() -> None:
    """Queue the forum's daily digests now (a running server with mail does this by itself
    every 15 minutes; nobody gets more than one a day)."""
    from app.main import forum_digests as send_digests  # the server's own pass (loads the web app)

    settings = get_settings()
    sent = send_digests(ting_db.session_factory(_ready_engine(settings)), settings)
    typer.echo(f"{sent} forum digest(s) queued.")


@cli.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """A consistent copy of a running SQLite database, checked before it is kept (PostgreSQL:
    use pg_dump)."""
    settings = get_settings()
    engine = _engine(settings)
    source = ting_db.sqlite_path(engine)
    if engine.dialect.name != "sqlite":
        _err(f"This database is PostgreSQL; back it up with pg_dump, for example:\n"
             f"  pg_dump --format=custom --file {file} '{_shown_url(engine)}'")
        raise typer.Exit(1)
    if source is None or not source.exists():
        _err(f"There is no database file to back up at {source}.")
        raise typer.Exit(1)
    if file.exists() and not force:
        _err(f"{file} exists already; choose another name or add --force.")
        raise typer.Exit(1)
    try:
        made = backups.back_up(source, file, known_revisions=ting_db.known_revisions())
    except backups.BackupProblem as exc:
        _err(f"The copy failed its check, so nothing was kept: {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"Backed up {source} to {file}: {made.rows} rows in {len(made.tables)} tables, "
               f"schema {made.revision}; SQLite's integrity check passed.")


@cli.command()
def restore(
    file: Annotated[Path, typer.Argument(help="A copy made by 'ting backup'.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the database that is there "
                                        "now (everything in it).")] = False,
) -> None:
    """Put a backup in place of the SQLite database (PostgreSQL: use pg_restore). The copy is
    checked first; a database that is there already is replaced only with --force."""
    settings = get_settings()
    engine = _engine(settings)
    target = ting_db.sqlite_path(engine)
    if target is None:
        _err("This database is PostgreSQL; restore a pg_dump copy with pg_restore, for "
             f"example:\n  pg_restore --clean --if-exists --dbname '{_shown_url(engine)}' {file}")
        raise typer.Exit(1)
    if not file.is_file():
        _err(f"There is no backup at {file}.")
        raise typer.Exit(1)
    try:
        restored = backups.restore(file, target, known_revisions=ting_db.known_revisions(),
                                   force=force)
    except backups.BackupProblem as exc:
        _err(str(exc))
        raise typer.Exit(1) from None
    typer.echo(f"Restored {file} to {target}: {restored.rows} rows in {len(restored.tables)} "
               f"tables, schema {restored.revision}. Start the server (it migrates the schema "
               "if the copy is older).")


@cli.command("export")
def export(
    cohort: Annotated[str | None, typer.Argument(help="The cohort's id.")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Instead, everything about "
                                               "one person (a data request), in every cohort.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="The file (default: print it).")] = None,
) -> None:
    """A cohort's whole record (people, progress, posts, forum, groups, pitches, pilots, and
    the votes each group received) as one JSON archive; or, with --person, one person's."""
    if (cohort is None) == (person is None):
        _err("Name a cohort, or give --person EMAIL (not both).")
        raise typer.Exit(1)
    engine = _ready_engine(get_settings())
    try:
        with ting_db.unit_of_work(engine, commit=False) as session:
            archive = (archives.export_cohort(session, cohort_key=cohort) if cohort is not None
                       else archives.export_person(session, email=person or ""))
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    text = json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    counts = ", ".join(f"{n} {name}" for name, n in archives.rows_of(archive))
    typer.echo(f"Wrote {out}: {counts or 'no rows'}.")


@cli.command("import-archive")
def import_archive(
    file: Annotated[Path, typer.Argument(help="A cohort's archive, from 'ting export'.")],
) -> None:
    """Recreate a cohort from its archive (moving it from another server). Import its
    programme's YAML first; people are matched by address, or added."""
    engine = _ready_engine(get_settings())
    try:
        archive = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _err(f"Cannot read {file} as a Ting archive: {exc}")
        raise typer.Exit(1) from None
    if not isinstance(archive, dict):
        _err(f"{file} is not a Ting archive.")
        raise typer.Exit(1)
    try:
        with ting_db.unit_of_work(engine) as session:
            added = archives.import_archive(session, archive=archive)
    except archives.ArchiveProblem as exc:
        _err(f"{exc} Nothing was imported.")
        raise typer.Exit(1) from None
    counts = ", ".join(f"{n} {name}" for name, n in added.items())
    typer.echo(f"Imported cohort {archive['scope']['cohort']}: {counts}.")


@cli.command()
def forget(
    email: Annotated[str, typer.Argument(help="The person's e-mail address.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask first.")] = False,
) -> None:
    """Anonymise a person: their name, address, words and ways of signing in go; their rows
    stay, so every figure stays right. It cannot be undone."""
    if not yes:
        typer.confirm(f"Forget {email} for good? Their name, address and words cannot be "
                      "brought back.", abort=True)
    engine = _ready_engine(get_settings())
    try:
        with ting_db.unit_of_work(engine) as session:
            done = archives.forget(session, email=email)
    except DomainError as exc:
        _err(exc.detail)
        raise typer.Exit(1) from None
    shown = ", ".join(f"{name}: {n}" for name, n in sorted(done.items()))
    typer.echo(f"Forgotten: {email} is now a former participant, with every figure kept"
               f"{f' ({shown} changed)' if shown else ''}. Take them out of the cohort files "
               "too, or the next import adds them again.")


def _shown_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True).replace("+psycopg", "")


def main() -> None:
    try:
        cli()
    except ConfigurationError as exc:
        _err(str(exc))
        sys.exit(1)


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Make new signing keys for badges (Ed25519 and RSA); earlier keys stay published, so what they signed
    still verifies. Keys are kept in TING_BADGE_KEY_FILE when it is set, else in the database."""
    settings = get_settings()
    engine = _ready_engine(settings)
    with ting_db.unit_of_work(engine) as session:
        signing, rsa = badge_keys.rotate(session, key_file=settings.badge_key_file)
        count = len(badge_keys.all_keys(session, key_file=settings.badge_key_file)) + len(
            badge_keys.jwt_keys(session, key_file=settings.badge_key_file))
    where = settings.badge_key_file or "the database"
    typer.echo(f"New badge keys {signing.multibase} (Data Integrity) and {rsa.public_id} "
               f"(VC-JWT), in {where}; they sign from now on. "
               f"{count} key(s) published in the issuer's DID document.")
