import { describe, expect, it } from 'vitest';
import {
  dceRpcBind,
  dnsQuery,
  ikev2SaInit,
  netbiosNbstat,
  ntpClientRequest,
  portmapperNullCall,
  ripRequest,
  snmpGetSysDescr,
  udpPayloadFor,
} from './udpPayloads.js';

describe('UDP payloads', () => {
  it('DNS: one standard recursive question for ". NS"', () => {
    const q = dnsQuery(0x1234);
    expect(q.readUInt16BE(0)).toBe(0x1234);
    const flags = q.readUInt16BE(2);
    expect(flags >> 15).toBe(0); // QR = query
    expect((flags >> 11) & 0xf).toBe(0); // standard query
    expect((flags >> 8) & 1).toBe(1); // RD
    expect([q.readUInt16BE(4), q.readUInt16BE(6), q.readUInt16BE(8), q.readUInt16BE(10)]).toEqual([1, 0, 0, 0]);
    expect(q[12]).toBe(0); // root name
    expect(q.readUInt16BE(13)).toBe(2); // NS
    expect(q.readUInt16BE(15)).toBe(1); // IN
    expect(q.length).toBe(17);
  });

  it('portmapper: RPC v2 CALL to program 100000 v2 procedure 0 with AUTH_NONE', () => {
    const c = portmapperNullCall(0xdeadbeef);
    const words = Array.from({ length: 10 }, (_, i) => c.readUInt32BE(i * 4));
    expect(words).toEqual([0xdeadbeef, 0, 2, 100000, 2, 0, 0, 0, 0, 0]);
  });

  it('DCE/RPC: a 72-byte bind to the endpoint mapper with NDR — same bytes Nmap sends', () => {
    const b = dceRpcBind(1);
    expect(b.toString('hex')).toBe(
      '05000b03100000004800000001000000b810b810000000000100000000000100' +
        '0883afe11f5dc91191a408002b14a0fa03000000045d888aeb1cc9119fe808002b10486002000000',
    );
  });

  it('NetBIOS: NBSTAT query for "*" with the first-level encoded name', () => {
    const n = netbiosNbstat(0x0102);
    expect(n.readUInt16BE(0)).toBe(0x0102);
    expect(n.readUInt16BE(4)).toBe(1);
    expect(n[12]).toBe(32);
    expect(n.subarray(13, 45).toString('ascii')).toBe('CK' + 'A'.repeat(30));
    expect(n[45]).toBe(0);
    expect(n.readUInt16BE(46)).toBe(0x21);
    expect(n.readUInt16BE(48)).toBe(1);
  });

  it('SNMP: v1 GetRequest, community public, sysDescr.0', () => {
    const s = snmpGetSysDescr(0x01020304);
    expect(s.toString('hex')).toBe(
      '3029' + '020100' + '0406' + Buffer.from('public').toString('hex') +
        'a01c' + '020401020304' + '020100' + '020100' + '300e' + '300c' + '06082b06010201010100' + '0500',
    );
  });

  it('IKEv2: SA_INIT header, SA / KE / Nonce chain and consistent lengths', () => {
    const m = ikev2SaInit(Buffer.from('0102030405060708', 'hex'));
    expect(m.subarray(0, 8).toString('hex')).toBe('0102030405060708');
    expect(m.subarray(8, 16).equals(Buffer.alloc(8))).toBe(true);
    expect(m[16]).toBe(33); // SA
    expect(m[17]).toBe(0x20); // version 2.0
    expect(m[18]).toBe(34); // IKE_SA_INIT
    expect(m[19]).toBe(0x08); // initiator
    expect(m.readUInt32BE(24)).toBe(m.length);
    // Walk the payload chain.
    let next = m[16] ?? 0;
    let off = 28;
    const seen: number[] = [];
    while (next !== 0) {
      seen.push(next);
      const len = m.readUInt16BE(off + 2);
      next = m[off] ?? 0;
      off += len;
    }
    expect(seen).toEqual([33, 34, 40]);
    expect(off).toBe(m.length);
    // KE payload names DH group 14 with a 256-byte public value.
    expect(m.readUInt16BE(28 + 48 + 4)).toBe(14);
    expect(m.readUInt16BE(28 + 48 + 2)).toBe(264);
  });

  it('NTP and RIP requests', () => {
    const n = ntpClientRequest(Date.UTC(2024, 0, 1));
    expect(n.length).toBe(48);
    expect(n[0]! & 7).toBe(3); // client mode
    expect((n[0]! >> 3) & 7).toBe(4); // version 4
    expect(n.readUInt32BE(40)).toBe(Date.UTC(2024, 0, 1) / 1000 + 2_208_988_800);
    expect(ripRequest().toString('hex')).toBe('01020000' + '00'.repeat(16) + '00000010');
  });

  it('maps ports to payloads; unknown ports get an empty datagram', () => {
    expect(udpPayloadFor(53).description).toMatch(/DNS/);
    expect(udpPayloadFor(161).payload[0]).toBe(0x30);
    expect(udpPayloadFor(500).payload.length).toBe(376);
    expect(udpPayloadFor(9999)).toEqual({ payload: Buffer.alloc(0), description: 'empty datagram' });
  });
});
