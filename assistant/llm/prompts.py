"""Prompts are data: ``prompts/*.yaml`` files, validated at load, rendered in a sandbox.

Each file declares its variables; a template that uses an undeclared variable, a declared
variable no template uses, an unknown key or an example with the wrong inputs is an error
at load time, and rendering with a missing or unexpected variable is an error too.
Templates run in Jinja's ``SandboxedEnvironment`` with ``StrictUndefined``.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.llm.base import Message
from assistant.resources import prompts_dir

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class PromptError(ValueError):
    """A prompt file is invalid, or was rendered with the wrong variables."""


class Example(BaseModel):
    """A few-shot example: the template's inputs and the reply the model should give."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: dict[str, str] = Field(description="A value for every declared variable.")
    output: str = Field(min_length=1, description="The ideal reply.")


def _used_variables(source: str) -> set[str]:
    return set(meta.find_undeclared_variables(_ENV.parse(source)))


class Prompt(BaseModel):
    """One prompt: system text, a user template, its variables, version and examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]+$", description="The file name without .yaml.")
    version: int = Field(ge=1, description="Bumped on every change; recorded with outputs.")
    description: str = Field(min_length=1, description="What the prompt is for.")
    system: str = Field(min_length=1, description="System message (Jinja template).")
    template: str = Field(min_length=1, description="User message (Jinja template).")
    variables: list[str] = Field(description="Every variable the templates use.")
    examples: list[Example] = Field(default_factory=list, description="Few-shot examples.")

    @model_validator(mode="after")
    def _variables_match(self) -> Prompt:
        try:
            used = _used_variables(self.system) | _used_variables(self.template)
        except TemplateError as exc:
            raise ValueError(f"template syntax error: {exc}") from exc
        declared = set(self.variables)
        if used - declared:
            raise ValueError(f"templates use undeclared variables {sorted(used - declared)}")
        if declared - used:
            raise ValueError(f"declared variables no template uses: {sorted(declared - used)}")
        for number, example in enumerate(self.examples, 1):
            if set(example.input) != declared:
                raise ValueError(f"example {number} must give exactly {sorted(declared)}")
        return self

    def _render(self, source: str, values: dict[str, Any]) -> str:
        return _ENV.from_string(source).render(**values).strip()

    def messages(self, **values: Any) -> list[Message]:
        """System message, the few-shot examples as turns, then the rendered request."""
        missing = set(self.variables) - set(values)
        unexpected = set(values) - set(self.variables)
        if missing or unexpected:
            raise PromptError(
                f"prompt {self.id!r}: missing {sorted(missing)}, unexpected {sorted(unexpected)}"
            )
        try:
            result = [Message(role="system", content=self._render(self.system, values))]
            for example in self.examples:
                result.append(
                    Message(role="user", content=self._render(self.template, example.input))
                )
                result.append(Message(role="assistant", content=example.output.strip()))
            result.append(Message(role="user", content=self._render(self.template, values)))
        except TemplateError as exc:
            raise PromptError(f"prompt {self.id!r} failed to render: {exc}") from exc
        return result


def load_prompt_file(text: str, prompt_id: str) -> Prompt:
    try:
        data = yaml.safe_load(text)
        if not isinstance(data, dict):
            raise PromptError(f"prompt {prompt_id!r} is not a YAML mapping")
        prompt = Prompt.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise PromptError(f"prompt {prompt_id!r} is invalid: {exc}") from exc
    if prompt.id != prompt_id:
        raise PromptError(f"prompt file {prompt_id}.yaml declares id {prompt.id!r}")
    return prompt


@cache
def prompt(prompt_id: str) -> Prompt:
    path = prompts_dir() / f"{prompt_id}.yaml"
    if not path.exists():
        raise PromptError(f"no prompt file {path}")
    return load_prompt_file(path.read_text(encoding="utf-8"), prompt_id)


def validate_all() -> list[str]:
    problems = []
    for path in sorted(prompts_dir().glob("*.yaml")):
        try:
            load_prompt_file(path.read_text(encoding="utf-8"), path.stem)
        except PromptError as exc:
            problems.append(str(exc))
    return problems


if __name__ == "__main__":
    errors = validate_all()
    for error in errors:
        print(error, file=sys.stderr)
    print("prompts valid" if not errors else f"{len(errors)} prompt(s) invalid")
    sys.exit(1 if errors else 0)
