// graphql-ws and graphql-sse, the reference clients of the graphql-transport-ws and graphql-sse
// protocols, subscribed to datasetChanged on a running capgraph, for tests/subscriptions.rs.
//
// Usage: node tests/clients/subscriptions.mjs <server-url>
// It subscribes once over each protocol and keeps both open; the test re-seeds the server's
// data directory meanwhile. Once standard input closes (the test saw the swap) and each client
// has had an event, it closes both and prints one JSON line on stdout for the test to judge:
// { websocket: { events: [...], errors: [...] }, sse: { events: [...], errors: [...] } },
// where events are the datasetChanged payloads each client received, in order.

import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const base = process.argv[2];
const query = 'subscription { datasetChanged { digest origin } }';

const seen = { websocket: { events: [], errors: [] }, sse: { events: [], errors: [] } };

function sink(name) {
  return {
    next: (result) => {
      if (result.errors) seen[name].errors.push(...result.errors);
      if (result.data) seen[name].events.push(result.data.datasetChanged);
    },
    error: (error) => seen[name].errors.push({ message: String(error?.message ?? error) }),
    complete: () => {},
  };
}

const ws = createWsClient({ url: base.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket });
const sse = createSseClient({ url: base + '/graphql' });
const stopWs = ws.subscribe({ query }, sink('websocket'));
const stopSse = sse.subscribe({ query }, sink('sse'));

const stdinClosed = new Promise((resolve) => {
  process.stdin.on('end', resolve);
  process.stdin.resume();
});
await stdinClosed;
while (seen.websocket.events.length + seen.websocket.errors.length === 0
  || seen.sse.events.length + seen.sse.errors.length === 0) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
stopWs();
stopSse();
await ws.dispose();
sse.dispose();
console.log(JSON.stringify(seen));
process.exit(0);
