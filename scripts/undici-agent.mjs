// What the bundle (scripts/bundle.mjs) gives app code that imports `undici`: its Agent with the request API, the
// one thing the COS client uses (app/cos/client/http-transport.ts). undici's own index.js also loads fetch,
// WebSocket, cookies, caches, mocks and more, which cost a `coffer` command a good part of its start. These lines
// are what index.js does for Agent; the tests of the bundled CLI exercise them.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(Dispatcher.prototype, api);
export { Agent };
