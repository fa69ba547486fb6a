"""The tokens themselves: "gmb_" + a 10-character prefix (the row's key) + "_" + a 40-character secret. Only the
secret's SHA-256 is stored, compared in constant time."""

import hashlib
import hmac
import re
import secrets

PATTERN = re.compile(r"gmb_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{40})")


class MalformedToken(Exception):
    pass


def new_token():
    """(the token to show once, its prefix, the hash to store)."""
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(30)[:40]
    return f"gmb_{prefix}_{secret}", prefix, digest(secret)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(token):
    """(prefix, secret) of a well-formed token, else MalformedToken."""
    found = PATTERN.fullmatch(token or "")
    if not found:
        raise MalformedToken
    return found[1], found[2]


def matches(secret, stored_hash):
    return hmac.compare_digest(digest(secret), stored_hash)
