"""The ministry's electronic seal on its notices: a PAdES signature (ETSI EN 319 142) by pyHanko.

The certificate and key come from `NOTICE_SEAL_CERT` and `NOTICE_SEAL_KEY` (PEM files, the
key optionally protected by `NOTICE_SEAL_PASSPHRASE`). Where they are not configured and the
app is not in production, a self-signed seal certificate is made once in the instance folder
(`instance/seal/`); `flask check-deploy` refuses production without a configured seal.

The seal is appended as an incremental update, so the PDF/A file it covers stays byte for
byte what was rendered, and it covers the whole document.
"""

import asyncio
import io
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

logger = logging.getLogger(__name__)

FIELD_NAME = "Siegel"
DEV_FOLDER = "seal"
DEV_CERT, DEV_KEY = "seal-cert.pem", "seal-key.pem"
DEV_SUBJECT = "MdI Rheinland-Pfalz – Siegel (Entwicklung)"


class SealUnavailable(RuntimeError):
    """The seal is not configured (production) or its files cannot be read."""


@dataclass(frozen=True)
class SealConfig:
    """Where the seal's certificate and key lie, and the key's passphrase."""

    cert: Path
    key: Path
    passphrase: bytes | None = None


def make_self_signed(folder: Path, *, now: datetime | None = None) -> SealConfig:
    """Write a self-signed seal certificate and its key into `folder` (development, tests)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Antrag (Entwicklung)"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_SUBJECT),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEV_CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file = folder / DEV_KEY
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return SealConfig(folder / DEV_CERT, key_file)


def development_seal(instance_path: str) -> SealConfig:
    """Return the instance folder's self-signed seal, making it on first use (race-safe)."""
    target = Path(instance_path) / DEV_FOLDER
    if not (target / DEV_CERT).is_file():
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".seal-", dir=instance_path))
        make_self_signed(scratch)
        try:
            os.rename(scratch, target)  # atomic: a concurrent worker's seal wins, not a mix
            logger.info("Self-signed development seal made in %s", target)
        except OSError:
            for child in scratch.iterdir():
                child.unlink()
            scratch.rmdir()
    return SealConfig(target / DEV_CERT, target / DEV_KEY)


def configured_seal(config, instance_path: str) -> SealConfig:
    """Return the seal the app is configured with, or the development seal outside production."""
    cert, key = config.get("NOTICE_SEAL_CERT"), config.get("NOTICE_SEAL_KEY")
    passphrase = config.get("NOTICE_SEAL_PASSPHRASE")
    if cert and key:
        return SealConfig(Path(cert), Path(key), passphrase.encode() if passphrase else None)
    if not config.get("NOTICE_SEAL_DEVELOPMENT", True):
        raise SealUnavailable("NOTICE_SEAL_CERT and NOTICE_SEAL_KEY are not configured")
    return development_seal(instance_path)


def current_seal() -> SealConfig:
    """Return the seal of the running app."""
    from flask import current_app

    return configured_seal(current_app.config, current_app.instance_path)


def seal_pdf(data: bytes, seal: SealConfig, *, reason: str, location: str = "Mainz") -> bytes:
    """Return `data` with a PAdES seal over the whole document, appended incrementally."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    try:
        signer = signers.SimpleSigner.load(
            str(seal.key), str(seal.cert), key_passphrase=seal.passphrase
        )
    except (OSError, ValueError) as exc:
        raise SealUnavailable(f"the seal files cannot be read: {exc}") from exc
    if signer is None:
        raise SealUnavailable("the seal's key or certificate cannot be loaded")
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    _tab_order_by_structure(writer)
    return outside_event_loop(lambda: signers.sign_pdf(writer, metadata, signer=signer)).getvalue()


def outside_event_loop(call):
    """Run `call` here, or in a helper thread where an event loop runs in this one.

    pyHanko's synchronous `sign_pdf` starts its own loop with `asyncio.run`, which fails
    inside a running loop (an async server, a test driving a browser).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _tab_order_by_structure(writer) -> None:
    """Give every page /Tabs /S: the seal adds an annotation, and PDF/UA (7.18.3) asks it."""
    from pyhanko.pdf_utils import generic

    for index in range(int(writer.root["/Pages"]["/Count"])):
        page_ref, _ = writer.find_page_for_modification(index)
        page = page_ref.get_object()
        page["/Tabs"] = generic.NameObject("/S")
        writer.update_container(page)
