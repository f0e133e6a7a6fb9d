"""The link of a mentoring gap's inbox row: where the ministry proposes a mentor."""

from dataclasses import dataclass


@dataclass(frozen=True)
class GapLink:
    """Where the ministry proposes a mentor for a gap, in the shape rows link subjects."""

    gap_id: int
    ENDPOINT = "mentoring.overview"

    def url_values(self) -> dict:
        return {"_anchor": f"gap-{self.gap_id}-title"}

    def can_view(self, user) -> bool:
        return user.role == "reviewer"
