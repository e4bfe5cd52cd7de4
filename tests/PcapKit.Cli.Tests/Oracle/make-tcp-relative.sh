#!/bin/sh
# Regenerates tcp-relative.tsv: tshark's relative TCP sequence numbers (tcp.seq, tcp.ack, tcp.nxtseq, on by default)
# for every TCP frame of the corpus, with the corpus oracle's preferences (no IP defragmentation, no TCP
# desegmentation, default configuration, UTC). Run by hand with the oracle's tshark (4.0.17, Debian 12); the tests
# never call tshark.
#   sh tests/PcapKit.Cli.Tests/Oracle/make-tcp-relative.sh ../shared/corpus
set -eu
corpus=$1
out="$(cd "$(dirname "$0")" && pwd)/tcp-relative.tsv"
config=$(mktemp -d)
printf '# capture\tframe.number\ttcp.stream\ttcp.seq\ttcp.ack\ttcp.nxtseq (tshark %s, relative sequence numbers)\n' "$(tshark -v | head -1 | awk '{print $3}')" > "$out"
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
  name=$(basename "$f")
  TZ=UTC LC_ALL=C WIRESHARK_CONFIG_DIR=$config tshark -n -r "$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
    -Y tcp -T fields -E occurrence=a -E aggregator=, -e frame.number -e tcp.stream -e tcp.seq -e tcp.ack -e tcp.nxtseq 2>/dev/null | sed "s/^/$name\t/" >> "$out" || true
done
rm -rf "$config"
