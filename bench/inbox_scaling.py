"""The ministry's inbox with 1,000 and with 100,000 cases: page time and SQL queries per page.

The same measurement as `queue_scaling.py` (same seeded world, same logged-in reviewer,
Flask test client), on `/eingang/` instead of `/pruefung/`: the inbox joins every subject
table to name the city, leaves out what four eyes bars and counts up to QUEUE_COUNT_CAP.
Target: as the queue, median page time at 100k / at 1k <= 1.5, and the number of SQL
queries per page the same for page sizes 20 and 100.

    .venv/bin/python bench/inbox_scaling.py [--database-url postgresql://…] [--large N]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import queue_scaling  # noqa: E402

if __name__ == "__main__":
    queue_scaling.QUEUE_URL = "/eingang/"
    queue_scaling.main()
