"""Pick the chat model the settings ask for; ``None`` means the offline engine."""

from __future__ import annotations

from assistant.llm.base import ChatModel
from assistant.settings import Settings


def chat_model(settings: Settings) -> ChatModel | None:
    """A local GGUF file wins, then an OpenAI-compatible server or OpenAI itself."""
    if settings.llm_gguf:
        from assistant.llm.providers.local_gguf import LocalGGUF

        return LocalGGUF(settings)
    if settings.llm_base_url or settings.llm_api_key:
        from assistant.llm.cooldown import Cooldown
        from assistant.llm.providers.openai_chat import OpenAIChat

        model = OpenAIChat(settings)
        return Cooldown(model, settings.llm_cooldown_s) if settings.llm_cooldown_s else model
    return None


def mode_label(model: ChatModel | None) -> str:
    """What the UI badge says: ``Offline`` or the model's name."""
    return "Offline" if model is None else model.name
