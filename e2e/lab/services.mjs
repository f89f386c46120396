#!/usr/bin/env node
// Tiny dependency-free listeners for lab hosts (run inside a namespace by lab.sh).
//   node services.mjs [--tcp 22,443] [--http 80,8443] [--dns]
// --tcp PORTS  accept and close (FIN) at once: proves the port is open
// --http PORTS answer one HTTP request with "200 OK srlab" (anything that is not an HTTP
//              request line gets "400 Bad Request"), then close
// --dns        UDP 53: answers well-formed standard queries (same ID). A queries for names
//              under srlab.test get an A record (198.18.1.10); every other name gets NXDOMAIN.
//              Garbage (not a parseable query) is ignored, like a real DNS server does.
// Listens on :: (dual-stack) so hosts with an IPv6 address answer on both families.
import net from 'node:net';
import dgram from 'node:dgram';

const args = process.argv.slice(2);
const tcpPorts = [];
const httpPorts = [];
let dns = false;

function ports(value, flag) {
  if (value === undefined) throw new Error(`${flag} needs a port list`);
  return value.split(',').map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`bad port "${p}" for ${flag}`);
    return n;
  });
}

for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--tcp') tcpPorts.push(...ports(args[++i], a));
  else if (a === '--http') httpPorts.push(...ports(args[++i], a));
  else if (a === '--dns') dns = true;
  else throw new Error(`unknown argument ${a}`);
}

function log(msg) {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

function listenTcp(port, onConnection) {
  const server = net.createServer(onConnection);
  server.on('error', (err) => {
    log(`tcp ${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen({ port, host: '::', ipv6Only: false }, () => log(`tcp ${port} listening`));
}

for (const port of tcpPorts) {
  listenTcp(port, (sock) => {
    sock.on('error', () => {});
    sock.end();
  });
}

for (const port of httpPorts) {
  listenTcp(port, (sock) => {
    sock.on('error', () => {});
    sock.setTimeout(5000, () => sock.destroy());
    let buf = '';
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      const eol = buf.indexOf('\n');
      if (eol < 0 && buf.length < 4096) return;
      const line = buf.slice(0, eol < 0 ? buf.length : eol);
      const ok = /^[A-Z]+ \S+ HTTP\/1\.[01]\r?$/.test(line);
      const body = ok ? 'srlab\n' : 'bad request\n';
      sock.end(
        `HTTP/1.1 ${ok ? '200 OK' : '400 Bad Request'}\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\nServer: srlab\r\n\r\n${body}`,
      );
      sock.removeAllListeners('data');
    });
  });
}

/** Parse a DNS query; returns null for anything that is not a well-formed standard query. */
function parseQuery(msg) {
  if (msg.length < 12 || msg.length > 512) return null;
  const flags = msg.readUInt16BE(2);
  const qr = flags >> 15;
  const opcode = (flags >> 11) & 0xf;
  if (qr !== 0 || opcode !== 0) return null;
  if (msg.readUInt16BE(4) !== 1) return null; // exactly one question
  const labels = [];
  let off = 12;
  for (;;) {
    if (off >= msg.length) return null;
    const len = msg[off];
    if (len === 0) {
      off += 1;
      break;
    }
    if (len > 63) return null; // no compression in questions
    if (off + 1 + len > msg.length) return null;
    labels.push(msg.subarray(off + 1, off + 1 + len).toString('latin1'));
    off += 1 + len;
  }
  if (off + 4 > msg.length) return null;
  const qtype = msg.readUInt16BE(off);
  const qclass = msg.readUInt16BE(off + 2);
  return { id: msg.readUInt16BE(0), rd: (flags >> 8) & 1, name: labels.join('.').toLowerCase(), qtype, qclass, question: msg.subarray(12, off + 4) };
}

function answer(q) {
  const inZone = q.name === 'srlab.test' || q.name.endsWith('.srlab.test');
  const giveA = inZone && q.qtype === 1 && q.qclass === 1;
  const rcode = inZone ? 0 : 3; // NOERROR / NXDOMAIN
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  header.writeUInt16BE(0x8000 | 0x0400 * (inZone ? 1 : 0) | (q.rd << 8) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(giveA ? 1 : 0, 6);
  const parts = [header, q.question];
  if (giveA) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(4, 10);
    Buffer.from([198, 18, 1, 10]).copy(rr, 12);
    parts.push(rr);
  }
  return Buffer.concat(parts);
}

if (dns) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('error', (err) => {
    log(`dns: ${err.message}`);
    process.exit(1);
  });
  sock.on('message', (msg, rinfo) => {
    const q = parseQuery(msg);
    if (!q) return;
    sock.send(answer(q), rinfo.port, rinfo.address);
  });
  sock.bind(53, '::', () => log('udp 53 dns listening'));
}

if (tcpPorts.length === 0 && httpPorts.length === 0 && !dns) throw new Error('nothing to listen on');
process.on('SIGTERM', () => process.exit(0));
