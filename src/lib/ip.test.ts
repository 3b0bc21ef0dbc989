import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalIp, clientGroupKey, formatRange, parseIp, parseRange, rangeContains } from "./ip.ts";

test("addresses: IPv4, IPv6 in its forms, canonical text per RFC 5952", () => {
  assert.equal(canonicalIp("192.0.2.7"), "192.0.2.7");
  assert.equal(canonicalIp("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  assert.equal(canonicalIp("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1", "the first of two equal zero runs is compressed");
  assert.equal(canonicalIp("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1", "a single zero group stays");
  assert.equal(canonicalIp("::"), "::");
  assert.equal(canonicalIp("::1"), "::1");
  assert.equal(canonicalIp("fe80::"), "fe80::");
  assert.equal(canonicalIp("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
  for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4x", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7::8:9"]) {
    assert.equal(parseIp(bad), null, `refused: ${JSON.stringify(bad)}`);
  }
});

test("IPv4-mapped IPv6 addresses and ranges are IPv4", () => {
  assert.deepEqual(parseIp("::ffff:192.0.2.1"), parseIp("192.0.2.1"));
  assert.deepEqual(parseIp("::ffff:c000:201"), parseIp("192.0.2.1"));
  assert.equal(formatRange(parseRange("::ffff:10.0.0.0/104")!), "10.0.0.0/8");
  assert.equal(parseRange("::ffff:10.0.0.0/90"), null, "a mapped range must stay inside the IPv4 space");
  assert.ok(rangeContains(parseRange("192.0.2.0/24")!, parseIp("::ffff:192.0.2.200")!));
});

test("ranges: host bits cleared, containment by version and prefix", () => {
  assert.equal(formatRange(parseRange("10.1.2.3/8")!), "10.0.0.0/8");
  assert.equal(formatRange(parseRange("192.0.2.7")!), "192.0.2.7/32");
  assert.equal(formatRange(parseRange("2001:db8::1")!), "2001:db8::1/128");
  assert.equal(formatRange(parseRange("2001:DB8:aa:bb:cc::/48")!), "2001:db8:aa::/48");
  assert.equal(formatRange(parseRange("0.0.0.0/0")!), "0.0.0.0/0");
  for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/1a", "nope/8"]) assert.equal(parseRange(bad), null, bad);
  const v4 = parseRange("198.51.100.0/22")!;
  assert.ok(rangeContains(v4, parseIp("198.51.103.255")!));
  assert.ok(!rangeContains(v4, parseIp("198.51.104.0")!));
  const v6 = parseRange("2001:db8:1::/48")!;
  assert.ok(rangeContains(v6, parseIp("2001:db8:1:ffff::5")!));
  assert.ok(!rangeContains(v6, parseIp("2001:db8:2::5")!));
  assert.ok(!rangeContains(parseRange("::/0")!, parseIp("10.0.0.1")!), "an IPv6 range never holds an IPv4 address");
  assert.ok(rangeContains(parseRange("0.0.0.0/0")!, parseIp("10.0.0.1")!));
});

test("client group key: IPv4 as is, IPv6 by /64", () => {
  assert.equal(clientGroupKey(parseIp("203.0.113.9")!), "203.0.113.9");
  assert.equal(clientGroupKey(parseIp("2001:db8:a:b:1:2:3:4")!), "2001:db8:a:b::/64");
  assert.equal(clientGroupKey(parseIp("2001:db8:a:b::ffff")!), clientGroupKey(parseIp("2001:db8:a:b:9::1")!));
  assert.notEqual(clientGroupKey(parseIp("2001:db8:a:b::1")!), clientGroupKey(parseIp("2001:db8:a:c::1")!));
  assert.equal(clientGroupKey(parseIp("::ffff:203.0.113.9")!), "203.0.113.9");
});
