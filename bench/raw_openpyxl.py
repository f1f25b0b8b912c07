"""The export's yardstick: openpyxl write-only writing N reg-code-like rows, nothing else around it.

Prints rows/s and peak RSS growth in MB.
"""

import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook


def rss(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def main() -> None:
    rows = int(sys.argv[1])
    Path("/proc/self/clear_refs").write_text("5")  # measure the peak from here on
    before = rss("VmRSS")
    started = time.monotonic()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reg codes")
    ws.append(
        ["ID", "Code", "Days", "State", "Activated", "Deadline", "Creator", "Remark", "Created"]
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    for i in range(rows):
        ws.append([i, f"B{i:019d}", 30, "未激活", None, None, "admin", "bench", now])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        wb.save(f.name)
    seconds = time.monotonic() - started
    print(f"{rows / seconds:.1f} {rss('VmHWM') - before:.1f}")


if __name__ == "__main__":
    main()
