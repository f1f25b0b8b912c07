"""Routes of the reports (`/report`): the list, export, template and import of every report.

Reports are discovered at start (`app.state.reports`, the `Registry` here); each route checks
the report's own labels, so one set of routes serves every report. A report's rows and its
importer read the services they need from the container (`AppContainer`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, BinaryIO

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from bootstrap import Container
from core.rbac.model import Principal
from core.rbac.service import AuthService
from core.reports.model import Column, ImportRejected, ImportRow, RowError
from core.reports.service import ReportService
from core.shared.clock import Clock
from core.shared.errors import Forbidden, NotFound
from core.shared.turns import in_turns
from entrypoints.http.deps import Auth, Caller, CallerScope, provided
from entrypoints.http.files import UPLOAD_BODY, download, receive_upload, temporary
from entrypoints.http.reports import Report
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import ErrorOut, ListQuery
from entrypoints.http.schemas.reports import ImportOut, ReportColumnOut, ReportOut

router = ApiRouter(prefix="/report", tags=["report"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Each report checks its own labels inside the route (one set of routes serves every report),
# so the document cannot derive the 403 from the route's scopes: it is declared here.
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorOut, "description": "permission_denied: the report's label is missing"}
}
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}},
    **FORBIDDEN,
}


def lang_of(request: Request) -> str:
    """`en` when the caller's first preferred language is English, else `zh` (zh-CN)."""
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


async def report_registry(request: Request) -> dict[str, Report]:
    """The reports `create_app` discovered, by name."""
    return request.app.state.reports  # type: ignore[no-any-return]


report_service = provided(lambda c: c.reports())
app_container = provided(lambda c: c)
clock_service = provided(lambda c: c.clock())
import_limit = provided(lambda c: c.settings().import_max_file_mib << 20)

Registry = Annotated[dict[str, Report], Depends(report_registry)]
Reports = Annotated[ReportService, Depends(report_service)]
AppContainer = Annotated[Container, Depends(app_container)]
ClockNow = Annotated[Clock, Depends(clock_service)]
# The largest upload an import reads, in bytes.
ImportLimit = Annotated[int, Depends(import_limit)]


def _report(registry: dict[str, Report], name: str) -> Report:
    report = registry.get(name)
    if report is None:
        raise NotFound("no such report", "report_not_found")
    return report


def _importable(registry: dict[str, Report], name: str) -> Report:
    report = _report(registry, name)
    if not report.importable:
        raise NotFound("this report takes no import", "report_not_importable")
    return report


async def _authorize(auth: AuthService, caller: Principal, labels: tuple[str, ...] | None) -> None:
    await auth.authorize(caller, labels or ())


async def _allowed(auth: AuthService, caller: Principal, labels: tuple[str, ...] | None) -> bool:
    try:
        await _authorize(auth, caller, labels)
    except Forbidden:
        return False
    return True


def _query(report: Report, request: Request) -> ListQuery:
    """The list route's own query model: the same filters, the same 422s for bad ones."""
    try:
        return report.query.model_validate(dict(request.query_params))
    except ValidationError as exc:
        errors = [{**e, "loc": ("query", *e.get("loc", ()))} for e in exc.errors()]
        raise RequestValidationError(errors) from None


def _stamp(clock: Clock) -> str:
    now: datetime = clock.now()
    return now.strftime("%Y%m%d")


def _column(c: Column) -> ReportColumnOut:
    return ReportColumnOut(
        key=c.key,
        header=c.header,
        header_en=c.header_en,
        type=str(c.type),
        dictionary=c.dictionary,
        required=c.required,
    )


@router.get("", response_model=list[ReportOut], summary="the reports the caller may use")
async def list_reports(caller: Caller, registry: Registry, auth: Auth) -> list[ReportOut]:
    out = []
    for report in registry.values():
        can_export = await _allowed(auth, caller, report.export_labels)
        can_import = report.importable and await _allowed(auth, caller, report.import_labels)
        if can_export or can_import:
            out.append(
                ReportOut(
                    name=report.name,
                    title=report.title,
                    title_en=report.title_en,
                    can_export=can_export,
                    can_import=can_import,
                    columns=[_column(c) for c in report.columns],
                    import_columns=[_column(c) for c in report.import_columns],
                )
            )
    return out


@router.get(
    "/{name}/export",
    summary="export as .xlsx, with the filters of the module's list as query parameters",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,
)
async def export(
    request: Request,
    name: str,
    caller: Caller,
    scope: CallerScope,
    registry: Registry,
    auth: Auth,
    reports: Reports,
    container: AppContainer,
    clock: ClockNow,
) -> StreamingResponse:
    report = _report(registry, name)
    await _authorize(auth, caller, report.export_labels)
    query = _query(report, request)
    lang = lang_of(request)
    title = report.title_in(lang)
    path = temporary(".xlsx")
    try:
        await reports.export(
            str(path), title, report.columns, report.rows(container, query, scope), lang
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    day = _stamp(clock)
    return download(path, f"{report.name}_{day}.xlsx", f"{title}_{day}.xlsx", XLSX)


@router.get(
    "/{name}/template",
    summary="an empty import sheet: the header row and one example row",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,
)
async def template(
    request: Request,
    name: str,
    caller: Caller,
    registry: Registry,
    auth: Auth,
    reports: Reports,
) -> StreamingResponse:
    report = _importable(registry, name)
    await _authorize(auth, caller, report.import_labels)
    lang = lang_of(request)
    title = report.title_in(lang)
    path = temporary(".xlsx")
    try:
        await reports.template(str(path), title, report.import_columns, report.example, lang)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    word = "template" if lang == "en" else "导入模板"
    return download(path, f"{report.name}_template.xlsx", f"{title}_{word}.xlsx", XLSX)


@router.post(
    "/{name}/import",
    response_model=ImportOut,
    summary="import an .xlsx (multipart field `file`): every row, or none with 422 and the errors",
    openapi_extra=UPLOAD_BODY,
    responses=FORBIDDEN,
)
async def import_rows(
    request: Request,
    name: str,
    caller: Caller,
    registry: Registry,
    auth: Auth,
    container: AppContainer,
    limit: ImportLimit,
) -> ImportOut:
    report = _importable(registry, name)
    await _authorize(auth, caller, report.import_labels)
    upload = await receive_upload(request, limit)
    try:
        count = await _import(container, report, caller.user_id, upload.file, lang_of(request))
    finally:
        await upload.close()
    return ImportOut(count=count)


async def _import(
    container: Container, report: Report, actor: int, source: BinaryIO, lang: str
) -> int:
    rows, errors = await container.reports().read(source, report.import_columns)
    valid: list[ImportRow] = []
    async for row in in_turns(rows):
        if report.import_schema is None:
            valid.append(row)
            continue
        try:
            model = report.import_schema.model_validate(row.values)
        except ValidationError as exc:
            errors.extend(
                RowError(row.number, str(e["loc"][0]) if e["loc"] else "", e["msg"])
                for e in exc.errors()
            )
            continue
        valid.append(ImportRow(row.number, model.model_dump()))
    assert report.importer is not None
    try:
        return await report.importer(container, actor, valid, errors)
    except ImportRejected as exc:
        # Errors name columns by key inside; people read them by the header they see.
        headers = {c.key: c.title(lang) for c in report.import_columns}
        raise ImportRejected(
            [RowError(e.row, headers.get(e.column, e.column), e.message) for e in exc.errors]
        ) from None
