"""Chat models behind one seam; see ``base.ChatModel`` and ``factory.chat_model``."""

from assistant.llm.base import ChatModel, LLMError, Message

__all__ = ["ChatModel", "LLMError", "Message"]
