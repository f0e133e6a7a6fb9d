"""Mail: an outbox written in the same transaction as the transition, relayed later."""
