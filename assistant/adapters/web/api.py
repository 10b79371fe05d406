"""The REST API: ``create_api(services)`` builds a FastAPI app with every route under ``/api``.

The Gradio UI can be mounted onto the same app at "/"; ``/docs`` serves the OpenAPI docs.
Every refused request gets a 4xx with ``{"error": "<what was wrong and what to do>"}``.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import __version__
from assistant.adapters.web.guards import BusyLimit
from assistant.adapters.web.maps_api import MAP_PATHS, maps_routes
from assistant.app.services import QuestionError, Services
from assistant.capabilities.insights.mine import ResearchFile
from assistant.domain import Answer, Finding, InsightReport, InterviewAnswers, JourneyMap, Lang
from assistant.domain.edits import Change, Operation
from assistant.domain.events import Notice
from assistant.formats.parse import MapParseError, parse_map
from assistant.formats.render import FORMATS, ExportFormat, ExportUnavailable, render
from assistant.llm.factory import mode_label

logger = logging.getLogger(__name__)

JSON, MULTIPART = "application/json", "multipart/form-data"
_BODY_TYPES = {"/api/ask": {JSON}, "/api/export": {JSON}, "/api/insights": {MULTIPART}}
_BODY_TYPES["/api/edit"] = {JSON}
_BODY_TYPES["/api/critique"] = {JSON, MULTIPART}
_BODY_TYPES["/api/draft"] = {JSON, MULTIPART}
MAX_RESEARCH_FILES = 20
_SCHEMA = "the request schemas are at /docs"
TextFormat = Literal["md", "csv", "json"]
MapSource = tuple[str | bytes, TextFormat | None, str | None]  # data, format, file name


class AskRequest(BaseModel):
    question: str = Field(max_length=4000, description="A question about journey mapping.")
    lang: Lang | None = Field(default=None, description="en, fi or et; guessed when omitted.")
    k: int | None = Field(default=None, ge=1, le=50, description="How many passages to cite.")


class CritiqueText(BaseModel):
    map: str = Field(description="The map as text: a Markdown table, CSV or Polku's JSON.")
    format: TextFormat | None = Field(None, description="md, csv or json; guessed if omitted.")


class CritiqueResult(BaseModel):
    findings: list[Finding] = Field(description="Every finding, most severe first.")
    score: int = Field(ge=0, le=100, description="100 minus the penalties of the findings.")
    summary: str = Field(description="One line in the map's language.")
    mode: str = Field(description="offline (rules only) or llm (rules plus a model's review).")


class EditRequest(BaseModel):
    map: str | JourneyMap = Field(
        description="The map: Polku's JSON object, or text (a Markdown table, CSV or JSON)."
    )
    format: TextFormat | None = Field(None, description="md, csv or json; guessed if omitted.")
    instruction: str = Field(
        min_length=1,
        max_length=20_000,
        description='What to change, e.g. "Add a stage for rebooking".',
    )
    apply: bool = Field(
        default=False,
        description="false: the proposal only (the map unchanged); true: the edited map.",
    )


class EditResponse(BaseModel):
    operations: list[Operation] = Field(description="The changes understood, in order.")
    changes: list[Change] = Field(description="The readable diff: where, before, after.")
    map: JourneyMap = Field(description="The edited map when apply was true, else the map sent.")
    message: str = Field(description="The proposal in the map's language.")
    applied: bool = Field(description="Whether the map in this response has the changes.")
    mode: str = Field(description="offline (the offline parser) or llm (a model's reading).")


class ExportRequest(BaseModel):
    map: JourneyMap = Field(description="The journey map to export.")
    format: ExportFormat = Field(description=f"One of: {', '.join(FORMATS)}.")


class Health(BaseModel):
    status: str = Field(description="Always 'ok' when the server answers.")
    mode: str = Field(description="'offline', or the name of the configured chat model.")
    version: str = Field(description="Polku's version.")


_FILE = {"file": {"type": "string", "format": "binary", "description": ".md, .csv, .xlsx, .json"}}
_UPLOAD = {"schema": {"type": "object", "required": ["file"], "properties": _FILE}}
_JSON_TEXT = {"schema": CritiqueText.model_json_schema()}
_CONTENT = {JSON: _JSON_TEXT, MULTIPART: _UPLOAD}
_CRITIQUE_BODY = {"requestBody": {"required": True, "content": _CONTENT}}
_RESEARCH = {
    "type": "array",
    "items": {"type": "string", "format": "binary"},
    "description": ".csv, .xlsx, .txt, .md, .docx or .pdf",
}
_INSIGHTS_FORM = {
    "type": "object",
    "required": ["files"],
    "properties": {"files": _RESEARCH, "lang": {"type": "string", "enum": ["en", "fi", "et"]}},
}
_INSIGHTS_BODY = {
    "requestBody": {"required": True, "content": {MULTIPART: {"schema": _INSIGHTS_FORM}}}
}
_DRAFT_FORM = {
    "type": "object",
    "required": ["answers"],
    "properties": {
        "answers": {"type": "string", "description": "InterviewAnswers as JSON"},
        "files": _RESEARCH,
    },
}
_DRAFT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {"schema": InterviewAnswers.model_json_schema()},
            MULTIPART: {"schema": _DRAFT_FORM},
        },
    }
}


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _too_large(limit_mb: int, size: int | None = None) -> str:
    got = f"The upload is {size / 1_000_000:.1f} MB" if size else "The upload is too large"
    return f"{got}; the limit is {limit_mb} MB. Send a smaller file or export just the map."


def _wrong_type(media: str, multipart: bool) -> str:
    what = f"Unsupported content type {media!r}" if media else "No content type"
    upload = " or as a multipart/form-data upload with a 'file' field" if multipart else ""
    return f"{what}: send the body as JSON (Content-Type: application/json){upload}; {_SCHEMA}."


class BodyGuard:
    """Refuse an /api body of the wrong type or too large before it is read into memory."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app, self.services = app, services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")).removeprefix(str(scope.get("root_path", "")))
        if scope["type"] != "http" or scope["method"] != "POST" or path not in _BODY_TYPES:
            return await self.app(scope, receive, send)
        limit_mb = self.services.settings.max_upload_mb
        headers = Headers(scope=scope)
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit_mb * 1_000_000:
            return await error(413, _too_large(limit_mb, int(length)))(scope, receive, send)
        if media not in _BODY_TYPES[path]:
            message = _wrong_type(media, MULTIPART in _BODY_TYPES[path])
            return await error(415, message)(scope, receive, send)
        received = 0

        async def limited() -> Message:  # a body sent without Content-Length (chunked)
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit_mb * 1_000_000:
                raise HTTPException(413, _too_large(limit_mb))
            return message

        await self.app(scope, limited, send)


def _validation_message(errors: Sequence[Any]) -> str:
    parts = []
    for problem in errors:
        loc = [str(part) for part in problem.get("loc", ())]
        if problem.get("type") == "json_invalid":
            reason = problem.get("ctx", {}).get("error") or problem.get("msg", "")
            at = f" at character {loc[1]}" if len(loc) > 1 else ""
            return f"The request body is not valid JSON ({reason}{at}): send one JSON object."
        parts.append(f"{'.'.join(loc) or 'body'}: {problem.get('msg', 'invalid')}")
    more = f" (and {len(parts) - 5} more)" if len(parts) > 5 else ""
    return f"Invalid request: {'; '.join(parts[:5])}{more}. Fix the fields and retry; {_SCHEMA}."


async def map_source(request: Request) -> MapSource:
    """The map to critique, from a JSON body or from a multipart file upload."""
    if request.headers.get("content-type", "").lower().startswith(MULTIPART):
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                message = "No file in the upload: send the map as the multipart field 'file' "
                raise HTTPException(422, message + "(.md, .csv, .xlsx or .json).")
            return await upload.read(), None, upload.filename
    try:
        text = CritiqueText.model_validate_json(await request.body())
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        raise RequestValidationError([{**p, "loc": ("body", *p["loc"])} for p in problems]) from exc
    return text.map, text.format, None


async def _research(form: Any) -> list[ResearchFile]:
    uploads = [f for f in form.getlist("files") + form.getlist("file") if isinstance(f, UploadFile)]
    return [ResearchFile(u.filename or "upload", await u.read()) for u in uploads]


async def research_upload(request: Request) -> tuple[list[ResearchFile], Lang | None]:
    """Research files from a multipart upload (fields 'files'), and an optional 'lang'."""
    async with request.form(max_files=MAX_RESEARCH_FILES, max_fields=8) as form:
        files = await _research(form)
        lang = form.get("lang")
    if not files:
        raise HTTPException(
            422,
            "No research in the upload: send each file as a multipart field 'files' "
            "(.csv, .xlsx, .txt, .md, .docx or .pdf).",
        )
    if lang not in (None, "", "en", "fi", "et"):
        raise HTTPException(422, f"lang must be en, fi or et, not {lang!r}.")
    return files, lang or None  # type: ignore[return-value]


async def draft_source(request: Request) -> tuple[InterviewAnswers, list[ResearchFile]]:
    """Interview answers as the JSON body, or as the multipart field 'answers' (JSON) beside
    research files in 'files'."""
    if request.headers.get("content-type", "").lower().startswith(MULTIPART):
        async with request.form(max_files=MAX_RESEARCH_FILES, max_fields=8) as form:
            files = await _research(form)
            raw = form.get("answers")
        if not isinstance(raw, str):
            raise HTTPException(
                422, "No answers in the upload: send the interview answers as JSON in 'answers'."
            )
        body: bytes | str = raw
    else:
        body, files = await request.body(), []
    try:
        return InterviewAnswers.model_validate_json(body), files
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        raise RequestValidationError([{**p, "loc": ("body", *p["loc"])} for p in problems]) from exc


def _refused(report: InsightReport) -> list[str]:
    return [s.problem for s in report.sources if s.problem]


def _add_notices(response: Response, notices: list[Notice]) -> None:
    for notice in notices:  # URL-encoded: HTTP headers cannot carry every letter of fi/et
        response.headers.append("X-Polku-Notice", quote(notice.message))


def _attachment(filename: str) -> str:
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def create_api(services: Services) -> FastAPI:
    """The REST API over ``services``: routes under /api, OpenAPI docs at /docs."""
    app = FastAPI(title="Polku API", version=__version__, description=__doc__)
    app.add_middleware(BodyGuard, services=services)
    settings = services.settings
    app.add_middleware(  # answers, drafts, critiques, uploads: the work that costs CPU
        BusyLimit,
        max_active=settings.api_max_active,
        max_waiting=settings.api_max_waiting,
        wait_s=settings.busy_wait_s,
        exclude=MAP_PATHS,
    )
    app.add_middleware(  # reading and saving maps: quick, never behind a queue of questions
        BusyLimit,
        max_active=settings.api_max_active_maps,
        max_waiting=settings.api_max_waiting,
        wait_s=settings.busy_wait_s,
        prefix=MAP_PATHS,
    )
    router = APIRouter(prefix="/api")
    maps_router = maps_routes(services)

    @router.get("/health")
    def health() -> Health:
        mode = "offline" if services.model is None else mode_label(services.model)
        return Health(status="ok", mode=mode, version=__version__)

    @router.post("/ask")
    def ask(body: AskRequest) -> Answer:
        """Answer a methodology question from the knowledge base, with citations."""
        return services.ask(body.question, body.lang, body.k)

    @router.post("/draft", openapi_extra=_DRAFT_BODY)
    def draft(
        source: Annotated[tuple[InterviewAnswers, list[ResearchFile]], Depends(draft_source)],
        response: Response,
    ) -> JourneyMap:
        """Draft a map from interview answers (JSON), or from 'answers' and research 'files'
        (multipart): the research's themes become evidence on the map. Notices, and research
        files that could not be read, come in X-Polku-Notice (URL-encoded)."""
        answers, files = source
        report = services.insights(files, lang=answers.language).value if files else None
        if report is not None and not report.themes and _refused(report):
            raise HTTPException(422, " ".join(_refused(report)))
        drafted = services.draft(answers, insights=report)
        problems = [Notice(message=m) for m in _refused(report)] if report else []
        _add_notices(response, [*drafted.notices, *problems])
        return drafted.value

    @router.post("/insights", openapi_extra=_INSIGHTS_BODY)
    def insights(
        source: Annotated[tuple[list[ResearchFile], Lang | None], Depends(research_upload)],
        response: Response,
    ) -> InsightReport:
        """Themes of uploaded research (multipart 'files', optional 'lang'): kind, stage,
        counts and verbatim quotes. A file that cannot be read is named in its source's
        'problem' and in X-Polku-Notice; when none can be read the answer is 422."""
        files, lang = source
        mined = services.insights(files, lang=lang)
        report = mined.value
        refused = _refused(report)
        if refused and len(refused) == len(files):
            raise HTTPException(422, " ".join(refused))
        _add_notices(response, [*mined.notices, *(Notice(message=m) for m in refused)])
        return report

    @router.post("/critique", openapi_extra=_CRITIQUE_BODY)
    def critique(
        source: Annotated[MapSource, Depends(map_source)], response: Response
    ) -> CritiqueResult:
        """Critique a map sent as JSON ``{map, format}`` or uploaded as the multipart 'file'."""
        journey = parse_map(source[0], source[1], filename=source[2])
        critiqued = services.critique(journey)
        _add_notices(response, critiqued.notices)
        report = critiqued.value
        return CritiqueResult(**report.model_dump(exclude={"breakdown"}), mode=critiqued.mode)

    @router.post("/edit")
    def edit(body: EditRequest, response: Response) -> EditResponse:
        """Change a map by saying what to change: the typed operations and their diff, and
        with ``apply`` the edited map (version raised); 422 with a clarifying question when
        the instruction names nothing in the map or could mean two things."""
        journey = body.map if isinstance(body.map, JourneyMap) else parse_map(body.map, body.format)
        edited = services.edit(body.instruction, journey)
        _add_notices(response, edited.notices)
        result = edited.value
        if not result.understood:
            raise HTTPException(422, result.message)
        return EditResponse(
            operations=result.operations,
            changes=result.changes,
            map=result.map if body.apply else journey,
            message=result.message,
            applied=body.apply,
            mode=edited.mode,
        )

    @router.post("/export", response_class=Response)
    def export(body: ExportRequest) -> Response:
        """The map as a file: md, csv, xlsx, json, mermaid, html or a one-page pdf; png or
        svg is its emotion curve as a picture."""
        try:
            content, filename, mime = render(body.map, body.format)
        except ExportUnavailable as exc:  # a PDF on a server without chromium
            raise HTTPException(503, str(exc)) from exc
        headers = {"Content-Disposition": _attachment(filename)}
        return Response(content, media_type=mime, headers=headers)

    @router.api_route(
        "/{path:path}", methods=["GET", "POST", "PUT", "DELETE"], include_in_schema=False
    )
    def unknown(request: Request) -> None:  # a JSON 404 even where Gradio is mounted at "/"
        known = any(
            isinstance(route, APIRoute)
            and route.path_regex.match(request.url.path)
            and route.path != "/api/{path:path}"
            for route in (*maps_router.routes, *router.routes)
        )
        raise HTTPException(405 if known else 404)

    app.include_router(maps_router)
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, _validation_message(exc.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = str(exc.detail)
        if exc.status_code in (404, 405):
            message = f"{message}: {request.method} {request.url.path}; the routes are at /docs."
        response = error(exc.status_code, message)
        response.headers.update(exc.headers or {})
        return response

    async def refused(_: Request, exc: Exception) -> JSONResponse:
        return error(400 if isinstance(exc, QuestionError) else 422, str(exc))

    app.add_exception_handler(MapParseError, refused)  # the messages say what to do
    app.add_exception_handler(QuestionError, refused)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
        return error(500, "internal error; the details are in the server log")

    return app
