import { createServer } from 'node:net';

/**
 * Whether `port` can be bound on `host`, checked before the start-up touches the database: a start on a busy
 * port must change nothing (docs/contract.md §9). The probe is released at once; binding for real happens after migrations.
 */
export function portIsFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
