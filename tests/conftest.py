"""Fixtures every test may use live in tests/fixtures; this file only registers them."""

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.mail", "tests.fixtures.memory"]
