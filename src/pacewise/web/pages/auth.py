"""Signing in and out, and setting a password with an invite link (issue 4's services)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from pacewise.domain import InvalidInput
from pacewise.services.accounts import accept_invite
from pacewise.services.sign_in import ABSOLUTE_EXPIRY, SignInRefused, sign_in, sign_out
from pacewise.web.api.dependencies import SESSION_COOKIE, Uow
from pacewise.web.pages.common import CheckedForm, VisitorDep, current_visitor, render

router = APIRouter(include_in_schema=False)

HOMES = {"patient": "/today", "clinician": "/clinician", "admin": "/account"}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an address that would send the browser elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/")
def home(request: Request, uow: Uow) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return RedirectResponse("/sign-in", status.HTTP_303_SEE_OTHER)
    visitor = current_visitor(request, uow)
    return RedirectResponse(HOMES[visitor.role], status.HTTP_303_SEE_OTHER)


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> Response:
    return render(request, "sign_in.html", next=_safe_next(next) or "", email="", message="")


@router.post("/sign-in")
def sign_in_form(
    request: Request,
    uow: Uow,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    address = request.client.host if request.client else ""
    try:
        signed = sign_in(uow, email, password, address)
    except SignInRefused as refused:
        code = (
            status.HTTP_429_TOO_MANY_REQUESTS
            if refused.retry_after
            else status.HTTP_400_BAD_REQUEST
        )
        return render(
            request,
            "sign_in.html",
            status_code=code,
            next=_safe_next(next) or "",
            email=email,
            message=refused.message[:1].upper() + refused.message[1:] + ".",
        )
    target = _safe_next(next) or HOMES[signed.caller.role]
    response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        max_age=int(ABSOLUTE_EXPIRY.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out_form(request: Request, uow: Uow, _form: CheckedForm) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(uow, cookie)
    response = RedirectResponse("/sign-in", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/invite/{token}")
def invite_page(request: Request, token: str) -> Response:
    return render(request, "invite.html", token=token, message="")


@router.post("/invite/{token}")
def invite_form(
    request: Request,
    uow: Uow,
    token: str,
    password: Annotated[str, Form(max_length=1000)],
    again: Annotated[str, Form(max_length=1000)],
) -> Response:
    if password != again:
        message = "The two passwords are not the same."
    else:
        try:
            accept_invite(uow, token, password)
        except InvalidInput as problem:
            message = problem.message[:1].upper() + problem.message[1:] + "."
        else:
            return RedirectResponse("/sign-in?welcome=1", status.HTTP_303_SEE_OTHER)
    return render(request, "invite.html", status_code=400, token=token, message=message)


@router.get("/account")
def account_page(request: Request, visitor: VisitorDep) -> Response:
    """Who is signed in; the settings of a patient's account live in the patient pages."""
    return render(request, "account.html", visitor)
