"""A production install (`pip install .`, as the container image does) has only the runtime
dependencies of pyproject.toml, not the dev ones the tests run with. So every module of the app
must import, and the app must build, with nothing else: a package the app needs that only the
dev dependencies bring in would work in every test and fail in production."""

from __future__ import annotations

import importlib.metadata as metadata
import json
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from app.config import ROOT

# Imports every module of `app`, migrates a new database and builds the app, with the modules
# of the packages named in argv[1] made unimportable, as if they were not installed.
WITHOUT = r"""
import importlib, json, pkgutil, sys

absent = set(json.loads(sys.argv[1]))

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in absent:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
import app
for module in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(module.name)
import os
from app.db import make_engine, upgrade
from app.main import create_app
upgrade(make_engine(os.environ["TING_DATABASE_URL"]))  # the migrations' imports too
create_app()
print("built")
"""


def runtime_distributions() -> set[str]:
    """pyproject.toml's runtime requirements, with theirs, and so on (extras asked for
    included), as installed here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    waiting = [Requirement(line) for line in project["dependencies"]]
    found = {canonicalize_name(project["name"])}  # the app itself
    seen: set[tuple[str, frozenset[str]]] = set()
    while waiting:
        requirement = waiting.pop()
        key, extras = canonicalize_name(requirement.name), frozenset(requirement.extras)
        if (key, extras) in seen or not _installed(key):
            continue
        seen.add((key, extras))
        found.add(key)
        for line in metadata.requires(key) or []:
            needed = Requirement(line)
            if needed.marker is None or any(
                    needed.marker.evaluate({"extra": extra}) for extra in extras | {""}):
                waiting.append(needed)
    return found


def _installed(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False  # a requirement for another platform or Python
    return True


def test_the_app_imports_and_builds_with_its_runtime_dependencies_alone(tmp_path) -> None:
    runtime = runtime_distributions()
    dev_only = sorted(module for module, distributions in metadata.packages_distributions().items()
                      if not any(canonicalize_name(d) in runtime for d in distributions))
    # what only the tests and benchmarks use is among what is taken away
    assert {"pytest", "playwright", "hypothesis", "aiohttp"} <= set(dev_only)

    # run elsewhere than the checkout: a .env file there must not set anything
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT, json.dumps(dev_only)], cwd=tmp_path, capture_output=True,
        text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TING_SECRET_KEY": "s" * 48,
             "TING_DATABASE_URL": f"sqlite:///{tmp_path / 'ting.db'}"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("built")
