// Graceful shutdown for an http.Server: stop accepting connections, let in-flight requests finish
// (closing each keep-alive connection as soon as it falls idle), and after a timeout close what is
// left; then run the caller's cleanup (closing the store). A second signal skips the wait.
import type { Server } from 'node:http';
import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  /** How long in-flight requests may take before their connections are closed. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Runs once no connection is left, e.g. closing the store. */
  readonly cleanup: () => Promise<void>;
}

export interface GracefulShutdown {
  readonly isShuttingDown: () => boolean;
  /** Starts (or, called again, hurries) the shutdown; resolves when cleanup is done. */
  shutdown(reason: string): Promise<void>;
}

export function gracefulShutdown(server: Server, options: ShutdownOptions): GracefulShutdown {
  let draining = false;
  let done: Promise<void> | undefined;

  // Requests still arriving on open keep-alive connections are served but told to disconnect,
  // and every connection that falls idle while draining is closed at once.
  // One listener function for every response (no closure per request).
  const closeIdle = () => server.closeIdleConnections();
  const onResponseClose = () => {
    if (draining) setImmediate(closeIdle);
  };
  server.on('request', (_req, res) => {
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.on('close', onResponseClose);
  });

  async function drain(reason: string): Promise<void> {
    const { logger, timeoutMs } = options;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Logged once the listening socket is closed, so whoever reads it can rely on that.
    logger.info({ reason, timeoutMs }, 'shutting down: no new connections, waiting for in-flight requests');
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs }, 'shutdown timeout: closing the remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
    await closed;
    clearTimeout(timer);
    await options.cleanup();
    logger.info('shutdown complete');
  }

  return {
    isShuttingDown: () => draining,
    shutdown(reason) {
      if (done) {
        options.logger.warn({ reason }, 'shutdown already under way: closing the remaining connections now');
        server.closeAllConnections();
        return done;
      }
      draining = true;
      done = drain(reason);
      return done;
    },
  };
}
