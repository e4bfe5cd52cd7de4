#!/bin/sh
# Regenerates tcp-analysis.tsv: the corpus frames tshark's TCP sequence analysis (on by default) calls
# retransmissions, keep-alives, zero-window probes or out-of-order segments, whose payload it hands to no dissector — so tshark shows no application layer there while the
# pack, which dissects each frame on its own, does. Run by hand with the oracle's tshark (4.0.17); tests never call tshark.
#   sh tests/PcapKit.Protocols.Tests/Oracle/make-retransmissions.sh ../shared/corpus
set -eu
corpus=$1
out="$(dirname "$0")/tcp-analysis.tsv"
printf '# capture\tframe (tshark 4.0.17: retransmissions, keep-alives, zero-window probes and out-of-order segments, with the corpus oracle'"'"'s preferences)\n' > "$out"
for f in "$corpus"/*.pcap "$corpus"/*.pcapng; do
  name=$(basename "$f")
  tshark -n -r "$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
    -Y 'tcp.analysis.retransmission || tcp.analysis.keep_alive || tcp.analysis.zero_window_probe || tcp.analysis.out_of_order' -T fields -e frame.number 2>/dev/null | sed "s/^/$name\t/" >> "$out" || true
done
