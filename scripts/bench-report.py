#!/usr/bin/env python3
"""Turns make bench's raw figures into target/bench/report.md and report.svg.

Reads target/bench/gnutls.tsv (scripts/bench-gnutls.sh: each row measured in
interleaved rounds against the system GnuTLS and against stepup),
target/bench/uia.tsv and target/bench/tls.md (the Rust benches). For each
GnuTLS row it gives both medians, the median of the per-round ratios and their
spread (lowest and highest), and whether the row meets its target.
"""

import csv
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "target" / "bench"

# row: (what it measures, target). For the memory row the target is an upper
# bound on stepup's bytes; for the others a lower bound on stepup / GnuTLS.
GNUTLS_ROWS = {
    "handshake-ecdsa": ("full handshake, ECDSA P-256", 2.0),
    "handshake-ecdsa-server": ("the same, server side only", 2.0),
    "handshake-rsa": ("full handshake, RSA-2048", 2.0),
    "handshake-ed25519": ("full handshake, Ed25519", None),
    "handshake-client-cert": ("with a client certificate at the handshake", 2.0),
    "reauth": ("post-handshake reauth rounds on one session", 2.0),
    "resumed": ("resumed handshake", 2.0),
    "resumed-server": ("resumed handshake, server side", 2.0),
    "bulk-aes-128-gcm": ("bulk AES-128-GCM, 16 KiB records", 1.3),
    "bulk-chacha20-poly1305": ("bulk ChaCha20-Poly1305, 16 KiB records", 3.0),
    "memory-idle-pair": ("heap per idle session pair", 15000),
}
MEMORY = "memory-idle-pair"

# (store, threads): two-stage flows per second that make bench must reach.
UIA_TARGETS = {
    ("memory", 4): 100_000,
    ("sqlite", 1): 10_000,
    ("sqlite", 4): 10_000,
    ("postgres", 4): 2_000,
}


def read_gnutls():
    """{row: {"system": [values by round], "stepup": [...], "unit": str}}"""
    rows = {}
    with open(BENCH / "gnutls.tsv", newline="") as f:
        for rec in csv.DictReader(f, delimiter="\t"):
            row = rows.setdefault(rec["row"], {"unit": rec["unit"], "system": {}, "stepup": {}})
            row[rec["library"]][int(rec["round"])] = float(rec["value"])
    return rows


def ratio(row, system, stepup):
    """stepup's advantage: above 1 is better for stepup, for every row."""
    if row == MEMORY:
        return system / stepup if stepup else 0.0
    return stepup / system if system else 0.0


def summarise(rows):
    out = []
    for name, (what, target) in GNUTLS_ROWS.items():
        if name not in rows:
            continue
        r = rows[name]
        rounds = sorted(set(r["system"]) & set(r["stepup"]))
        ratios = [ratio(name, r["system"][k], r["stepup"][k]) for k in rounds]
        med_sys = statistics.median(r["system"][k] for k in rounds)
        med_step = statistics.median(r["stepup"][k] for k in rounds)
        med_ratio = statistics.median(ratios)
        if target is None:
            met = None
        elif name == MEMORY:
            met = med_step <= target
        else:
            met = med_ratio >= target
        out.append(
            dict(name=name, what=what, unit=r["unit"], target=target, system=med_sys, stepup=med_step,
                 ratio=med_ratio, low=min(ratios), high=max(ratios), met=met, rounds=len(rounds))
        )
    return out


def read_uia():
    path = BENCH / "uia.tsv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return [
            dict(store=r["store"], threads=int(r["threads"]), flows=float(r["flows_per_s"]),
                 p99_us=float(r["p99_us"]))
            for r in csv.DictReader(f, delimiter="\t")
        ]


def fmt(v):
    return f"{v:,.0f}"


def markdown(summary, uia):
    rounds = max((s["rounds"] for s in summary), default=0)
    lines = [
        "## TLS 1.3 through the GnuTLS API: stepup against the system GnuTLS",
        "",
        f"One C program (benches/gnutls_bench.c) built against the system GnuTLS, run against it and against",
        f"build/compat/libgnutls.so.30 in {rounds} interleaved rounds; client and server in one thread over",
        "in-memory push/pull functions; rates per CPU-second (server rows: the server's calls only).",
        "Medians of the rounds; the ratio is the median of the per-round ratios stepup / GnuTLS",
        "(for memory, GnuTLS / stepup), with their lowest and highest.",
        "",
        "| row | unit | system GnuTLS | stepup | ratio | spread | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in summary:
        if s["target"] is None:
            target, met = "–", "–"
        elif s["name"] == MEMORY:
            target, met = f"≤ {fmt(s['target'])} bytes", "yes" if s["met"] else "**no**"
        else:
            target, met = f"≥ {s['target']:.1f}×", "yes" if s["met"] else "**no**"
        lines.append(
            f"| {s['what']} | {s['unit']} | {fmt(s['system'])} | {fmt(s['stepup'])} | {s['ratio']:.2f}× "
            f"| {s['low']:.2f}–{s['high']:.2f} | {target} | {met} |"
        )
    if uia:
        lines += [
            "",
            "## UIA targets (two-stage flows per second)",
            "",
            "| store | threads | flows/s | p99 per call | target | met |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for u in uia:
            t = UIA_TARGETS.get((u["store"], u["threads"]))
            met = "–" if t is None else ("yes" if u["flows"] >= t else "**no**")
            lines.append(
                f"| {u['store']} | {u['threads']} | {fmt(u['flows'])} | {u['p99_us']:.0f} µs "
                f"| {'–' if t is None else '≥ ' + fmt(t)} | {met} |"
            )
    return "\n".join(lines) + "\n"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg(summary, uia):
    """Bars of stepup's advantage on a log scale, with the spread, the target
    and the 1× line; then UIA flows against their targets."""
    import math

    width, label_w, bar_h, gap = 900, 330, 18, 8
    plot_w = width - label_w - 90
    lo, hi = math.log(0.25), math.log(8.0)

    def x(v):
        v = min(max(v, 0.25), 8.0)
        return label_w + (math.log(v) - lo) / (hi - lo) * plot_w

    uia_rows = [u for u in uia if (u["store"], u["threads"]) in UIA_TARGETS]
    height = 70 + len(summary) * (bar_h + gap) + 60 + len(uia_rows) * (bar_h + gap) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        '<text x="10" y="22" font-size="15" font-weight="bold">stepup / system GnuTLS '
        "(same C program, medians of interleaved rounds; log scale)</text>",
        '<text x="10" y="40" fill="#555">green: target met · red: not met · grey: no target · '
        "whisker: lowest–highest round · black tick: target</text>",
    ]
    top = 55
    for tick in (0.25, 0.5, 1, 2, 4, 8):
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + len(summary) * (bar_h + gap)}" '
                     f'stroke="{"#000" if tick == 1 else "#ddd"}"/>')
        parts.append(f'<text x="{tx:.1f}" y="{top + len(summary) * (bar_h + gap) + 14}" '
                     f'text-anchor="middle">{tick:g}×</text>')
    for i, s in enumerate(summary):
        y = top + i * (bar_h + gap)
        colour = "#999" if s["met"] is None else ("#2a8a3a" if s["met"] else "#c0392b")
        x0, x1 = x(1.0), x(s["ratio"])
        parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{esc(s["what"])}</text>')
        parts.append(f'<rect x="{min(x0, x1):.1f}" y="{y}" width="{abs(x1 - x0):.1f}" height="{bar_h}" '
                     f'fill="{colour}" opacity="0.85"/>')
        parts.append(f'<line x1="{x(s["low"]):.1f}" y1="{y + bar_h / 2}" x2="{x(s["high"]):.1f}" '
                     f'y2="{y + bar_h / 2}" stroke="#222"/>')
        if s["target"] is not None:
            t = s["system"] / s["target"] if s["name"] == MEMORY else s["target"]
            parts.append(f'<line x1="{x(t):.1f}" y1="{y - 2}" x2="{x(t):.1f}" y2="{y + bar_h + 2}" '
                         f'stroke="#000" stroke-width="3"/>')
        parts.append(f'<text x="{width - 85}" y="{y + 13}">{s["ratio"]:.2f}×</text>')
    if uia_rows:
        top2 = top + len(summary) * (bar_h + gap) + 45
        parts.append(f'<text x="10" y="{top2 - 12}" font-size="15" font-weight="bold">'
                     "UIA two-stage flows per second, against the target (tick = target)</text>")
        peak = max(max(u["flows"], UIA_TARGETS[(u["store"], u["threads"])]) for u in uia_rows) * 1.1
        for i, u in enumerate(uia_rows):
            y = top2 + i * (bar_h + gap)
            t = UIA_TARGETS[(u["store"], u["threads"])]
            colour = "#2a8a3a" if u["flows"] >= t else "#c0392b"
            w = u["flows"] / peak * plot_w
            tx = label_w + t / peak * plot_w
            parts.append(f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">'
                         f'{u["store"]}, {u["threads"]} thread{"s" if u["threads"] > 1 else ""}</text>')
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" opacity="0.85"/>')
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_h + 2}" stroke="#000" stroke-width="3"/>')
            parts.append(f'<text x="{width - 85}" y="{y + 13}">{fmt(u["flows"])}/s</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    summary = summarise(read_gnutls())
    uia = read_uia()
    (BENCH / "gnutls.md").write_text(markdown(summary, uia))
    (BENCH / "report.svg").write_text(svg(summary, uia))
    sections = ["# stepup benchmarks", "", "Chart: target/bench/report.svg", ""]
    for name in ("gnutls.md", "uia.md", "tls.md"):
        if (BENCH / name).exists():
            sections.append((BENCH / name).read_text())
    (BENCH / "report.md").write_text("\n".join(sections))
    sys.stdout.write((BENCH / "gnutls.md").read_text())
    missing = [s["name"] for s in summary if s["met"] is False]
    missing += [f"uia {u['store']}×{u['threads']}" for u in uia
                if (u["store"], u["threads"]) in UIA_TARGETS and u["flows"] < UIA_TARGETS[(u["store"], u["threads"])]]
    print(f"\nbench-report: {len(missing)} target(s) not met{': ' + ', '.join(missing) if missing else ''}")


if __name__ == "__main__":
    main()
