// Whether the store can listen on host:port, asked before `serve` generates or prints anything (credentials,
// certificates): a taken port used to be reported as `listen EADDRINUSE …` after the credentials had been made.
// A probe listens and closes at once; the store's own listen can still lose a race to another program, and
// `serve` reports that the same way.
import { createServer } from 'node:net';

export type ListenProblem = 'in-use' | 'no-permission' | 'no-such-address';

/** The problem listening on host:port would have, or null when it is free (port 0 always is). */
export async function listenProblem(host: string, port: number): Promise<ListenProblem | null> {
  if (port === 0) return null;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(problemOf(err)));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** The ListenProblem an error from listen() (or its host lookup) means, or null when it is another failure. */
export function problemOf(err: unknown): ListenProblem | null {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.syscall !== 'listen' && e?.syscall !== 'bind' && e?.syscall !== 'getaddrinfo') return null;
  switch (e.code) {
    case 'EADDRINUSE':
      return 'in-use';
    case 'EACCES':
    case 'EPERM':
      return 'no-permission';
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return 'no-such-address';
    default:
      return null;
  }
}

/** A free port to suggest instead of `port`: port+100, port+200, … (9000 → 9100), or undefined. */
export async function freePortNear(host: string, port: number): Promise<number | undefined> {
  for (let p = port + 100; p <= Math.min(port + 1000, 65535); p += 100) {
    if ((await listenProblem(host, p)) === null) return p;
  }
  return undefined;
}
