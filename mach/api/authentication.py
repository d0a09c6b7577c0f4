"""Token authentication that says which scheme it expects when given another one."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from django.db import router
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request

from ..models import User
from ..rows import columns, instance, prepared_cursor

SCHEME_MESSAGE = (
    "Send the API token as `Authorization: Token <key>`; the {scheme} scheme is not used."
)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, except that an `Authorization` header with another scheme (`Bearer ...`, the
    usual guess) is refused with a message naming `Token`, where DRF would ignore the header
    and answer that no credentials were given; and that a request is authenticated once,
    however often it is asked (`token_authentication`)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        return token_authentication(request._request)

    def authenticate_header_of(self, request: HttpRequest) -> tuple[User, Token] | None:
        """DRF's authentication of the request's `Authorization` header (it reads no more of
        the request than its headers, so Django's request will do)."""
        headers = cast(Request, request)
        words = authentication.get_authorization_header(headers).split()
        if words and words[0].lower() != self.keyword.lower().encode():
            scheme = words[0].decode("latin-1")
            raise exceptions.AuthenticationFailed(SCHEME_MESSAGE.format(scheme=scheme))
        return super().authenticate(headers)

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        """DRF's, reading the token and its user by one statement built once (every API
        request authenticates; the ORM would build the same query again each time)."""
        using = router.db_for_read(Token)
        with prepared_cursor(using) as cursor:
            cursor.execute(_token_and_user(), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = instance(Token, using, row)
        user = instance(User, using, row, start=len(Token._meta.concrete_fields))
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


@lru_cache(maxsize=1)
def _token_and_user() -> str:
    token, user = Token._meta, User._meta
    return (
        f"SELECT {columns(Token, 't')}, {columns(User, 'u')}"
        f' FROM "{token.db_table}" t JOIN "{user.db_table}" u'
        f' ON u."{user.pk.column}" = t."{token.get_field("user").column}"'
        f' WHERE t."{token.pk.column}" = %s'
    )


# Where `token_authentication` keeps its answer (or its refusal) on the request.
_ANSWER = "_mach_token_authentication"


def token_authentication(request: HttpRequest) -> tuple[User, Token] | None:
    """The user and token of the request's `Authorization: Token` header, None without one,
    or AuthenticationFailed. Asked first by the API middleware, which counts the user's rate
    with the address's, and then by DRF: the token is read once, and the same answer or
    refusal is given each time."""
    if _ANSWER not in request.__dict__:
        try:
            request.__dict__[_ANSWER] = TokenAuthentication().authenticate_header_of(request)
        except exceptions.AuthenticationFailed as refusal:
            request.__dict__[_ANSWER] = refusal
    answer = request.__dict__[_ANSWER]
    if isinstance(answer, exceptions.AuthenticationFailed):
        raise answer
    return cast(tuple[User, Token] | None, answer)
