"""What every page shares: the templates, the signed-in caller, CSRF-checked forms, rendering.

Pages use the browser's session cookie (the same sessions as the API). Every state-changing form
carries the session's CSRF token in a hidden `csrf_token` field; a form without the right one is
refused, so another site cannot make a signed-in browser act.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.responses import Response

from pacewise.domain.wording import day_words, kind_words, shown_minutes
from pacewise.services.access import Caller
from pacewise.services.sign_in import session_caller
from pacewise.services.time_zones import date_in
from pacewise.web.api.dependencies import SESSION_COOKIE, Uow

templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("pacewise.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
templates.env.filters["minutes"] = shown_minutes
templates.env.filters["day"] = day_words
templates.env.filters["kind"] = lambda code: (
    kind_words(code) if hasattr(code, "value") else str(code).replace("_", " ")
)


class SignInNeeded(Exception):
    """No live session: the page answers with a redirect to the sign-in page."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


@dataclass(frozen=True, slots=True)
class Visitor:
    """The signed-in person on a page: who, their role, the form token and their local day."""

    caller: Caller
    csrf_token: str
    email: str
    display_name: str
    time_zone: str

    @property
    def user_id(self) -> int:
        return self.caller.user_id

    @property
    def role(self) -> str:
        return self.caller.role

    @property
    def today(self) -> dt.date:
        """Today where the person is: plan weeks run in the patient's local dates."""
        return date_in(self.time_zone, dt.datetime.now(dt.UTC))


def sign_in_url(back_to: str) -> str:
    return "/sign-in?next=" + quote(back_to, safe="/")


def current_visitor(request: Request, uow: Uow) -> Visitor:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = session_caller(uow, cookie) if cookie else None
    if found is None:
        raise SignInNeeded(request.url.path)
    caller, csrf = found
    with uow.reading():
        user = uow.users.get(caller.user_id)
        if user is None:
            raise SignInNeeded(request.url.path)
        return Visitor(caller, csrf, user.email, user.display_name, user.time_zone)


VisitorDep = Annotated[Visitor, Depends(current_visitor)]


def patient_only(visitor: VisitorDep) -> Visitor:
    if visitor.role != "patient":
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return visitor


def clinician_only(visitor: VisitorDep) -> Visitor:
    if visitor.role != "clinician":
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return visitor


PatientVisitor = Annotated[Visitor, Depends(patient_only)]
ClinicianVisitor = Annotated[Visitor, Depends(clinician_only)]


FORM_EXPIRED = "This form has expired. Please go back, reload the page and try again."


async def checked_form(request: Request, visitor: VisitorDep) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, visitor.csrf_token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "This form has expired. Please go back, reload the page and try again.",
        )
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def render(
    request: Request,
    template: str,
    visitor: Visitor | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A page from `template`, with the visitor (for the menu and the forms' token)."""
    return templates.TemplateResponse(
        request, template, {"visitor": visitor, **context}, status_code=status_code
    )
