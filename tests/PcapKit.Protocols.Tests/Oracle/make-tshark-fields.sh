#!/bin/sh
# Regenerates tshark-fields.tsv: the tshark field names (and types) under the display prefixes of the standard
# pack, from `tshark -G fields`. Run by hand with the oracle's tshark (4.0.17, Debian 12); the tests never call tshark.
set -eu
cd "$(dirname "$0")"
prefixes='eth|vlan|ieee8021ad|llc|sll|null|arp|ip|ipv6|icmp|icmpv6|igmp|gre|tcp|udp|udplite|sctp|dccp|mpls|ah|esp|mip6|dns|http|ntp|dhcp|tls|http2|ftp'
{
  printf '# tshark %s -G fields, the fields under: %s\n' "$(tshark -v | head -1 | awk '{print $3}')" "$prefixes"
  tshark -G fields | awk -F'\t' -v re="^($prefixes)\\\\." '$1 == "F" && $3 ~ re { print $3 "\t" $4 }' | sort -u
} > tshark-fields.tsv
