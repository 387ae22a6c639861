"""Single sign-on with OpenID Connect, through Authlib.

The authorization-code flow with PKCE (S256), `state` and `nonce`. Authlib checks the state
against this browser's session, exchanges the code with the client secret and the PKCE
verifier, and checks the ID token: its signature against the provider's published keys, its
issuer, audience, expiry and nonce. Ting then takes the person's e-mail address only when the
provider says it is verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError  # Authlib checks ID tokens with joserfc
from starlette.requests import Request
from starlette.responses import Response

from app.config import OidcProvider, Settings
from app.errors import DomainError, NotFound
from app.i18n import _
from app.templating import absolute_url


class SignInFailed(DomainError):
    """The provider's answer could not be trusted or used; nobody is signed in."""

    status_code = 400


class ProviderUnreachable(SignInFailed):
    status_code = 502


@dataclass(frozen=True)
class Identity:
    """Who the provider vouches for."""

    provider: OidcProvider
    subject: str
    email: str
    email_verified: bool
    name: str


def make_registry(settings: Settings) -> OAuth:
    oauth = OAuth()
    for provider in settings.oidc_providers:
        oauth.register(
            name=provider.name, client_id=provider.client_id,
            client_secret=provider.client_secret, server_metadata_url=provider.discovery_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                           "timeout": 10},
        )
    return oauth


def provider_named(settings: Settings, name: str) -> OidcProvider:
    for provider in settings.oidc_providers:
        if provider.name == name:
            return provider
    raise NotFound(_("There is no sign-in provider '{name}' on this server.").format(name=name))


def callback_url(request: Request, provider: OidcProvider) -> str:
    """Where the provider sends the browser back."""
    return absolute_url(request, "oidc_callback", provider=provider.name)


async def start(request: Request, provider: OidcProvider) -> Response:
    client = request.app.state.oauth.create_client(provider.name)
    try:
        response: Response = await client.authorize_redirect(
            request, callback_url(request, provider))
    except (AuthlibBaseError, httpx.HTTPError, ValueError) as exc:
        raise _unreachable(provider) from exc
    return response


async def finish(request: Request, provider: OidcProvider) -> Identity:
    """The identity the provider's answer proves, or SignInFailed."""
    client = request.app.state.oauth.create_client(provider.name)
    try:
        token: dict[str, Any] = await client.authorize_access_token(request)
        claims = token.get("userinfo")  # the checked ID token's claims
        if not claims:
            raise SignInFailed(_("{provider} sent no ID token; nobody was signed in.")
                               .format(provider=provider.label))
        # e-mail and name may come only from the userinfo endpoint
        info = dict(await client.userinfo(token=token))
    except SignInFailed:
        raise
    except (AuthlibBaseError, JoseError) as exc:
        raise SignInFailed(_("Signing in with {provider} did not work ({reason}). Start again "
                             "from the sign-in page.").format(provider=provider.label,
                                                               reason=_reason(exc))) from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise _unreachable(provider) from exc
    if info.get("sub") != claims.get("sub"):
        raise SignInFailed(_("{provider} answered for two different people; nobody was "
                             "signed in.").format(provider=provider.label))
    merged = {**claims, **info}
    return Identity(provider=provider, subject=str(claims["sub"]),
                    email=str(merged.get("email") or ""),
                    email_verified=merged.get("email_verified") in (True, "true"),
                    name=str(merged.get("name") or ""))


def _reason(exc: Exception) -> str:
    error = getattr(exc, "error", None) or type(exc).__name__
    return str(error).replace("_", " ")


def _unreachable(provider: OidcProvider) -> ProviderUnreachable:
    return ProviderUnreachable(_("{provider} could not be reached or gave an answer Ting "
                                 "cannot read. Try again in a few minutes.")
                               .format(provider=provider.label))
