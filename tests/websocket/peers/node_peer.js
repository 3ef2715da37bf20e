// Interop peer for tests/websocket/interop_test.cpp, built on Node's ws (Debian node-ws).
//   node node_peer.js server       echo server on 127.0.0.1:<free port>; prints "PORT <n>"
//   node node_peer.js client URL   runs the exchange below against URL; prints "OK" or "FAIL ..."
//   node node_peer.js deflate-server / deflate-client URL: the same with perMessageDeflate
//   (every message compressed), messages of 0 B to 16 MiB
//   node node_peer.js echo-client URL: offers permessage-deflate, echoes every message (its
//   type kept) until the server closes; OK when that close is 1000
//   node node_peer.js deflate-frag-client URL: compressed messages sent in fragments we choose
//   (a text split inside its UTF-8 characters, an empty middle fragment), each echo compared
//   node node_peer.js gzip-upgrade-client URL PAGE: PAGE (HTTP) must come gzip-compressed; then
//   offers Accept-Encoding: gzip with permessage-deflate to URL; the 101 must carry no
//   Content-Encoding, then a compressed echo
'use strict';
const WebSocket = require('ws');

function serve() {
  const wss = new WebSocket.Server({
    host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false),
  });
  wss.on('listening', () => console.log('PORT ' + wss.address().port));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, {binary: isBinary}));
  });
}

function client(url) {
  const cases = [
    ['hello', false], ['h\u00e9llo \u{1F600}', false], [Buffer.from([...Array(256).keys()]), true],
    ['x'.repeat(100000), false], [Buffer.alloc(70000), true], ['', false],
  ];
  const ws = new WebSocket(url, ['chat'], {perMessageDeflate: false});
  let i = 0;
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  setTimeout(() => fail('timeout'), 20000).unref();
  ws.on('open', () => {
    if (ws.protocol !== 'chat') fail('subprotocol ' + ws.protocol);
    ws.send(cases[0][0], {binary: cases[0][1]});
  });
  ws.on('message', (data, isBinary) => {
    const [sent, binary] = cases[i];
    const same = Buffer.compare(Buffer.from(data), Buffer.from(sent)) === 0;
    if (!same || isBinary !== binary) fail('echo mismatch at case ' + i);
    i += 1;
    if (i < cases.length) { ws.send(cases[i][0], {binary: cases[i][1]}); return; }
    ws.ping(Buffer.from('ping!'));
  });
  ws.on('pong', (data) => {
    if (data.toString() !== 'ping!') fail('pong payload');
    ws.close(1000, 'bye');
  });
  ws.on('close', (code) => {
    if (code !== 1000) fail('close code ' + code);
    console.log('OK');
    process.exit(0);
  });
  ws.on('error', (e) => fail('error ' + e.message));
}

// JSON-like text of n bytes: compresses as real traffic does.
function jsonLike(n) {
  let s = '';
  for (let i = 0; s.length < n; i++) {
    s += '{"id":' + i + ',"name":"user' + (i % 97) + '","active":' + (i % 3 !== 0) + '},';
  }
  return s.slice(0, n);
}

const deflateOptions = {threshold: 0};

function deflateServe() {
  const wss = new WebSocket.Server({
    host: '127.0.0.1', port: 0, perMessageDeflate: deflateOptions, maxPayload: 64 * 1024 * 1024,
  });
  wss.on('listening', () => console.log('PORT ' + wss.address().port));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, {binary: isBinary}));
  });
}

function deflateClient(url) {
  const cases = [];
  for (const n of [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20]) {
    cases.push([jsonLike(n), false], [Buffer.from(jsonLike(n)), true]);
  }
  const ws = new WebSocket(url, {perMessageDeflate: deflateOptions, maxPayload: 64 * 1024 * 1024});
  let i = 0;
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  setTimeout(() => fail('timeout'), 60000).unref();
  ws.on('open', () => {
    if (!/permessage-deflate/.test(ws.extensions)) fail('not negotiated: ' + ws.extensions);
    ws.send(cases[0][0], {binary: cases[0][1]});
  });
  ws.on('message', (data, isBinary) => {
    const [sent, binary] = cases[i];
    const same = Buffer.compare(Buffer.from(data), Buffer.from(sent)) === 0;
    if (!same || isBinary !== binary) fail('echo mismatch at case ' + i);
    i += 1;
    if (i < cases.length) { ws.send(cases[i][0], {binary: cases[i][1]}); return; }
    ws.close(1000, 'bye');
  });
  ws.on('close', (code) => {
    if (code !== 1000) fail('close code ' + code);
    console.log('OK');
    process.exit(0);
  });
  ws.on('error', (e) => fail('error ' + e.message));
}

// Bytes that do not compress (a linear congruential sequence): many frames after deflate.
function noise(n) {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function split(buf, size) {
  const parts = [];
  for (let at = 0; at < buf.length; at += size) parts.push(buf.subarray(at, at + size));
  return parts.length ? parts : [buf];
}

// Sends each case as the fragments listed, compressed (RFC 7692 §6.1: RSV1 on the first only),
// waits for the echo of the whole message and compares it, then closes with 1000.
function exchange(ws, cases, fail) {
  let i = 0;
  const sendCase = () => {
    const [parts, binary] = cases[i];
    parts.forEach((p, k) => ws.send(p, {binary, compress: true, fin: k === parts.length - 1}));
  };
  ws.on('message', (data, isBinary) => {
    const [parts, binary] = cases[i];
    if (Buffer.compare(Buffer.from(data), Buffer.concat(parts)) !== 0 || isBinary !== binary) {
      fail('echo mismatch at case ' + i);
    }
    i += 1;
    if (i < cases.length) { sendCase(); return; }
    ws.close(1000, 'bye');
  });
  ws.on('close', (code) => {
    if (code !== 1000) fail('close code ' + code);
    console.log('OK');
    process.exit(0);
  });
  ws.on('error', (e) => fail('error ' + e.message));
  return sendCase;
}

function deflateFragClient(url) {
  const utf8 = Buffer.from('h\u00e9llo \u{1F600} \u00fcber');
  const cases = [
    [split(Buffer.from(jsonLike(200000)), 16384), false],
    [split(noise(300000), 65536), true],
    [split(utf8, 1), false],  // every fragment but the ASCII ones cuts a character
    [[Buffer.from('abc'), Buffer.alloc(0), Buffer.from('def')], true],
    [[Buffer.alloc(0), Buffer.from(jsonLike(5000))], false],
  ];
  const ws = new WebSocket(url, {perMessageDeflate: deflateOptions, maxPayload: 64 * 1024 * 1024});
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  setTimeout(() => fail('timeout'), 20000).unref();
  const start = exchange(ws, cases, fail);
  ws.on('open', () => {
    if (!/permessage-deflate/.test(ws.extensions)) fail('not negotiated: ' + ws.extensions);
    start();
  });
}

function gzipUpgradeClient(url, page) {
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  setTimeout(() => fail('timeout'), 20000).unref();
  require('http').get(page, {headers: {'Accept-Encoding': 'gzip, deflate'}}, (res) => {
    res.resume();
    if (res.headers['content-encoding'] !== 'gzip') {
      fail('page not compressed: ' + res.headers['content-encoding']);
    }
    res.on('end', () => gzipUpgrade(url, fail));
  }).on('error', (e) => fail('page ' + e.message));
}

function gzipUpgrade(url, fail) {
  const cases = [
    [[Buffer.from(jsonLike(100000))], false], [[noise(70000)], true], [[Buffer.from('hi')], false],
  ];
  const ws = new WebSocket(url, {
    perMessageDeflate: deflateOptions, headers: {'Accept-Encoding': 'gzip, deflate'},
  });
  ws.on('upgrade', (res) => {
    if (res.statusCode !== 101) fail('status ' + res.statusCode);
    if (res.headers['content-encoding'] !== undefined) {
      fail('101 with Content-Encoding: ' + res.headers['content-encoding']);
    }
  });
  ws.on('unexpected-response', (req, res) => fail('status ' + res.statusCode));
  const start = exchange(ws, cases, fail);
  ws.on('open', () => {
    if (!/permessage-deflate/.test(ws.extensions)) fail('not negotiated: ' + ws.extensions);
    start();
  });
}

function echoClient(url) {
  const ws = new WebSocket(url, {perMessageDeflate: deflateOptions, maxPayload: 64 * 1024 * 1024});
  const fail = (why) => { console.log('FAIL ' + why); process.exit(1); };
  setTimeout(() => fail('timeout'), 20000).unref();
  ws.on('message', (data, isBinary) => ws.send(data, {binary: isBinary}));
  ws.on('close', (code) => {
    if (code !== 1000) fail('close code ' + code);
    console.log('OK');
    process.exit(0);
  });
  ws.on('error', (e) => fail('error ' + e.message));
}

const mode = process.argv[2];
if (mode === 'server') serve();
else if (mode === 'deflate-server') deflateServe();
else if (mode === 'deflate-client') deflateClient(process.argv[3]);
else if (mode === 'deflate-frag-client') deflateFragClient(process.argv[3]);
else if (mode === 'echo-client') echoClient(process.argv[3]);
else if (mode === 'gzip-upgrade-client') gzipUpgradeClient(process.argv[3], process.argv[4]);
else client(process.argv[3]);
