import { Controller, DynamicModule, Get, Logger, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DomainError } from '../common/errors/domain-error';
import type { AppConfig } from '../config/app-config';
import { PublicApi } from '../tenancy/auth/api-auth.decorators';

/** Where the console's built files are: ARKGATE_CONSOLE_DIR, else `dist/console` of this package. */
export function consoleDirOf(config: Pick<AppConfig, 'consoleDir'>): string {
  if (config.consoleDir) return resolve(config.consoleDir);
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

/**
 * The console's files are public (they hold no data; every API call they make carries the signed-in
 * token). Strict headers: the page runs only its own scripts, cannot be framed and sends no referrer.
 */
function consoleHeaders(res: { setHeader(name: string, value: string): void }, path: string): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Built assets carry a content hash in their names; the page itself must always be fresh.
  res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** Answers /console when the console was not built, instead of a bare 404. */
@ApiExcludeController()
@PublicApi()
@Controller('console')
class ConsoleNotBuiltController {
  @Get(['', '*path'])
  notBuilt(): never {
    throw new DomainError('not_found', 'The web console is not built. Run `npm run build` (or set ARKGATE_CONSOLE_DIR).');
  }
}

/** Serves the web console (the Vite build of `console/`) at /console from this process; no second server. */
@Module({})
export class ConsoleModule {
  static forRoot(config: Pick<AppConfig, 'consoleDir'>): DynamicModule {
    const rootPath = consoleDirOf(config);
    if (!existsSync(join(rootPath, 'index.html'))) {
      new Logger(ConsoleModule.name).warn(`web console not built (no ${join(rootPath, 'index.html')}); /console answers 404`);
      return { module: ConsoleModule, controllers: [ConsoleNotBuiltController] };
    }
    return {
      module: ConsoleModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath,
          serveRoot: '/console',
          serveStaticOptions: { index: 'index.html', setHeaders: consoleHeaders, dotfiles: 'deny' },
        }),
      ],
    };
  }
}
