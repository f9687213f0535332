"""Write ``assets/logs/sample-access.log.gz``: a synthetic nginx/Apache combined-format log.

Why synthetic: real logs hold people's addresses. This one is shaped like a small site's
quarter of an hour (a base of about 2 requests per second, a flash crowd from minute 5 that
reaches ten times that within 30 s and fades by minute 11), in one server's local time (-0400,
like the NASA 1995 logs), with the mess real logs have: lines slightly out of order (a request is
logged when it ends), a user agent in Latin-1 bytes, and a handful of junk lines.

Deterministic: the same bytes every run (a fixed seed, and gzip's timestamp set to 0), so the
test's counts stay true. Run from the repository root::

    python assets/logs/make_sample.py
"""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).with_name("sample-access.log.gz")
START = datetime(1995, 7, 1, 4, 0, 0, tzinfo=UTC)  # midnight in -0400
LOCAL = timezone(timedelta(hours=-4))
SECONDS = 900
SEED = 1995
PATHS = ["/", "/images/logo.gif", "/shuttle/missions/sts-71/", "/history/apollo/", "/cgi-bin/search"]
AGENTS = [b"Mozilla/2.0 (X11; Linux)", b"Mosaic/2.7b5", b"Lynx/2.3 libwww/2.14",
          "NaviPress/2.0 (Gr\u00fcnwald)".encode("latin-1")]  # not UTF-8, as some clients send
JUNK = [
    b"",                                                     # a blank line
    b"199.72.81.55 - - [01/Jul/1995:00:03:1",               # cut mid-line (a full disk)
    b"[Sat Jul 01 00:04:00 1995] [error] [client 1.2.3.4] File does not exist: /x",  # error log
    b"\x00\x17\xff\xfe binary noise \x80\x81",              # not text at all
    b"205.189.154.54 - - [31/Feb/1995:00:05:00 -0400] \"GET / HTTP/1.0\" 200 7074 \"-\" \"x\"",  # no such day
    b"GET / HTTP/1.0",                                       # a request line alone
]


def rate(t: float) -> float:
    """Requests per second at second ``t``: 2, ten times that from 300 s to 600 s."""
    if t < 300:
        return 2.0
    if t < 330:
        return 2.0 + 18.0 * (t - 300) / 30
    if t < 600:
        return 20.0
    if t < 660:
        return 20.0 - 18.0 * (t - 600) / 60
    return 2.0


def main() -> None:
    rng = random.Random(SEED)
    entries: list[tuple[float, bytes]] = []
    for sec in range(SECONDS):
        lam = rate(sec + 0.5)
        n = int(lam) + (1 if rng.random() < lam - int(lam) else 0)
        for _ in range(n):
            t = sec + rng.random()
            when = (START + timedelta(seconds=int(t))).astimezone(LOCAL)
            host = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            path = rng.choice(PATHS)
            status, size = (200, rng.randint(200, 60_000)) if rng.random() < 0.95 else (404, 0)
            line = (f'{host} - - [{when.strftime("%d/%b/%Y:%H:%M:%S %z")}] "GET {path} HTTP/1.0" '
                    f'{status} {size if size else "-"} "-" "').encode() + rng.choice(AGENTS) + b'"'
            # logged when the response ends: up to 3 s later, so lines come slightly out of order
            entries.append((t + rng.expovariate(2.0), line))
    entries.sort(key=lambda e: e[0])
    lines = [line for _, line in entries]
    for i, junk in enumerate(JUNK):
        lines.insert(200 + 500 * i, junk)
    with OUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(b"\n".join(lines) + b"\n")
    print(f"wrote {OUT}: {len(entries)} requests, {len(JUNK)} junk lines")


if __name__ == "__main__":
    main()
