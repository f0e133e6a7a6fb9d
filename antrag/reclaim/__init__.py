"""The reclaim procedure (Rückforderung): hearing, decision, payment and receipt of the money."""
