"""Token authentication that says which scheme it expects when given another one."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

SCHEME_MESSAGE = (
    "Send the API token as `Authorization: Token <key>`; the {scheme} scheme is not used."
)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, except that an `Authorization` header with another scheme (`Bearer ...`, the
    usual guess) is refused with a message naming `Token`, where DRF would ignore the header
    and answer that no credentials were given."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        words = authentication.get_authorization_header(request).split()
        if words and words[0].lower() != self.keyword.lower().encode():
            scheme = words[0].decode("latin-1")
            raise exceptions.AuthenticationFailed(SCHEME_MESSAGE.format(scheme=scheme))
        return super().authenticate(request)
