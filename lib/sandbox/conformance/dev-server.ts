// A dependency-free dev server the conformance suite starts inside a sandbox: HTML on GET and a WebSocket
// echo (the handshake and small text frames, enough to stand in for Vite's HMR socket).
export const DEV_SERVER_SOURCE = String.raw`
const http = require('node:http');
const crypto = require('node:crypto');
const port = Number(process.argv[2] || 4173);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><html><head><title>dev</title></head><body>hello from the sandbox ' + req.url + '</body></html>');
});
server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + accept + '\r\n\r\n');
  socket.on('data', (buf) => {
    if ((buf[0] & 0x0f) !== 1) return;
    const len = buf[1] & 0x7f;
    const mask = buf.subarray(2, 6);
    const data = Buffer.from(buf.subarray(6, 6 + len).map((b, i) => b ^ mask[i % 4]));
    const reply = Buffer.from('echo:' + data.toString());
    socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
  });
  socket.on('error', () => {});
});
server.listen(port, '0.0.0.0', () => console.log('dev server listening on ' + port));
`;
