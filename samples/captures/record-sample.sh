#!/bin/bash
# Re-records samples/captures/loopback.pcap: real loopback traffic from real stacks, small enough to ship.
# curl fetches pages from a local HTTP server (IPv4 and IPv6), dig asks a local DNS server (UDP, and TCP after
# truncation), ping sends ICMP echo, one of them large enough to be fragmented. Everything runs in a private
# network namespace whose loopback has an Ethernet-like MTU, so nothing leaves the machine.
# Needs root and Debian packages: tcpdump curl dnsmasq-base dnsutils iputils-ping iproute2 ethtool python3.
# Usage: samples/captures/record-sample.sh [output.pcap]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/loopback.pcap}

if [ -z "${IN_SAMPLE_NETNS:-}" ]; then
  need=""; for p in tcpdump curl dnsmasq-base dnsutils iputils-ping iproute2 ethtool python3; do
    dpkg -s $p >/dev/null 2>&1 || need="$need $p"; done
  if [ -n "$need" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; fi
  exec env IN_SAMPLE_NETNS=1 unshare -n "$0" "$OUT"
fi

ip link set lo up
ip link set lo mtu 1500
ethtool -K lo tso off gso off gro off tx off rx off >/dev/null 2>&1 || true   # Ethernet-sized segments, computed checksums
WWW=$(mktemp -d /tmp/sample-www.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WWW"; }
trap cleanup EXIT

cat > "$WWW/index.html" <<'HTML'
<!doctype html><html><head><title>PcapKit.Gen sample</title></head>
<body><h1>Hello from the loopback</h1><p>This page was fetched by curl while tcpdump listened.</p></body></html>
HTML
python3 -c 'import sys; sys.stdout.write("line of text for a larger page\n" * 400)' > "$WWW/large.txt"

python3 -m http.server 8080 --bind 127.0.0.1 --directory "$WWW" >/dev/null 2>&1 & PIDS+=($!)
python3 -m http.server 8081 --bind ::1 --directory "$WWW" >/dev/null 2>&1 & PIDS+=($!)
TXT=$(python3 -c 'print("v=sample " + "x"*200)')
dnsmasq -k --user=root --port=53 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
  --cache-size=0 --address=/sample.test/127.0.0.1 --host-record=www.sample.test,127.0.0.2,::2 \
  --txt-record=txt.sample.test,"$TXT","$TXT","$TXT" >/dev/null 2>&1 & PIDS+=($!)
sleep 1

tcpdump -i lo -s 0 -U -w "$OUT" 2>/dev/null & TP=$!
sleep 1
curl -s http://127.0.0.1:8080/index.html >/dev/null
curl -s http://127.0.0.1:8080/large.txt >/dev/null
curl -s -H 'Connection: keep-alive' http://127.0.0.1:8080/index.html http://127.0.0.1:8080/missing >/dev/null
curl -s 'http://[::1]:8081/index.html' >/dev/null
dig +tries=1 +time=1 @127.0.0.1 www.sample.test A >/dev/null
dig +tries=1 +time=1 @127.0.0.1 www.sample.test AAAA >/dev/null
dig +tries=1 +time=1 @127.0.0.1 txt.sample.test TXT +bufsize=512 >/dev/null   # truncated, then over TCP
ping -q -c 2 -i 0.2 127.0.0.1 >/dev/null
ping -q -c 1 -s 3000 127.0.0.1 >/dev/null                                     # fragmented echo
ping -q -6 -c 2 -i 0.2 ::1 >/dev/null
sleep 1
kill -INT $TP; wait $TP || true
echo "wrote $OUT"
