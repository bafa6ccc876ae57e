// The sandbox's only way to a model: listens on 127.0.0.1 (a sandbox without a network still has
// its loopback) and pipes every connection to the brain's model gateway, a Unix socket the brain
// serves in the sandbox's socket directory (mounted at /run/opencomputer). It holds no key and
// adds nothing: the gateway token the agent sends is the only credential, and it is worthless
// anywhere but the gateway. Usage: node oc-forward.js [port] [socket]; exits if the port is taken
// (a forwarder already runs).
'use strict';
const net = require('net');
const port = Number(process.argv[2] || process.env.OC_GATEWAY_PORT || 4480);
const socket = process.argv[3] || process.env.OC_GATEWAY_SOCKET || '/run/opencomputer/model.sock';
const server = net.createServer((client) => {
  const upstream = net.connect(socket);
  client.pipe(upstream).pipe(client);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
});
server.on('error', (e) => { process.exit(e.code === 'EADDRINUSE' ? 0 : 1); });
server.listen(port, '127.0.0.1');
