// Child process of event-loop-stall.e2e-spec.ts: a bare node:http server answering every request with 200,
// the control its probes are compared with. Sends its port to the parent. Plain JavaScript: forked as is.
const server = require('node:http').createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
