#!/usr/bin/python3
"""Writes synthetic.pcapng: hand-built frames for protocols and layouts the corpus lacks, one interface per link
type. Run by hand with Debian's python3-scapy (2.5); make-field-oracle.py then records tshark's view of them."""
import os
from scapy.all import (Ether, Dot3, Dot1Q, Dot1AD, LLC, SNAP, ARP, IP, IPv6, IPOption, TCP, UDP, ICMP, GRE, Raw,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrFragment, IPv6ExtHdrSegmentRouting,
                       HAO, RouterAlert, Jumbo, PadN, Pad1, ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6ND_RA,
                       ICMPv6ND_RS, ICMPv6ND_Redirect, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo,
                       ICMPv6NDOptMTU, ICMPv6NDOptRDNSS, ICMPv6NDOptDNSSL, ICMPv6NDOptRouteInfo, ICMPv6NDOptRedirectedHdr,
                       ICMPv6MLQuery, ICMPv6MLReport, ICMPv6DestUnreach, ICMPv6PacketTooBig, ICMPv6TimeExceeded,
                       ICMPv6ParamProblem, ICMPv6EchoReply, SCTP, SCTPChunkInit, SCTPChunkInitAck, SCTPChunkData,
                       SCTPChunkSACK, SCTPChunkHeartbeatReq, SCTPChunkHeartbeatAck, SCTPChunkAbort, SCTPChunkShutdown,
                       SCTPChunkShutdownAck, SCTPChunkShutdownComplete, SCTPChunkCookieEcho, SCTPChunkCookieAck,
                       SCTPChunkError, AH, ESP, CookedLinux)
from scapy.contrib.mpls import MPLS
from scapy.contrib.igmp import IGMP
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3mq, IGMPv3mr, IGMPv3gr
from scapy.utils import PcapNgWriter, wrpcapng
from scapy.layers.inet6 import MIP6MH_BRR

mac_a, mac_b = "00:11:22:33:44:55", "66:77:88:99:aa:bb"
v4a, v4b = "192.0.2.1", "198.51.100.2"
v6a, v6b = "2001:db8::1", "2001:db8::2"
eth4 = lambda: Ether(src=mac_a, dst=mac_b)

ethernet = [
    # IPv4 options with a defined layout.
    eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x94\x04\x00\x00"), IPOption(b"\x01"), IPOption(b"\x07\x0b\x04" + bytes(8))]) / ICMP(),
    eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x83\x0b\x04\xc0\x00\x02\x63\xc6\x33\x64\x02"), IPOption(b"\x00")]) / TCP(sport=1, dport=2),
    eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x44\x0c\x05\x00" + bytes(8))]) / UDP(sport=3, dport=4),
    eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x88\x04\x12\x34"), IPOption(b"\x0b\x04\x05\xdc"), IPOption(b"\x0c\x04\x05\xdc")]) / ICMP(),
    eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x52\x0c\x00\x01\x00\x02\x00\x03\xc0\x00\x02\x01"), IPOption(b"\x19\x08\x00\x05\x00\x00\x12\x34")]) / ICMP(),
    # TCP options beyond the corpus: Fast Open, MD5, user timeout, TCP-AO, MPTCP, an unknown kind.
    eth4() / IP(src=v4a, dst=v4b) / TCP(sport=40000, dport=80, flags="S", options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7), ("TFO", b"\x01\x02\x03\x04\x05\x06\x07\x08")]),
    eth4() / IP(src=v4a, dst=v4b) / TCP(sport=40000, dport=179, flags="A", options=[("MD5", bytes(range(16))), ("NOP", None), ("NOP", None)]),
    eth4() / IP(src=v4a, dst=v4b) / TCP(sport=40000, dport=80, flags="A", options=[(28, b"\x80\x3c"), ("NOP", None), ("NOP", None), (29, b"\x01\x02" + bytes(range(12))), (99, b"\xaa\xbb")]),
    eth4() / IP(src=v4a, dst=v4b) / TCP(sport=40000, dport=80, flags="S", options=[(30, b"\x00\x81\x01\x02\x03\x04\x05\x06\x07\x08")]),
    # ICMP: echo, unreachable with the quoted datagram, time exceeded, parameter problem, redirect, timestamp, router advertisement/solicitation.
    eth4() / IP(src=v4a, dst=v4b) / ICMP(type=8, id=0x1234, seq=7) / Raw(b"ping"),
    eth4() / IP(src=v4b, dst=v4a) / ICMP(type=3, code=3) / IP(src=v4a, dst=v4b) / UDP(sport=5000, dport=53),
    eth4() / IP(src=v4b, dst=v4a) / ICMP(type=11, code=0) / IP(src=v4a, dst=v4b, ttl=1) / TCP(sport=5001, dport=80),
    eth4() / IP(src=v4b, dst=v4a) / ICMP(type=12, code=0, ptr=20) / IP(src=v4a, dst=v4b) / ICMP(),
    eth4() / IP(src=v4b, dst=v4a) / ICMP(type=5, code=1, gw="192.0.2.254") / IP(src=v4a, dst=v4b) / UDP(sport=5002, dport=123),
    eth4() / IP(src=v4a, dst=v4b) / ICMP(type=13, id=1, seq=2, ts_ori=1000, ts_rx=2000, ts_tx=3000),
    eth4() / IP(src=v4a, dst="224.0.0.1") / ICMP(type=9, addr_mask="255.255.255.0") / Raw(b"\x01\x02\x00\x1e\xc0\x00\x02\x01\x00\x00\x00\x00"),
    eth4() / IP(src=v4a, dst="224.0.0.2") / ICMP(type=10),
    # IGMP v1, v2, v3 query and report.
    eth4() / IP(src=v4a, dst="224.0.0.1") / IGMP(type=0x11, mrcode=0, gaddr="0.0.0.0"),
    eth4() / IP(src=v4a, dst="239.1.2.3") / IGMP(type=0x16, mrcode=0, gaddr="239.1.2.3"),
    eth4() / IP(src=v4a, dst="224.0.0.1") / IGMPv3(type=0x11, mrcode=100) / IGMPv3mq(gaddr="239.1.2.3", s=1, qrv=2, qqic=125, srcaddrs=["192.0.2.9", "192.0.2.10"]),
    eth4() / IP(src=v4a, dst="224.0.0.22") / IGMPv3(type=0x22) / IGMPv3mr(records=[IGMPv3gr(rtype=4, maddr="239.1.2.3"), IGMPv3gr(rtype=1, maddr="239.1.2.4", srcaddrs=["192.0.2.9"])]),
    # GRE with checksum, key and sequence number, carrying IPv4; plain GRE carrying IPv6.
    eth4() / IP(src=v4a, dst=v4b) / GRE(chksum_present=1, key_present=1, seqnum_present=1, key=0x1234, seqence_number=42) / IP(src="10.0.0.1", dst="10.0.0.2") / ICMP(),
    eth4() / IP(src=v4a, dst=v4b) / GRE(proto=0x86dd) / IPv6(src=v6a, dst=v6b) / UDP(sport=1, dport=2),
    # IP in IP: 4in4, 6in4, 4in6, 6in6.
    eth4() / IP(src=v4a, dst=v4b) / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=7, dport=9),
    eth4() / IP(src=v4a, dst=v4b) / IPv6(src=v6a, dst=v6b) / ICMPv6EchoRequest(),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IP(src="10.0.0.1", dst="10.0.0.2") / TCP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6(src="2001:db8::a", dst="2001:db8::b") / UDP(sport=1, dport=2),
    # IPv6 extension headers and options: Hop-by-Hop (router alert, jumbo), Destination (home address, PadN), routing 0/2/SRH, fragment, AH, ESP.
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), PadN(optdata=b"\x00\x00")]) / ICMPv6MLReport(mladdr="ff02::1:3"),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrDestOpt(options=[HAO(hoa="2001:db8::99")]) / UDP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrRouting(type=0, addresses=["2001:db8::10", "2001:db8::11"], segleft=2) / UDP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrRouting(type=2, addresses=["2001:db8::99"], segleft=1) / UDP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrSegmentRouting(addresses=["2001:db8::20", "2001:db8::21"], segleft=1, lastentry=1) / UDP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrFragment(id=0xabcdef, m=1, offset=0) / UDP(sport=1, dport=2, len=1000) / Raw(bytes(16)),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / IPv6ExtHdrFragment(id=0xabcdef, m=0, offset=125, nh=17) / Raw(bytes(16)),
    # AH: scapy computes its length field; the ICV is 12 bytes (HMAC-SHA1-96).
    eth4() / IP(src=v4a, dst=v4b) / AH(spi=0x1000, seq=5, icv=bytes(12), nh=6, payloadlen=4) / TCP(sport=1, dport=2),
    eth4() / IP(src=v4a, dst=v4b) / ESP(spi=0x2000, seq=9) / Raw(bytes(range(24))),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / MIP6MH_BRR(),
    # ICMPv6: errors with the quoted packet, echo, NDP with every RFC 4861 option plus RDNSS, DNSSL and route information, MLDv1 query.
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6b, dst=v6a) / ICMPv6DestUnreach(code=4) / IPv6(src=v6a, dst=v6b) / UDP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6b, dst=v6a) / ICMPv6PacketTooBig(mtu=1280) / IPv6(src=v6a, dst=v6b) / TCP(sport=1, dport=2),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6b, dst=v6a) / ICMPv6TimeExceeded() / IPv6(src=v6a, dst=v6b, hlim=1) / ICMPv6EchoRequest(),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6b, dst=v6a) / ICMPv6ParamProblem(code=1, ptr=40) / IPv6(src=v6a, dst=v6b, nh=200),
    Ether(src=mac_a, dst=mac_b) / IPv6(src=v6a, dst=v6b) / ICMPv6EchoReply(id=3, seq=4, data=b"pong"),
    Ether(src=mac_a, dst="33:33:00:00:00:02") / IPv6(src="fe80::1", dst="ff02::2") / ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=mac_a),
    Ether(src=mac_a, dst="33:33:00:00:00:01") / IPv6(src="fe80::1", dst="ff02::1") / ICMPv6ND_RA(M=1, O=1, routerlifetime=1800, reachabletime=30000, retranstimer=1000)
        / ICMPv6NDOptSrcLLAddr(lladdr=mac_a) / ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64)
        / ICMPv6NDOptRouteInfo(prefix="2001:db8:2::", plen=48, prf=1, rtlifetime=600) / ICMPv6NDOptRDNSS(dns=["2001:db8::53", "2001:db8::54"], lifetime=300)
        / ICMPv6NDOptDNSSL(searchlist=["example.com."], lifetime=300),
    Ether(src=mac_a, dst=mac_b) / IPv6(src="fe80::1", dst="ff02::1:ff00:2") / ICMPv6ND_NS(tgt="2001:db8::2") / ICMPv6NDOptSrcLLAddr(lladdr=mac_a),
    Ether(src=mac_b, dst=mac_a) / IPv6(src="2001:db8::2", dst="fe80::1") / ICMPv6ND_NA(R=0, S=1, O=1, tgt="2001:db8::2") / ICMPv6NDOptDstLLAddr(lladdr=mac_b),
    Ether(src=mac_a, dst=mac_b) / IPv6(src="fe80::1", dst="2001:db8::2") / ICMPv6ND_Redirect(tgt="fe80::99", dst="2001:db8::77") / ICMPv6NDOptDstLLAddr(lladdr=mac_b)
        / ICMPv6NDOptRedirectedHdr(pkt=IPv6(src="2001:db8::2", dst="2001:db8::77") / UDP(sport=1, dport=2)),
    Ether(src=mac_a, dst="33:33:00:00:00:01") / IPv6(src="fe80::1", dst="ff02::1") / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0), PadN(optdata=b"\x00\x00")]) / ICMPv6MLQuery(mrd=10000),
    # SCTP: the chunk types the pack lays out.
    eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0) / SCTPChunkInit(init_tag=0x11223344, a_rwnd=65535, n_out_streams=10, n_in_streams=10, init_tsn=1000),
    eth4() / IP(src=v4b, dst=v4a) / SCTP(sport=38412, dport=5000, tag=0x11223344) / SCTPChunkInitAck(init_tag=0x55667788, a_rwnd=32768, n_out_streams=5, n_in_streams=5, init_tsn=2000),
    eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0x55667788) / SCTPChunkCookieEcho(cookie=b"cookie!!") / SCTPChunkData(tsn=1000, stream_id=1, stream_seq=0, proto_id=60, data=b"hello"),
    eth4() / IP(src=v4b, dst=v4a) / SCTP(sport=38412, dport=5000, tag=0x11223344) / SCTPChunkCookieAck() / SCTPChunkSACK(cumul_tsn_ack=1000, a_rwnd=32768, n_gap_ack=0, n_dup_tsn=0),
    eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0x55667788) / SCTPChunkHeartbeatReq() / SCTPChunkHeartbeatAck(),
    eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0x55667788) / SCTPChunkShutdown(cumul_tsn_ack=2000) / SCTPChunkShutdownAck() / SCTPChunkShutdownComplete(),
    eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0x55667788) / SCTPChunkError() / SCTPChunkAbort(),
    # Link: QinQ, 802.3 with LLC and SNAP, ARP with other address sizes, RARP, MPLS with two labels.
    Ether(src=mac_a, dst=mac_b) / Dot1AD(vlan=100) / Dot1Q(vlan=200, prio=5) / IP(src=v4a, dst=v4b) / UDP(sport=1, dport=2),
    Dot3(src=mac_a, dst="01:80:c2:00:00:00") / LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(bytes(35)),
    Dot3(src=mac_a, dst="01:00:0c:cc:cc:cc") / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0x00000c, code=0x2000) / Raw(bytes(20)),
    Ether(src=mac_a, dst="01:00:0c:cc:cc:cc") / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) / IP(src=v4a, dst=v4b) / ICMP(),
    Ether(src=mac_a, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=mac_a, psrc=v4a, pdst=v4b),
    Ether(src=mac_a, dst="ff:ff:ff:ff:ff:ff", type=0x8035) / ARP(op=3, hwsrc=mac_a, hwdst=mac_a),
    Ether(src=mac_a, dst="ff:ff:ff:ff:ff:ff") / ARP(hwtype=6, ptype=0x86dd, hwlen=6, plen=16, op=1, hwsrc=mac_a, psrc=v6a, pdst=v6b),
    Ether(src=mac_a, dst=mac_b) / MPLS(label=16, s=0, ttl=64) / MPLS(label=17, s=1, ttl=63) / IP(src=v4a, dst=v4b) / ICMP(),
    Ether(src=mac_a, dst=mac_b) / MPLS(label=18, s=1, ttl=64) / IPv6(src=v6a, dst=v6b) / UDP(sport=1, dport=2),
]

# DCCP and UDP-Lite: scapy has no layers for them; built from their RFC layouts.
def dccp(src_port, dst_port, packet_type, extended=True):
    import struct
    offset = 4 if extended else 3
    head = struct.pack("!HHBBH", src_port, dst_port, offset, 0, 0)
    if extended:
        head += struct.pack("!BB", (packet_type << 1) | 1, 0) + (1234567).to_bytes(6, "big")
    else:
        head += struct.pack("!B", packet_type << 1) + (12345).to_bytes(3, "big")
    return head
ethernet.append(eth4() / IP(src=v4a, dst=v4b, proto=33) / Raw(dccp(5001, 5002, 0)))
ethernet.append(eth4() / IP(src=v4a, dst=v4b, proto=33) / Raw(dccp(5001, 5002, 2, extended=False)))
ethernet.append(eth4() / IP(src=v4a, dst=v4b, proto=136) / Raw(b"\x13\x88\x00\x35\x00\x08\x00\x00" + b"query"))

frames = [(1, bytes(p)) for p in ethernet]
frames += [
    (113, bytes(CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("001122334455") + b"\x00\x00", proto=0x0800) / IP(src=v4a, dst=v4b) / UDP(sport=1, dport=2))),
    (276, bytes.fromhex("0800 0000 00000002 0001 00 06 001122334455 0000") + bytes(IP(src=v4a, dst=v4b) / ICMP())),
    (0, b"\x1e\x00\x00\x00" + bytes(IPv6(src=v6a, dst=v6b) / UDP(sport=1, dport=2))),
    (108, b"\x00\x00\x00\x02" + bytes(IP(src=v4a, dst=v4b) / TCP(sport=1, dport=2))),
    (101, bytes(IPv6(src=v6a, dst=v6b) / ICMPv6EchoRequest())),
    (228, bytes(IP(src=v4a, dst=v4b) / UDP(sport=1, dport=2))),
    (229, bytes(IPv6(src=v6a, dst=v6b) / TCP(sport=1, dport=2))),
]

# IPv4 options whose value switches layouts or holds TLVs (added after the frames above, keeping their numbers): the
# timestamp option with addresses (flag 1) and prespecified (flag 3), and CIPSO with every tag type (FIPS 188: 1
# restrictive bitmap, 5 ranged, 6 permissive bitmap, 7 free form, 2 enumerated).
import struct
cipso_tags = bytes([1, 6, 0, 3, 0xa0, 0x01]) + bytes([5, 8, 0, 1, 0, 10, 0, 2]) + bytes([6, 5, 0, 7, 0xff]) + bytes([7, 5]) + b"abc" + bytes([2, 8, 0, 4, 0, 1, 0, 9])
frames += [
    (1, bytes(eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x44\x14\x0d\x31\xc0\x00\x02\x09" + struct.pack("!I", 123456) + b"\xc0\x00\x02\x0a" + bytes(4))]) / ICMP())),
    (1, bytes(eth4() / IP(src=v4a, dst=v4b, options=[IPOption(b"\x44\x0c\x05\x03\x0a\x00\x00\x01" + bytes(4))]) / ICMP())),
    (1, bytes(eth4() / IP(src=v4a, dst=v4b, options=[IPOption(bytes([134, 6 + len(cipso_tags)]) + struct.pack("!I", 3) + cipso_tags), IPOption(b"\x00")]) / ICMP())),
]

# SCTP chunks whose values hold lists (added after the frames above, keeping their numbers): INIT and INIT ACK with
# parameters, SACK with gap blocks and a duplicate TSN, HEARTBEAT with its information parameter, ABORT and ERROR
# with causes. Built from RFC 9260's layouts (each TLV padded to 4 bytes); scapy computes the CRC32c.
def param(kind, value):
    body = struct.pack("!HH", kind, 4 + len(value)) + value
    return body + bytes(-len(body) % 4)
def chunk(kind, value, flags=0):
    body = struct.pack("!BBH", kind, flags, 4 + len(value)) + value
    return body + bytes(-len(body) % 4)
init_params = (param(5, bytes([192, 0, 2, 1])) + param(6, bytes.fromhex("20010db8000000000000000000000001")) + param(9, struct.pack("!I", 5000))
               + param(12, struct.pack("!HH", 5, 6)) + param(11, b"host.example\x00") + param(0x8000, b"") + param(0xC000, b"") + param(0x8008, b"\x40\xc1"))
sctp_frames = [
    chunk(1, struct.pack("!IIHHI", 0x11223344, 65535, 10, 10, 1000) + init_params),
    chunk(2, struct.pack("!IIHHI", 0x55667788, 32768, 5, 5, 2000) + param(7, b"cookie-of-9") + param(8, param(0x1234, b"\xaa\xbb"))),
    chunk(3, struct.pack("!IIHH", 1000, 32768, 2, 1) + struct.pack("!HHHH", 2, 3, 5, 9) + struct.pack("!I", 1001)),
    chunk(4, param(1, b"heartbeat-info")) + chunk(5, param(1, b"heartbeat-info")),
    chunk(6, param(1, struct.pack("!HH", 7, 0)) + param(9, struct.pack("!I", 1234)) + param(12, b"bye") + param(4, b"")),
    chunk(9, param(3, struct.pack("!I", 250000)) + param(2, struct.pack("!IHH", 2, 7, 9))),
]
frames += [(1, bytes(eth4() / IP(src=v4a, dst=v4b) / SCTP(sport=5000, dport=38412, tag=0x55667788) / Raw(c))) for c in sctp_frames]

# ICMP "fragmentation needed" (RFC 1191): the next-hop MTU in the unreachable's last two bytes (appended, as above).
frames += [(1, bytes(eth4() / IP(src=v4b, dst=v4a) / ICMP(type=3, code=4, nexthopmtu=1400) / IP(src=v4a, dst=v4b, flags="DF") / UDP(sport=5003, dport=53)))]

# An IGMPv1 membership report (RFC 1112): its second byte is unused (appended, as above).
frames += [(1, bytes(eth4() / IP(src=v4a, dst="239.1.2.3") / IGMP(type=0x12, mrcode=0, gaddr="239.1.2.3")))]

# SNAP protocol ids under the organizations tshark names them by (llc.type for 802.1H's 0x0000f8, AppleTalk's, IANA's,
# Nortel's, Bluetooth's, …) and one it does not know (llc.pid) (appended, as above).
for oui in (0x0000f8, 0x080007, 0x000081, 0x00005e, 0x004096, 0x001958, 0x0001e8, 0x00e02b, 0x00e052, 0x0017f2, 0x123456):
    frames.append((1, bytes(Dot3(src=mac_a, dst="01:00:0c:cc:cc:cc") / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=oui, code=0x2000) / Raw(bytes(20)))))

# Multipath TCP options (RFC 8684 §3), one per subtype and length form, and some whose length fits no form (appended, as above).
mptcp = [
    bytes([0x01, 0x81]),                                                                   # MP_CAPABLE v1 SYN
    bytes([0x00, 0x81]) + bytes(range(1, 9)),                                              # v0, sender key
    bytes([0x01, 0x01]) + bytes(range(1, 17)),                                             # both keys
    bytes([0x01, 0x01]) + bytes(range(1, 17)) + bytes.fromhex("0064"),                     # and the data-level length
    bytes([0x01, 0x81]) + bytes(range(1, 17)) + bytes.fromhex("0064abcd"),                 # and the checksum
    bytes([0x01, 0x3e]), bytes([0x00, 0x81]) + bytes(range(1, 13)),                        # every flag; a length of no form
    bytes([0x11, 0x05]) + bytes.fromhex("deadbeef01020304"),                               # MP_JOIN SYN
    bytes([0x10, 0x05]) + bytes(range(1, 9)) + bytes.fromhex("a1a2a3a4"),                  # SYN/ACK
    bytes([0x10, 0x00]) + bytes(range(1, 21)),                                             # third ACK
    bytes([0x11, 0x05]) + bytes(range(1, 7)),                                              # no form
    bytes([0x20, 0x01]) + bytes.fromhex("00000010"),                                       # DSS: a 4-byte data ACK
    bytes([0x20, 0x0e]) + bytes.fromhex("0000000000000020000000300040"),                   # 8-byte DSN mapping, no ACK
    bytes([0x20, 0x14]) + bytes.fromhex("000000200000003000400000"),                       # DATA_FIN, 4-byte DSN, checksum
    bytes([0x30, 0x07, 10, 0, 0, 1]),                                                      # ADD_ADDR IPv4
    bytes([0x30, 0x07, 10, 0, 0, 1, 0x1f, 0x90]),                                          # and a port
    bytes([0x30, 0x07, 10, 0, 0, 1]) + bytes(range(1, 9)),                                 # and a truncated HMAC
    bytes([0x31, 0x07]) + bytes.fromhex("20010db8000000000000000000000001") + bytes.fromhex("1f90") + bytes(range(1, 9)),  # IPv6, echo
    bytes([0x40, 0x07, 0x08]),                                                             # REMOVE_ADDR
    bytes([0x51]), bytes([0x50, 0x03]),                                                    # MP_PRIO, with an address id
    bytes([0x60, 0x00]) + bytes.fromhex("0000000000000099"),                               # MP_FAIL
    bytes([0x70, 0x00]) + bytes(range(1, 9)),                                              # MP_FASTCLOSE
    bytes([0x8a, 0x02]),                                                                   # MP_TCPRST
    bytes([0xf0, 0x12, 0x34]),                                                             # experimental
]
for n, value in enumerate(mptcp):
    frames.append((1, bytes(eth4() / IP(src=v4a, dst=v4b) / TCP(sport=40000 + n, dport=80, flags="A", options=[(30, value)]))))

# DNS Search List options (RFC 8106 §5.2): two names then padding, a label that runs past the option, padding alone (appended, as above).
def dnssl(names):
    body = b"\x00\x00" + struct.pack("!I", 300) + names
    body += bytes(-(len(body) + 2) % 8)
    return bytes([31, (len(body) + 2) // 8]) + body
for names in (b"\x07example\x03com\x00\x01a\x01b\x00", b"\x03abc\x09xy", b""):
    frames.append((1, bytes(Ether(src=mac_a, dst="33:33:00:00:00:01") / IPv6(src="fe80::1", dst="ff02::1") / ICMPv6ND_RA() / Raw(dnssl(names)))))

# CIPSO tags' categories (FIPS 188): a bitmap with bits set, with none, without one; ranges, a last range without its
# low end, a range of one category; an enumerated list (appended, as above).
def cipso_tag(kind, data):
    return bytes([kind, len(data) + 4, 0, 5]) + data
for tag in (cipso_tag(1, bytes([0xa0, 0x01])), cipso_tag(1, bytes(2)), cipso_tag(1, b""), cipso_tag(5, struct.pack("!HHHH", 10, 2, 7, 5)),
            cipso_tag(5, struct.pack("!HHH", 10, 2, 7)), cipso_tag(5, struct.pack("!HH", 10, 10)), cipso_tag(2, struct.pack("!HH", 1, 9))):
    option = bytes([134, len(tag) + 6]) + struct.pack("!I", 3) + tag
    option += bytes(-len(option) % 4)
    frames.append((1, bytes(eth4() / IP(src=v4a, dst=v4b, options=[IPOption(option)]) / UDP(sport=5004, dport=53))))

# SNAP under 802.1H's OUI 0x0000f8 carries an EtherType, dissected as such (tshark too); AppleTalk's OUI does not
# (appended, as above).
for oui in (0x0000f8, 0x080007):
    frames.append((1, bytes(Dot3(src=mac_a, dst=mac_b) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=oui, code=0x0800) / IP(src=v4a, dst=v4b) / UDP(sport=5005, dport=5006))))

# One pcapng interface per link type, in order of first use.
import struct
def block(kind, body):
    body += bytes(-len(body) % 4)
    return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
interfaces = {}
for link, _ in frames:
    if link not in interfaces:
        interfaces[link] = len(interfaces)
        out += block(1, struct.pack("<HHI", link, 0, 262144))
for n, (link, data) in enumerate(frames):
    ts = 1_700_000_000_000_000 + n
    out += block(6, struct.pack("<IIIII", interfaces[link], ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + data)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic.pcapng"), "wb") as f:
    f.write(out)
print(len(frames), "frames,", len(interfaces), "interfaces")
