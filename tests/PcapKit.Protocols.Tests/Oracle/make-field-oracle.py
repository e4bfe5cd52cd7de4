#!/usr/bin/env python3
"""Regenerates field-oracle.tsv: tshark's value of every field the standard pack exports, for the corpus frames
that carry a protocol beyond Ethernet/IPv4/TCP/UDP and the application layer (those are covered column by column by the corpus oracle), and
for the frames of synthetic.pcapng (protocols the corpus lacks).

Run by hand from the repository root after building the CLI, with the oracle's tshark (4.0.17) installed:
    python3 tests/PcapKit.Protocols.Tests/Oracle/make-field-oracle.py ../shared/corpus
The tests never call tshark; they read the committed output. One line per (capture, frame, field, value)."""
import json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
corpus = sys.argv[1]
cli = ["dotnet", "src/PcapKit.Cli/bin/Debug/net10.0/PcapKit.Cli.dll"]
tshark_fields = {l.split("\t")[0] for l in open(os.path.join(here, "tshark-fields.tsv")) if not l.startswith("#")}

def walk(fields, out):
    for f in fields:
        if f.get("display_name") and f["kind"] not in ("list", "structure"):
            out.add(f["display_name"])
        walk(f.get("children", []), out)

pack = json.loads(subprocess.run(cli + ["protocols", "--json", "--fields"], check=True, capture_output=True, text=True).stdout)
names = set()
for p in pack["protocols"]:
    walk(p["fields"], names)
# Payloads are compared by the round-trip and reassembly tests; here they would only make the file large.
names = sorted(n for n in names if n in tshark_fields and not n.endswith(".payload") and n != "tls.app_data")
extended = {"vlan", "ieee8021ad", "llc", "sll", "null", "raw", "arp", "ipv6", "ipv6.hopopts", "ipv6.dstopts", "ipv6.routing",
            "ipv6.fraghdr", "icmp", "icmpv6", "igmp", "gre", "sctp", "dccp", "udplite", "mpls", "ah", "esp", "mipv6", "dns", "mdns", "llmnr", "http", "ntp", "dhcp", "tls"}
prefs = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE",
         "-o", "tcp.relative_sequence_numbers:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE",
         "-o", "sctp.relative_tsns:FALSE", "-o", "dccp.relative_sequence_numbers:FALSE"]

def run(path, label, only_extended):
    args = ["tshark", "-n", "-r", path] + prefs + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number", "-e", "frame.protocols"]
    for n in names:
        args += ["-e", n]
    result = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    rows = []
    for line in result.stdout.splitlines():
        cells = line.split("\t")
        number, chain = cells[0], cells[1]
        if only_extended and not set(chain.split(":")) & extended:
            continue
        rows.append((label, number, "frame.protocols", chain))
        # TLS that tshark reaches through another application protocol (MySQL's or SMTP's STARTTLS) is not the pack's:
        # it has no such protocols, so the segment stays TCP payload.
        upgraded = ":tls" in chain and ":tcp:tls" not in chain
        for name, value in zip(names, cells[2:]):
            if upgraded and name.startswith("tls."):
                continue
            if value:
                rows.append((label, number, name, value))
    return rows

rows = []
for capture in sorted(f[: -len(".tshark.tsv")] for f in os.listdir(corpus) if f.endswith(".tshark.tsv")):
    if os.path.exists(os.path.join(corpus, capture + ".tshark.err")):
        continue
    rows += run(os.path.join(corpus, capture), capture, True)
rows += run(os.path.join(here, "synthetic.pcapng"), "synthetic.pcapng", False)

with open(os.path.join(here, "field-oracle.tsv"), "w", newline="") as f:
    f.write("# capture\tframe\tfield\tvalue (tshark 4.0.17, " + " ".join(prefs) + ")\n")
    # tshark's -T fields escapes tabs and line ends itself, so values are written as tshark printed them (a csv writer
    # would double their backslashes and escape their quotes).
    for row in rows:
        f.write("\t".join(row) + "\n")
print(len(rows), "values from", len({(r[0], r[1]) for r in rows}), "frames")
