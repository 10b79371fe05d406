"""The evaluation datasets: typed cases and their loaders (eval/datasets/).

Retrieval is BEIR-style (queries.jsonl + qrels.tsv); QA is JSONL; drafts, critique and
injection are YAML with a ``version``; insights are research files with labels.yaml per
language. A malformed file is a ``DatasetError`` naming the file
and line, never a traceback.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.catalog.roles import Role
from assistant.domain import LANGS, InterviewAnswers, JourneyRole, Lang
from assistant.resources import resource_dir


class DatasetError(ValueError):
    """A dataset file is missing or malformed; the message says which and where."""


def datasets_dir() -> Path:
    return resource_dir("eval") / "datasets"


class RetrievalCase(BaseModel):
    id: str = Field(description="Query id.")
    text: str = Field(description="The query as a person types it.")
    lang: Lang = Field(description="Language the query is written in.")
    target_lang: Lang = Field(description="Language of the passages wanted.")
    relevant: dict[str, int] = Field(description="Document id -> graded relevance (1 or 2).")


class Fact(BaseModel):
    id: str = Field(description="Fact id within the case.")
    any_of: list[str] = Field(min_length=1, description="Phrases any one of which shows it.")


class QACase(BaseModel):
    id: str = Field(description="Case id.")
    question: str = Field(description="The question.")
    lang: Lang = Field(description="The question's (and the answer's) language.")
    answerable: bool = Field(default=True, description="False: the KB does not cover it.")
    facts: list[Fact] = Field(default_factory=list, description="What a good answer holds.")


class DraftExpectations(BaseModel):
    pain_points: dict[str, list[int]] = Field(
        default_factory=dict,
        description="Pain point -> acceptable stage positions (0-based), for scenarios whose "
        "stages the person named.",
    )
    pain_roles: dict[str, list[Role]] = Field(
        default_factory=dict,
        description="Pain point -> the journey roles it is about (knowledge/roles.yaml), for "
        "scenarios whose stages Polku chooses: right when the stage it lands on holds one.",
    )
    channels: list[str] = Field(default_factory=list, description="Channels that must appear.")
    concepts: list[list[str]] = Field(
        default_factory=list,
        description="What a map of this trade should talk about: each entry is words any one "
        "of which shows the concept in the suggested items (lower case, word starts).",
    )
    forbidden: list[str] = Field(
        default_factory=list,
        description="Words of other trades that must not appear in any suggested item.",
    )


class DraftScenario(BaseModel):
    id: str = Field(description="Scenario id.")
    industry: str = Field(description="Industry label, for the diversity metric.")
    lang: Lang = Field(description="The person's language.")
    segment: Literal["b2b", "b2c"] = Field(description="B2B or B2C.")
    answers: InterviewAnswers = Field(description="What the person said in the interview.")
    expect: DraftExpectations = Field(default_factory=DraftExpectations)


class CritiqueCase(BaseModel):
    id: str = Field(description="Case id.")
    file: str = Field(description="Map file under critique/.")
    format: Literal["md", "csv", "json"] = Field(description="The file's format.")
    lang: Lang = Field(description="The map's language.")
    good: bool = Field(default=False, description="A well-made map (no seeded flaws).")
    flaws: list[str] = Field(default_factory=list, description="Seeded guideline ids.")
    also_ok: list[str] = Field(
        default_factory=list, description="Guideline ids a critic may also raise here."
    )
    note: str = Field(default="", description="What was seeded, for people.")
    text: str = Field(default="", description="The map's text (loaded from ``file``).")


class InjectionCase(BaseModel):
    id: str = Field(description="Case id.")
    file: str = Field(description="Poisoned document under injection/.")
    lang: Lang = Field(description="The document's language.")
    canary: str = Field(min_length=6, description="A string only a compromised answer prints.")
    role_marker: str | None = Field(default=None, description="What a hijacked role would say.")
    question: str = Field(description="A question that retrieves the document.")
    path: Path | None = Field(default=None, description="The document (set at load).")


class Place(BaseModel):
    """Where a labelled statement is: a spreadsheet row (and column), or a line/paragraph."""

    model_config = ConfigDict(extra="forbid")
    row: int | None = Field(default=None, ge=2, description="Spreadsheet row (header = 1).")
    column: str | None = Field(default=None, description="The column's header text.")
    line: int | None = Field(default=None, ge=1, description="Line (or docx paragraph).")

    @property
    def number(self) -> int:
        return self.row if self.row is not None else self.line or 0


class LabelledTheme(BaseModel):
    """A theme a careful reader finds, with every place that says it."""

    model_config = ConfigDict(extra="forbid")
    id: str
    kind: Literal["pain", "gain", "need"]
    role: JourneyRole
    summary: str
    respondents: int = Field(ge=1)
    locations: list[Place] = Field(min_length=1)


class InsightCorpus(BaseModel):
    """One research file and the themes labelled by reading it."""

    model_config = ConfigDict(extra="forbid")
    file: str
    split: Literal["test", "dev"]
    business: str
    kind_of_research: Literal["reviews", "survey", "interviews", "tickets"]
    respondents: int = Field(ge=1)
    injections: list[Place] = Field(default_factory=list)
    formulas: list[Place] = Field(default_factory=list)
    themes: list[LabelledTheme]
    lang: Lang = "en"  # set at load from the folder
    path: Path | None = None  # set at load


def _json_lines(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return rows


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DatasetError(f"{path} is missing") from exc


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(_read(path))
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: expected a mapping with 'version' and the cases")
    return data


def _validate(model: type[BaseModel], row: Any, where: str) -> Any:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise DatasetError(f"{where}: {problems}") from exc


def load_retrieval(root: Path) -> list[RetrievalCase]:
    folder = root / "retrieval"
    relevant: dict[str, dict[str, int]] = {}
    with (folder / "qrels.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            relevant.setdefault(row["query-id"], {})[row["corpus-id"]] = int(row["score"])
    cases = []
    for row in _json_lines(folder / "queries.jsonl"):
        meta = row.get("metadata", {})
        case = {
            "id": row.get("_id"),
            "text": row.get("text"),
            "lang": meta.get("lang"),
            "target_lang": meta.get("target_lang", meta.get("lang")),
            "relevant": relevant.get(str(row.get("_id")), {}),
        }
        cases.append(_validate(RetrievalCase, case, f"{folder / 'queries.jsonl'} {row.get('_id')}"))
    return cases


def load_qa(root: Path) -> list[QACase]:
    path = root / "qa.jsonl"
    return [_validate(QACase, row, f"{path} {row.get('id')}") for row in _json_lines(path)]


def load_drafts(root: Path) -> list[DraftScenario]:
    path = root / "drafts.yaml"
    rows = _yaml(path).get("scenarios", [])
    return [_validate(DraftScenario, row, f"{path} {row.get('id')}") for row in rows]


def load_critique(root: Path) -> list[CritiqueCase]:
    path = root / "critique.yaml"
    cases = []
    for row in _yaml(path).get("cases", []):
        case = _validate(CritiqueCase, row, f"{path} {row.get('id')}")
        case.text = _read(root / "critique" / case.file)
        cases.append(case)
    return cases


def critique_date(root: Path) -> date | None:
    """The date critique.yaml's maps are judged on (so dated maps do not go stale)."""
    value = _yaml(root / "critique.yaml").get("today")
    return value if isinstance(value, date) else None


def load_injection(root: Path) -> list[InjectionCase]:
    path = root / "injection.yaml"
    cases = []
    for row in _yaml(path).get("cases", []):
        case = _validate(InjectionCase, row, f"{path} {row.get('id')}")
        case.path = root / "injection" / case.file
        if not case.path.is_file():
            raise DatasetError(f"{path} {case.id}: {case.path} is missing")
        cases.append(case)
    return cases


def load_insights(root: Path, split: str = "test") -> list[InsightCorpus]:
    """The labelled research corpora of every language (``insights/<lang>/labels.yaml``)."""
    corpora = []
    for lang in LANGS:
        path = root / "insights" / lang / "labels.yaml"
        for row in _yaml(path).get("corpora", []):
            corpus = _validate(InsightCorpus, row, f"{path} {row.get('file')}")
            corpus.lang, corpus.path = lang, path.parent / corpus.file
            if not corpus.path.is_file():
                raise DatasetError(f"{path}: {corpus.path} is missing")
            if corpus.split == split:
                corpora.append(corpus)
    return corpora


def dataset_versions(root: Path) -> dict[str, Any]:
    """Each YAML dataset's ``version`` plus the line counts of the JSONL ones."""
    versions: dict[str, Any] = {}
    for name in ("drafts", "critique", "injection"):
        path = root / f"{name}.yaml"
        versions[name] = _yaml(path).get("version") if path.exists() else None
    labels = {
        lang: _yaml(root / "insights" / lang / "labels.yaml").get("version")
        for lang in LANGS
        if (root / "insights" / lang / "labels.yaml").exists()
    }
    versions["insights"] = labels or None
    for name, path in (
        ("retrieval", root / "retrieval" / "queries.jsonl"),
        ("qa", root / "qa.jsonl"),
    ):
        versions[name] = f"{len(_json_lines(path))} cases" if path.exists() else None
    return versions
