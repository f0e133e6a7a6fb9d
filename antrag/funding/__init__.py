"""After approval: funding notices, the round's budget ledger, call-offs of funds, proof of use."""
