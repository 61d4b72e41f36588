"""Where webhooks may go: not to this machine or its private networks (SSRF).

The gateway sits inside the organisation's network, so an admin's (or an
attacker's) endpoint URL could otherwise make it POST to a database's admin
port, a cloud metadata service (169.254.169.254) or anything on localhost. A
target must be https (http only with the endpoint's explicit flag), and every
address its host resolves to must be a public one, unless an admin allowed
private networks for that endpoint. It is checked at registration and again
before each delivery, since what a name resolves to can change.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from api.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(DomainError):
    """The URL is not one webhooks may be sent to; the detail says why."""

    status_code = 422
    code = "webhook_target_refused"
    message = "Webhooks cannot be sent to this address."


def check_target(url: str, *, allow_http: bool, allow_private_network: bool) -> None:
    """Raise UnsafeTarget unless `url` may receive webhooks now."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed "[" of an IPv6 address
        raise UnsafeTarget("The address is not a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeTarget("The address must start with https://.")
    if scheme == "http" and not allow_http:
        raise UnsafeTarget("The address must use https (plain http only when explicitly allowed).")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("The address must not carry a user name or password.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTarget("The address has an invalid port.") from exc
    host = parts.hostname
    if not host:
        raise UnsafeTarget("The address has no host name.")
    if allow_private_network:
        return
    for address in resolved(host, port):
        if not is_public(address):
            raise UnsafeTarget(
                f"The address's host resolves to {address}, which is on a private, loopback, "
                "link-local or reserved network. An admin can allow private networks for "
                "this endpoint explicitly."
            )


def resolved(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal: itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:  # no such name, or not a name at all
        raise UnsafeTarget("The address's host name cannot be resolved.") from exc
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of it.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_public(address: IPAddress) -> bool:
    """Whether `address` is on the public internet (an IPv4-mapped IPv6 address is
    judged by its IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
