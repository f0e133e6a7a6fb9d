"""A software authenticator (ES256, attestation "none") for the server side of WebAuthn tests.

It builds the JSON a browser posts after `navigator.credentials.create()` / `.get()`, as
the specification lays out the bytes (WebAuthn Level 2, § 6.1 authenticator data, § 6.5.4
the attestation object), so that the server's verification runs for real.
"""

import hashlib
import json
import secrets
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40


class SoftKey:
    """One credential on a made-up authenticator; `counter` is its signature counter."""

    def __init__(self, rp_id: str = "antrag.test", origin: str = "http://antrag.test"):
        self.rp_id, self.origin = rp_id, origin
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def _cose_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})

    def _client_data(self, kind: str, options: dict, origin: str | None) -> bytes:
        data = {"type": kind, "challenge": options["challenge"], "origin": origin or self.origin}
        return json.dumps(data, separators=(",", ":")).encode()

    def _auth_data(self, flags: int, rp_id: str | None, extra: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256((rp_id or self.rp_id).encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.counter) + extra

    def create(self, options: dict, *, origin: str | None = None, rp_id: str | None = None):
        """Answer registration options as a browser would post it."""
        attested = bytes(16) + struct.pack(">H", len(self.credential_id))
        attested += self.credential_id + self._cose_key()
        auth_data = self._auth_data(UP | UV | AT, rp_id, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options, origin)
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, *, origin: str | None = None, count: int | None = None):
        """Answer authentication options; the counter rises by one unless `count` is given."""
        self.counter = self.counter + 1 if count is None else count
        auth_data = self._auth_data(UP | UV, None)
        client_data = self._client_data("webauthn.get", options, origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def post_json(web, url: str, body: dict | None = None):
    """POST JSON with the page's CSRF token in the header, as the key script does."""
    if web.token is None:
        web.get("/konto/sicherheitsschluessel")
    return web.client.post(url, json=body or {}, headers={"X-CSRFToken": web.token})


def enrol(web, key: SoftKey, name: str = "USB-Schlüssel Büro"):
    """Run the whole enrolment on the key page; return the answer of the last step."""
    web.get("/konto/sicherheitsschluessel")
    options = post_json(web, "/konto/sicherheitsschluessel/optionen").get_json()
    return post_json(
        web, "/konto/sicherheitsschluessel", {"name": name, "credential": key.create(options)}
    )


LOGIN_KEY = "/anmelden/zweiter-faktor/sicherheitsschluessel"


def password_step(web, user, password: str | None = None):
    """Give the password; the account has a second factor, so the login waits for it."""
    from conftest import PASSWORD

    web.token = None
    web.get("/anmelden")
    first = web.post("/anmelden", {"email": user.email, "password": password or PASSWORD})
    assert first.headers["Location"].startswith("/anmelden/zweiter-faktor"), first.status_code
    web.get("/anmelden/zweiter-faktor")  # the page with the key's button and a CSRF token


def key_step(web, key: SoftKey, next_url: str | None = None, **answer):
    """Answer the second step (or a step-up) with `key`; return the verifying response.

    `next_url` is what the page's form sends from its `next` (where a step-up goes on).
    """
    options = post_json(web, f"{LOGIN_KEY}/optionen")
    assert options.status_code == 200, options.get_json()
    body = {"credential": key.get(options.get_json(), **answer), "next": next_url}
    return post_json(web, LOGIN_KEY, body)


def login_with_key(web, user, key: SoftKey):
    """Log in with password and key as a person does; return the key step's response."""
    password_step(web, user)
    response = key_step(web, key)
    web.token = None  # the session was renewed at login: a new CSRF token
    web.get("/", follow_redirects=True)
    return response
