"""The chat model providers: OpenAI and OpenAI-compatible servers, a local GGUF file."""
