"""The OpenAPI paths beyond the uniform resources: account, master data, uploads, downloads."""

from .openapi_operations import (
    OBJECT_READ,
    PAGINATION,
    READ,
    TAG_ACCOUNT,
    TAG_DOCS,
    UPLOAD_BODY,
    WRITE,
    add,
    json_body,
    json_ok,
    operation,
    path_id,
    pdf_ok,
    query,
)


def add_other_paths(paths: dict) -> None:
    """Add the account, master data, creation, upload and download operations."""
    applications, notices, proofs = (
        "Anträge auf Mitgliedschaft",
        "Förderbescheide",
        "Verwendungsnachweise",
    )
    add(
        paths,
        "/me",
        "get",
        operation("me", "Ihr Konto", TAG_ACCOUNT, ok=json_ok("Me", "Das Konto des Tokens.")),
    )
    add(
        paths,
        "/rounds",
        "get",
        operation(
            "rounds",
            "Antragsrunden",
            TAG_ACCOUNT,
            description="Die Runden, neueste zuerst. Kommunen sehen, ob sie antragsberechtigt "
            "sind (`eligible`); Ministerium und Administration sehen die Haushaltszahlen (`budget`).",
            parameters=PAGINATION,
            ok=json_ok("RoundPage", "Eine Seite der Runden."),
            problems=(*READ, 422),
        ),
    )
    add(
        paths,
        "/municipalities",
        "get",
        operation(
            "municipalities",
            "Kommunen",
            TAG_ACCOUNT,
            description="Die Kommunen in Rheinland-Pfalz, nach Namen sortiert.",
            parameters=(
                *PAGINATION,
                query(
                    "q",
                    "Teil des Namens oder des Gemeindeschlüssels (AGS).",
                    {"type": "string", "maxLength": 100},
                ),
            ),
            ok=json_ok("MunicipalityPage", "Eine Seite der Kommunen."),
            problems=(*READ, 422),
        ),
    )
    add(
        paths,
        "/workflows",
        "get",
        operation(
            "workflows",
            "Workflows",
            TAG_ACCOUNT,
            description="Jeder Workflow mit seinen Status, Aktionen, Rollen und Bedingungen.",
            ok=json_ok("WorkflowList", "Alle Workflows in allen Versionen."),
        ),
    )
    add(
        paths,
        "/applications",
        "post",
        operation(
            "create_application",
            "Antrag anlegen",
            applications,
            description="Legt einen Entwurf in einer Runde (`round_id`) an, auf Wunsch gleich mit "
            "Angaben. Nur für Kommunen; hat die Kommune in der Runde schon einen Antrag, "
            "antwortet die API mit 409 und nennt ihn in `existing`.",
            body=json_body("ApplicationCreate", "Die Runde und beliebige Angaben des Antrags."),
            ok=json_ok(
                "ApplicationDetail",
                "Der Antrag wurde angelegt.",
                status=201,
                location="Der neue Antrag.",
            ),
            problems=tuple(s for s in WRITE if s != 404),
        ),
    )
    add(
        paths,
        "/applications/{object_id}",
        "patch",
        operation(
            "update_application",
            "Antrag ändern",
            applications,
            description="Ändert Angaben eines bearbeitbaren Antrags (`editable`). Nicht genannte "
            "Felder bleiben, wie sie sind; Projekte mit `id` werden geändert, ohne `id` angelegt, "
            "mit `remove: true` entfernt.",
            parameters=(path_id(),),
            body=json_body("ApplicationUpdate", "Die gesehene Version und die geänderten Angaben."),
            ok=json_ok("ApplicationDetail", "Der geänderte Antrag."),
            problems=WRITE,
        ),
    )
    add_attachments(
        paths,
        "/applications/{object_id}",
        applications,
        detail="ApplicationDetail",
        upload=("upload_application_attachment", "Ratsbeschluss hochladen"),
        upload_description="Lädt den Ratsbeschluss als PDF hoch (`multipart/form-data`).",
        download=("application_attachment", "Anlage herunterladen"),
    )
    for collection, operation_id, tag, title in (
        ("funding-notices", "notice_pdf", notices, "Förderbescheid als PDF"),
        ("rejection-notices", "rejection_notice_pdf", "Ablehnungsbescheide", "Ablehnung als PDF"),
        (
            "amendment-notices",
            "amendment_notice_pdf",
            "Änderungsbescheide",
            "Änderungsbescheid als PDF",
        ),
    ):
        add(
            paths,
            f"/{collection}/{{object_id}}/pdf",
            "get",
            operation(
                operation_id,
                title,
                tag,
                description="Der Bescheid, wie er beim Erlass gespeichert wurde. Der erste Abruf "
                "durch die Kommune gibt einen elektronisch bereitgestellten Bescheid bekannt "
                "(§ 41 Abs. 2a VwVfG).",
                parameters=(path_id(),),
                ok=pdf_ok("Der Bescheid."),
                problems=OBJECT_READ,
            ),
        )
    add(
        paths,
        "/funding-notices/{object_id}/call-offs",
        "post",
        operation(
            "create_call_off",
            "Mittel abrufen",
            notices,
            description="Ruft Mittel aus einem bestandskräftigen Bescheid ab (nur die Kommune).",
            parameters=(path_id(),),
            body=json_body("CallOffRequest", "Der Betrag und eine Notiz."),
            ok=json_ok(
                "CallOffDetail",
                "Der Mittelabruf wurde angelegt.",
                status=201,
                location="Der neue Mittelabruf.",
            ),
            problems=WRITE,
        ),
    )
    add(
        paths,
        "/proofs-of-use/{object_id}",
        "patch",
        operation(
            "update_proof",
            "Verwendungsnachweis ändern",
            proofs,
            description="Speichert den Sachbericht und die Ausgaben je Projekt (nur die Kommune).",
            parameters=(path_id(),),
            body=json_body("ProofOfUseUpdate", "Die gesehene Version, Bericht und Ausgaben."),
            ok=json_ok("ProofOfUseDetail", "Der geänderte Verwendungsnachweis."),
            problems=WRITE,
        ),
    )
    add_attachments(
        paths,
        "/proofs-of-use/{object_id}",
        proofs,
        detail="ProofOfUseDetail",
        upload=("upload_proof_attachment", "Beleg hochladen"),
        upload_description="Hängt einen Beleg oder Bericht als PDF an (`multipart/form-data`).",
        download=("proof_attachment", "Beleg herunterladen"),
    )
    mentoring = "Mentoring-Zuordnungen"
    add(
        paths,
        "/mentoring-gaps",
        "get",
        operation(
            "mentoring_gaps",
            "Offene Mentoring-Lücken",
            mentoring,
            description="Kommunen, für die kein passendes Mentoring mehr frei war, mit den "
            "Mentorinnen und Mentoren und ihrer Auslastung (nur das Ministerium).",
            parameters=PAGINATION,
            ok=json_ok("MentoringGapPage", "Eine Seite der offenen Lücken."),
            problems=(*READ, 403, 422),
        ),
    )
    add(
        paths,
        "/mentoring-gaps/{object_id}/proposals",
        "post",
        operation(
            "propose_mentor",
            "Mentoring von Hand vorschlagen",
            mentoring,
            description="Schlägt für eine Lücke eine Mentorin oder einen Mentor mit freier "
            "Kapazität vor (`mentor_id`; nur das Ministerium).",
            parameters=(path_id(description="Die Nummer (`id`) der Lücke."),),
            body=json_body("MentorProposal", "Die vorgeschlagene Person."),
            ok=json_ok(
                "MentoringAssignmentDetail",
                "Die Zuordnung wurde vorgeschlagen.",
                status=201,
                location="Die neue Zuordnung.",
            ),
            problems=WRITE,
        ),
    )
    add(
        paths,
        "/openapi.json",
        "get",
        operation(
            "openapi",
            "Diese Beschreibung (OpenAPI 3.1)",
            TAG_DOCS,
            public=True,
            problems=(),
            ok={
                "200": {
                    "description": "Das OpenAPI-Dokument.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        ),
    )
    add(
        paths,
        "/docs",
        "get",
        operation(
            "docs",
            "Dokumentation für Menschen",
            TAG_DOCS,
            public=True,
            problems=(),
            ok={
                "200": {
                    "description": "Diese Seite.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            },
        ),
    )


def add_attachments(paths, item, tag, *, detail, upload, upload_description, download) -> None:
    """Add the PDF upload (`POST item/attachments`) and download of one kind of case."""
    add(
        paths,
        f"{item}/attachments",
        "post",
        operation(
            upload[0],
            upload[1],
            tag,
            description=upload_description,
            parameters=(path_id(),),
            body=UPLOAD_BODY,
            ok=json_ok(
                detail, "Die Datei wurde gespeichert.", status=201, location="Die neue Datei."
            ),
            problems=WRITE,
        ),
    )
    add(
        paths,
        f"{item}/attachments/{{attachment_id}}",
        "get",
        operation(
            download[0],
            download[1],
            tag,
            parameters=(path_id(), path_id("attachment_id", "Die Nummer (`id`) der Datei.")),
            ok=pdf_ok("Die Datei."),
            problems=OBJECT_READ,
        ),
    )
