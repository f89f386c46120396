/**
 * A valid request per well-known UDP port. Real services ignore garbage, so a UDP probe that
 * should get a *reply* (not only an ICMP port unreachable) must speak the service's protocol.
 * Ports without a known request get an empty datagram.
 */
import { randomBytes } from 'node:crypto';

export interface UdpPayload {
  payload: Buffer;
  /** Short description for the probe's `detail`, e.g. `DNS query ". NS"`. */
  description: string;
}

/** DNS standard query (RD set) for the root zone's NS records: tiny, and any DNS server answers it. */
export function dnsQuery(id = randomBytes(2).readUInt16BE(0)): Buffer {
  const b = Buffer.alloc(12 + 1 + 4);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(0x0100, 2); // QR=0 query, opcode 0, RD=1
  b.writeUInt16BE(1, 4); // QDCOUNT
  // ANCOUNT, NSCOUNT, ARCOUNT = 0; QNAME = root (a single zero byte)
  b[12] = 0;
  b.writeUInt16BE(2, 13); // QTYPE NS
  b.writeUInt16BE(1, 15); // QCLASS IN
  return b;
}

/** ONC RPC call (RFC 5531) to the portmapper (program 100000 v2), procedure 0 NULL, AUTH_NONE. */
export function portmapperNullCall(xid = randomBytes(4).readUInt32BE(0)): Buffer {
  const b = Buffer.alloc(40);
  b.writeUInt32BE(xid >>> 0, 0);
  b.writeUInt32BE(0, 4); // msg_type CALL
  b.writeUInt32BE(2, 8); // rpcvers
  b.writeUInt32BE(100000, 12); // prog: portmapper
  b.writeUInt32BE(2, 16); // vers
  b.writeUInt32BE(0, 20); // proc NULL
  // cred AUTH_NONE (flavor 0, length 0), verf AUTH_NONE: 16 zero bytes
  return b;
}

/** A UUID in DCE's little-endian wire form (first three fields little-endian). */
function uuidLE(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  const out = Buffer.alloc(16);
  out.writeUInt32LE(b.readUInt32BE(0), 0);
  out.writeUInt16LE(b.readUInt16BE(4), 4);
  out.writeUInt16LE(b.readUInt16BE(6), 6);
  b.copy(out, 8, 8, 16);
  return out;
}

export const EPM_UUID = 'e1af8308-5d1f-11c9-91a4-08002b14a0fa';
export const NDR_UUID = '8a885d04-1ceb-11c9-9fe8-08002b104860';

/** DCE/RPC (v5.0) bind PDU to the endpoint mapper interface (v3.0), NDR transfer syntax v2 — 72 bytes. */
export function dceRpcBind(callId = 1): Buffer {
  const b = Buffer.alloc(72);
  b[0] = 5; // rpc_vers
  b[1] = 0; // rpc_vers_minor
  b[2] = 11; // PTYPE bind
  b[3] = 0x03; // PFC_FIRST_FRAG | PFC_LAST_FRAG
  b.writeUInt32BE(0x10000000, 4); // data representation: little-endian, ASCII, IEEE float
  b.writeUInt16LE(72, 8); // frag_length
  b.writeUInt16LE(0, 10); // auth_length
  b.writeUInt32LE(callId, 12);
  b.writeUInt16LE(4280, 16); // max_xmit_frag
  b.writeUInt16LE(4280, 18); // max_recv_frag
  b.writeUInt32LE(0, 20); // assoc_group_id
  b[24] = 1; // n_context_elem
  // 25..27 reserved
  b.writeUInt16LE(0, 28); // p_cont_id
  b[30] = 1; // n_transfer_syn
  uuidLE(EPM_UUID).copy(b, 32);
  b.writeUInt16LE(3, 48); // interface version major
  b.writeUInt16LE(0, 50); // minor
  uuidLE(NDR_UUID).copy(b, 52);
  b.writeUInt32LE(2, 68); // NDR version 2
  return b;
}

/** NetBIOS name service node status request (NBSTAT) for the wildcard name "*" (RFC 1002 4.2.17). */
export function netbiosNbstat(id = randomBytes(2).readUInt16BE(0)): Buffer {
  const b = Buffer.alloc(50);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(0x0000, 2); // query, opcode 0, no broadcast
  b.writeUInt16BE(1, 4); // QDCOUNT
  b[12] = 32; // encoded name length
  const name = Buffer.alloc(16); // "*" then 15 NULs
  name[0] = 0x2a;
  for (let i = 0; i < 16; i++) {
    const c = name[i] ?? 0;
    b[13 + i * 2] = 0x41 + (c >> 4);
    b[14 + i * 2] = 0x41 + (c & 0x0f);
  }
  b[45] = 0; // end of name
  b.writeUInt16BE(0x0021, 46); // NBSTAT
  b.writeUInt16BE(0x0001, 48); // IN
  return b;
}

function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}
function ber(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), berLength(content.length), content]);
}
function berInt(n: number): Buffer {
  // Non-negative integers up to 31 bits, minimal two's-complement encoding.
  const bytes: number[] = [];
  let v = n >>> 0;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return ber(0x02, Buffer.from(bytes));
}
function berOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const out: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    let v = p >> 7;
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out.push(...chunk);
  }
  return ber(0x06, Buffer.from(out));
}

export const SYS_DESCR_OID = '1.3.6.1.2.1.1.1.0';

/** SNMPv1 GetRequest, community "public", for sysDescr.0. */
export function snmpGetSysDescr(requestId = randomBytes(4).readUInt32BE(0) & 0x7fffffff, community = 'public'): Buffer {
  const varbind = ber(0x30, Buffer.concat([berOid(SYS_DESCR_OID), Buffer.from([0x05, 0x00])]));
  const pdu = ber(0xa0, Buffer.concat([berInt(requestId), berInt(0), berInt(0), ber(0x30, varbind)]));
  return ber(0x30, Buffer.concat([berInt(0), ber(0x04, Buffer.from(community, 'ascii')), pdu]));
}

/**
 * IKEv2 IKE_SA_INIT request (RFC 7296): one proposal AES-CBC-256 / HMAC-SHA2-256 PRF and
 * integrity / MODP-2048 (group 14), a KE payload and a 32-byte nonce. Any IKEv2 responder answers
 * it — with its own SA_INIT or with a notify such as NO_PROPOSAL_CHOSEN or INVALID_KE_PAYLOAD.
 */
export function ikev2SaInit(spi = randomBytes(8)): Buffer {
  const transform = (type: number, id: number, last: boolean, keyLength?: number): Buffer => {
    const len = keyLength !== undefined ? 12 : 8;
    const t = Buffer.alloc(len);
    t[0] = last ? 0 : 3;
    t.writeUInt16BE(len, 2);
    t[4] = type;
    t.writeUInt16BE(id, 6);
    if (keyLength !== undefined) {
      t.writeUInt16BE(0x800e, 8); // TV attribute: Key Length
      t.writeUInt16BE(keyLength, 10);
    }
    return t;
  };
  const transforms = Buffer.concat([
    transform(1, 12, false, 256), // ENCR_AES_CBC, 256-bit key
    transform(2, 5, false), // PRF_HMAC_SHA2_256
    transform(3, 12, false), // AUTH_HMAC_SHA2_256_128
    transform(4, 14, true), // DH group 14 (2048-bit MODP)
  ]);
  const proposal = Buffer.alloc(8);
  proposal[0] = 0; // last proposal
  proposal.writeUInt16BE(8 + transforms.length, 2);
  proposal[4] = 1; // proposal number
  proposal[5] = 1; // protocol: IKE
  proposal[6] = 0; // SPI size
  proposal[7] = 4; // transforms
  const saBody = Buffer.concat([proposal, transforms]);
  const sa = Buffer.alloc(4);
  sa[0] = 34; // next payload: KE
  sa.writeUInt16BE(4 + saBody.length, 2);

  const keData = randomBytes(256);
  keData[0] = 0x7f; // keep the public value below the group-14 prime (which starts 0xffff...)
  const ke = Buffer.alloc(8);
  ke[0] = 40; // next payload: Nonce
  ke.writeUInt16BE(8 + keData.length, 2);
  ke.writeUInt16BE(14, 4); // DH group
  const nonceData = randomBytes(32);
  const nonce = Buffer.alloc(4);
  nonce[0] = 0; // no next payload
  nonce.writeUInt16BE(4 + nonceData.length, 2);

  const body = Buffer.concat([sa, saBody, ke, keData, nonce, nonceData]);
  const hdr = Buffer.alloc(28);
  spi.copy(hdr, 0, 0, 8); // initiator SPI; responder SPI stays zero
  hdr[16] = 33; // next payload: SA
  hdr[17] = 0x20; // version 2.0
  hdr[18] = 34; // exchange: IKE_SA_INIT
  hdr[19] = 0x08; // flags: initiator
  hdr.writeUInt32BE(0, 20); // message id
  hdr.writeUInt32BE(28 + body.length, 24);
  return Buffer.concat([hdr, body]);
}

/** NTPv4 client request (mode 3) with a transmit timestamp. */
export function ntpClientRequest(now = Date.now()): Buffer {
  const b = Buffer.alloc(48);
  b[0] = (3 << 6) | (4 << 3) | 3; // LI=3 (unsynchronised), VN=4, mode=3 (client)
  const secs = Math.floor(now / 1000) + 2_208_988_800; // NTP era 0 starts 1900
  b.writeUInt32BE(secs >>> 0, 40);
  b.writeUInt32BE(Math.floor(((now % 1000) / 1000) * 0x100000000) >>> 0, 44);
  return b;
}

/** RIPv2 request for the whole routing table (RFC 2453 3.9.1: one entry, AFI 0, metric 16). */
export function ripRequest(): Buffer {
  const b = Buffer.alloc(24);
  b[0] = 1; // command: request
  b[1] = 2; // version
  // entry: AFI 0, route tag 0, address/mask/next hop 0
  b.writeUInt32BE(16, 20); // metric: infinity
  return b;
}

/** The request sent to a UDP port. */
export function udpPayloadFor(port: number): UdpPayload {
  switch (port) {
    case 53:
      return { payload: dnsQuery(), description: 'DNS query ". NS"' };
    case 111:
      return { payload: portmapperNullCall(), description: 'portmapper NULL call' };
    case 123:
      return { payload: ntpClientRequest(), description: 'NTP client request' };
    case 135:
      return { payload: dceRpcBind(), description: 'DCE/RPC bind (endpoint mapper)' };
    case 137:
      return { payload: netbiosNbstat(), description: 'NetBIOS NBSTAT "*"' };
    case 161:
      return { payload: snmpGetSysDescr(), description: 'SNMPv1 get sysDescr.0 (public)' };
    case 500:
      return { payload: ikev2SaInit(), description: 'IKEv2 SA_INIT' };
    case 520:
      return { payload: ripRequest(), description: 'RIPv2 full-table request' };
    case 69:
      return { payload: Buffer.concat([Buffer.from([0, 1]), Buffer.from('scanready\0octet\0')]), description: 'TFTP read request' };
    case 1900:
      return {
        payload: Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'),
        description: 'SSDP M-SEARCH',
      };
    case 5353:
      // A unicast DNS query to the mDNS port gets a unicast answer.
      return { payload: dnsQuery(), description: 'DNS query ". NS" (mDNS port)' };
    default:
      return { payload: Buffer.alloc(0), description: 'empty datagram' };
  }
}
