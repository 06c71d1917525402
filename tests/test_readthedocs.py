"""The Read the Docs configuration is valid and builds what the site promises."""

from __future__ import annotations

import json

import jsonschema
import yaml

from conftest import REPO

SCHEMA = REPO.parent / "shared" / "specs" / "readthedocs-config-v2.schema.json"


def config() -> dict:
    return yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))


def test_config_validates_against_the_published_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(config(), schema)


def test_config_builds_html_pdf_and_epub_from_conf_py_failing_on_warnings():
    rtd = config()
    assert rtd["version"] == 2
    assert rtd["sphinx"] == {
        "configuration": "docs/conf.py",
        "builder": "html",
        "fail_on_warning": True,
    }
    assert sorted(rtd["formats"]) == ["epub", "pdf"]
    assert rtd["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]


def test_an_invalid_config_is_rejected():
    # the check above means something: the schema does reject a bad config
    bad = config() | {"formats": ["pdf", "docx"]}
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown format")


def test_docs_dependencies_are_pinned():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    docs = project["project"]["optional-dependencies"]["docs"]
    assert docs and all("==" in requirement for requirement in docs), docs
