"""Keep the registries honest: every setting is documented, every skill is tested and listed."""

from __future__ import annotations

import ast
import re
import tomllib

from pydantic import BaseModel

from bot.settings import Settings
from skills import SKILLS
from tests.conftest import ROOT


def _fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        if name == "config_dir":
            continue
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out |= _fields(field.annotation, f"{prefix}{name}.")
        else:
            out.add(f"{prefix}{name}")
    return out


def _toml_keys(data: dict, prefix: str = "") -> set[str]:  # type: ignore[type-arg]
    out = set()
    for key, value in data.items():
        out |= _toml_keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
    return out


def test_every_setting_is_in_config_toml_and_nothing_else() -> None:
    config = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    assert _toml_keys(config) == _fields(Settings)


def test_config_toml_values_are_the_defaults() -> None:
    config = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    defaults = Settings.model_construct()
    for section, values in config.items():
        for key, value in values.items():
            default = getattr(getattr(defaults, section), key)
            default = default.get_secret_value() if hasattr(default, "get_secret_value") else default
            assert str(default) == str(value), f"{section}.{key}: config.toml says {value!r}, the code {default!r}"


def test_every_skill_has_its_test_file_and_a_readme_line() -> None:
    """A README line, and tests/skills/test_<name>.py with a real test: one whose body checks the
    skill's own intent (or uses its class), not merely the name mentioned somewhere."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for skill in SKILLS:
        assert re.search(rf"^\| `{skill.name}` \|", readme, re.M), f"README has no line for {skill.name}"
        path = ROOT / "tests" / "skills" / f"test_{skill.name}.py"
        assert path.exists(), f"no test file for the {skill.name} skill: {path}"
        source = path.read_text(encoding="utf-8")
        bodies = [ast.get_source_segment(source, node) or "" for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
        intent = {"fallback": "unknown"}.get(skill.name, skill.name)  # the fallback answers "I don't know"
        assert any(f'"{intent}"' in body or type(skill).__name__ in body for body in bodies), \
            f"{path.name} has no test that checks the {skill.name} skill's intent"


def test_readme_commands_are_the_ci_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    assert re.search(r"^make test$", ci, re.M)


def test_the_schema_head_constant_is_the_newest_migration() -> None:
    from bot.db import SCHEMA_HEAD
    from bot.migrate import head

    assert head() == SCHEMA_HEAD
