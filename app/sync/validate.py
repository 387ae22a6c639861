"""Validate a set of YAML files as one import: every problem at once, in file order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from app import limits
from app.sync.cohorts import (
    COHORT_KEYS,
    CohortSpec,
    ProgramFacts,
    check_against_program,
    read_cohort,
)
from app.sync.files import NotAFile, TooLarge, read_limited, too_large
from app.sync.programs import PROGRAM_KEYS, ProgramSpec, read_program
from app.sync.reader import Position, Problem, Source, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
LookupProgram = Callable[[str], ProgramFacts | None]


@dataclass
class Bundle:
    programs: list[ProgramSpec] = field(default_factory=list)
    cohorts: list[CohortSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def program_keys(self) -> set[str]:
        """The programmes the files touch: their own, and those their cohorts run."""
        return {p.key for p in self.programs} | {c.program for c in self.cohorts if c.program}


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, and the YAML files below any directory given, in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), 0, 0, "no .yaml files in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, 0, "no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, problems


def validate_paths(paths: Iterable[Path], *, lookup: LookupProgram | None = None) -> Bundle:
    files, problems = expand_paths(paths)
    sources = []
    for path in files:
        try:
            text = read_limited(path, limits.YAML_FILE_BYTES).decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(str(path), 1, 1, "not UTF-8 text; save the file as UTF-8"))
            continue
        except TooLarge as exc:
            problems.append(Problem(str(path), 0, 0, too_large(exc.size, limits.YAML_FILE_BYTES)))
            continue
        except NotAFile:
            problems.append(Problem(str(path), 0, 0, "cannot read: not a regular file"))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), 0, 0, f"cannot read: {exc.strerror}"))
            continue
        sources.append((path, str(path), text))
    bundle = validate_texts(sources, lookup=lookup)
    bundle.problems = sorted(problems + bundle.problems)
    return bundle


def validate_texts(
    sources: Iterable[tuple[Path, str, str]], *, lookup: LookupProgram | None = None
) -> Bundle:
    """Validate (path, shown name, text) triples. Programmes are read before cohorts."""
    bundle = Bundle()
    cohort_inputs: list[tuple[Source, Node, dict[str, Node], Path]] = []
    program_ids: dict[str, Position] = {}
    program_ids_seen: set[str] = set()  # every programme id written, valid file or not
    for path, shown, text in sources:
        size = len(text.encode("utf-8", "surrogatepass"))  # as a file, in bytes: the same rule
        if size > limits.YAML_FILE_BYTES:
            bundle.problems.append(Problem(shown, 0, 0, too_large(size, limits.YAML_FILE_BYTES)))
            continue
        src = Source(shown)
        root, syntax = parse_yaml(text, shown)
        bundle.problems.extend(syntax)
        if root is None:
            continue
        kind = _read_kind(src, root)
        if kind == "program":
            keys = src.mapping(root, "", required=("kind", "id", "title", "things"),
                               optional=PROGRAM_KEYS)
            program = read_program(src, root, keys, path) if keys is not None else None
            written_id = keys.get("id") if keys else None
            if isinstance(written_id, ScalarNode):
                program_ids_seen.add(written_id.value.strip())
            if program is not None:
                if program.key in program_ids:
                    src.error(root, "id", f"programme '{program.key}' is also defined at "
                                          f"{program_ids[program.key]}")
                else:
                    program_ids[program.key] = program.position
                    bundle.programs.append(program)
        elif kind == "cohort":
            keys = src.mapping(root, "", optional=COHORT_KEYS, required=(
                "kind", "id", "program", "title", "timezone", "starts", "ends"))
            if keys is not None:
                cohort_inputs.append((src, root, keys, path))
        bundle.problems.extend(src.problems)

    facts = {p.key: facts_of(p) for p in bundle.programs}
    # programmes in these files that have problems: their cohorts are not checked against them
    broken_programs = set(program_ids_seen) - set(facts)
    cohort_ids: dict[str, Position] = {}
    for src, root, keys, path in cohort_inputs:
        src.problems = []
        cohort, read_ok = read_cohort(src, root, keys, path)
        bundle.problems.extend(src.problems)
        if cohort.key and cohort.key in cohort_ids:
            bundle.problems.append(Problem(cohort.file, cohort.position.line, cohort.position.col,
                                           f"id: cohort '{cohort.key}' is also defined at "
                                           f"{cohort_ids[cohort.key]}"))
            continue
        if cohort.key:
            cohort_ids[cohort.key] = cohort.position
        if not cohort.program:
            continue  # already reported: no programme to check against
        runs = facts.get(cohort.program) or (lookup(cohort.program) if lookup else None)
        if runs is None:
            pos = cohort.program_position
            why = (f"programme '{cohort.program}' has problems (above); this cohort is checked "
                   "against it once they are fixed" if cohort.program in broken_programs
                   else f"no programme '{cohort.program}' in these files or in the database")
            bundle.problems.append(Problem(pos.file, pos.line, pos.col, f"program: {why}"))
            continue
        more = check_against_program(cohort, runs)
        bundle.problems.extend(more)
        if read_ok and not more:
            bundle.cohorts.append(cohort)
    bundle.problems.sort()
    return bundle


def facts_of(program: ProgramSpec) -> ProgramFacts:
    return ProgramFacts(
        key=program.key,
        things={t.key: (t.opens, t.due) for t in program.things},
        groups_max_size=program.groups_max_size,
    )


def _read_kind(src: Source, root: Node) -> str | None:
    if not isinstance(root, MappingNode):
        src.error(root, "", "expected a mapping starting with 'kind: program' or 'kind: cohort'")
        return None
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) == "kind":
            return src.choice(value_node, "kind", ("program", "cohort"))
    src.error(root, "", "missing required key 'kind' (program or cohort)")
    return None
