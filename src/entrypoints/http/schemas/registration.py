"""Request and response shapes of self-registration and password recovery."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field

from entrypoints.http.schemas.common import Input, Output
from entrypoints.http.schemas.rbac import Line, Password


class AvailabilityIn(Input):
    value: Annotated[str, Field(min_length=1, max_length=254)]


class AvailabilityOut(Output):
    available: bool


class RegisterIn(Input):
    # Line refuses CR/LF: these values end up in a mail (EmailStr refuses them by itself).
    username: Annotated[Line, Field(min_length=1, max_length=64)]
    email: Annotated[EmailStr, Field(max_length=254)]
    password: Password
    nickname: Annotated[Line, Field(max_length=64)] = ""


class RegisterAccepted(Output):
    detail: str
    expires_in: int


class PendingOut(Output):
    valid: bool = True
    username: str
    email: str
    nickname: str
    expires_at: datetime


class RegisteredOut(Output):
    id: int
    username: str


class ForgetPasswordIn(Input):
    email: Annotated[EmailStr, Field(max_length=254)]


class Accepted(Output):
    detail: str


class EmailChangeIn(Input):
    email: Annotated[EmailStr, Field(max_length=254)]
    current_password: Annotated[str, Field(min_length=1, max_length=128)]


class EmailChangeAccepted(Output):
    detail: str
    expires_in: int


class EmailChangeOut(Output):
    valid: bool = True
    username: str
    email: str = Field(description="the new address")
    expires_at: datetime
