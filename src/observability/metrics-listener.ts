import { createServer, Server } from 'node:http';
import type { MetricsService } from './metrics.service';

/**
 * The tokenless `/metrics` listener of METRICS_PORT, for a scraper inside the network (docs/contract.md §12): a plain
 * HTTP server that answers GET /metrics and nothing else. The API port keeps asking for an admin or auditor token.
 */
export async function listenMetrics(metrics: MetricsService, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
