"""Interview, drafting and critique with a (scripted) model: validated, grounded, and offline
whenever the model fails."""

from __future__ import annotations

import json
from typing import Any

from assistant.app.services import Services
from assistant.capabilities.critique.assisted import ModelCritic
from assistant.capabilities.critique.critic import critique_map
from assistant.capabilities.drafting.assisted import Tailor
from assistant.capabilities.drafting.draft import draft_map
from assistant.capabilities.interview.assisted import ModelUnderstanding
from assistant.capabilities.interview.interviewer import Interviewer, InterviewState
from assistant.domain import InterviewAnswers, PersonaAnswers
from assistant.llm.base import LLMError
from assistant.llm.budget import UsageMeter
from assistant.retrieval.documents import Document
from assistant.settings import Settings
from tests.fakes import ScriptedModel, competent
from tests.maps import good_map

SETTINGS = Settings(llm_structured_attempts=2)


def _answers(**extra: Any) -> InterviewAnswers:
    values: dict[str, Any] = {
        "language": "en",
        "business": "A bakery in Tartu",
        "pain_points": ["long queue"],
        "persona": PersonaAnswers(who="Mari, 35"),
        "evidence": ["interviews"],
    }
    return InterviewAnswers(**{**values, **extra})


def test_tailoring_keeps_the_persons_facts_and_marks_the_models() -> None:
    draft = draft_map(_answers())
    tailor = Tailor(ScriptedModel(default=competent), SETTINGS, UsageMeter(), critique_map)
    tailored = tailor.tailor(draft, _answers(), [])
    purchase = next(s for s in tailored.stages if "long queue" in [p.text for p in s.pain_points])
    kinds = {p.text: p.provenance.kind for p in purchase.pain_points}
    assert kinds["long queue"] == "user"
    assert kinds[f"Tailored pain at {purchase.key}"] == "llm"  # evidence 1 points at nothing here
    fix = next(o for o in purchase.opportunities if o.addresses == "long queue")
    assert fix.owner and fix.metric  # the fix for the person's pain survives tailoring
    assert purchase.emotion.score < 0
    assert [s.key for s in tailored.stages] == [s.key for s in draft.stages]


def test_tailoring_cites_the_persons_own_research(fresh_services: Any) -> None:
    note = "Office customers told us the queue at the counter makes them late for work."
    fresh_services.ingest(
        [
            Document(
                doc_id="user/interviews.md",
                title="Office interviews",
                lang="en",
                text=note,
                collection="user",
            )
        ]
    )
    wired = Services(fresh_services.settings, model=ScriptedModel(default=competent))
    wired.__dict__["index"] = fresh_services.index
    drafted = wired.draft(_answers(pain_points=["queue at the counter"]))
    journey, notices, usage = drafted.value, drafted.notices, drafted.usage
    assert notices == [] and journey.mode == "llm" and usage.tokens_in > 0
    evidence = [p for s in journey.stages for p in s.pain_points if p.provenance.kind == "evidence"]
    assert evidence and evidence[0].provenance.source is not None
    assert evidence[0].provenance.source.doc_id == "user/interviews.md"


def test_critical_findings_get_one_revision() -> None:
    answers = _answers(persona=PersonaAnswers(who="Mari and Jaan"))
    draft = draft_map(answers)
    assert any(f.severity == "critical" for f in critique_map(draft).findings)
    model = ScriptedModel(default=competent)
    Tailor(model, SETTINGS, UsageMeter(), critique_map).tailor(draft, answers, [])
    assert len(model.history) == 2
    assert (
        "one persona" in model.history[1][-1].content.lower()
        or "personas" in model.history[1][-1].content
    )


def test_draft_falls_back_offline_with_a_notice(services: Any) -> None:
    wired = Services(services.settings, model=ScriptedModel(LLMError("server down"), "x"))
    drafted = wired.draft(InterviewAnswers(business="A shop"))
    journey, notices = drafted.value, drafted.notices
    assert journey.mode == "offline" and len(journey.stages) == 5
    assert "server down" in notices[0].message


def test_model_critique_with_an_unknown_guideline_is_reasked() -> None:
    bad = json.dumps(
        {
            "findings": [
                {"guideline_id": "be-nice", "message": "Too generic.", "suggestion": "Be specific."}
            ]
        }
    )
    model = ScriptedModel(bad, default=competent)
    report = ModelCritic(model, SETTINGS, UsageMeter()).review(good_map(), critique_map(good_map()))
    assert "unknown guideline id 'be-nice'" in model.history[1][-1].content
    added = [f for f in report.findings if f.origin == "llm"]
    assert [f.guideline_id for f in added] == ["customer-language"]
    assert report.score == critique_map(good_map()).score  # the rules alone set the score


def test_model_reads_free_text_into_several_slots() -> None:
    understanding = ModelUnderstanding(ScriptedModel(default=competent), SETTINGS, UsageMeter())
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True), understanding)
    interviewer.start()
    turn = interviewer.reply("We bake for offices in Tartu, people order on our website or call")
    answers = interviewer.state.answers
    assert answers.business.startswith("A bakery in Tartu")
    assert answers.model == "b2b" and answers.channels == ["website", "phone"]
    assert {"model", "channels"} <= set(interviewer.state.settled)
    assert "Which channels" in turn.message or "?" in turn.message


def test_interview_reads_offline_when_the_model_fails() -> None:
    garbage = ScriptedModel(default=lambda _: "garbage")
    understanding = ModelUnderstanding(garbage, SETTINGS, UsageMeter())
    interviewer = Interviewer(InterviewState(lang="en", lang_fixed=True), understanding)
    interviewer.start()
    turn = interviewer.reply("An online shop for board games, selling to consumers")
    assert interviewer.state.answers.business.startswith("An online shop")
    assert interviewer.state.answers.model == "b2c"  # read offline from the cue words
    assert turn.notices  # the model failed: said once, read offline
