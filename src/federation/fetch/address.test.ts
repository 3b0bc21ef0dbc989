import { test } from "node:test";
import assert from "node:assert/strict";
import { isPublicAddress } from "./address.ts";

const refused = [
  "0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.0.0.2",
  "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1",
  "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1",
  "255.255.255.255",
  "::", "::1", "[::1]", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1",
  "::ffff:169.254.169.254", "64:ff9b::7f00:1", "64:ff9b::10.0.0.1", "64:ff9b:1::1", "100::1",
  "2001::1", "2001:db8::1", "2002:7f00:1::1", "3fff::1", "fc00::1", "fd12:3456::1", "fe80::1",
  "fe80::1%eth0", "fec0::1", "ff02::1",
  "", "localhost", "not an address", "1.2.3", "::ffff:999.1.1.1", "1:2:3:4:5:6:7:8:9",
];
const allowed = [
  "1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
  "192.169.0.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:81b::200e", "[2620:fe::fe]",
  "::ffff:8.8.8.8", "::ffff:808:808", "64:ff9b::8.8.8.8",
];

test("non-public addresses are refused, IPv4-mapped and NAT64 forms included", () => {
  for (const a of refused) assert.equal(isPublicAddress(a), false, a);
});

test("public addresses are allowed", () => {
  for (const a of allowed) assert.equal(isPublicAddress(a), true, a);
});
