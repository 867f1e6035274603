// Types for scripts/serve.js (plain JS so `npm start` needs no compile step).
export class ServeError extends Error {
  readonly code: string;
  constructor(code: string, message: string);
}

export interface ServeOptions {
  /** Folder to serve; default `dist`. */
  root?: string;
  /** First port to try; 0 = any free port. Default 5173. */
  port?: number;
  host?: string;
  /** Fail instead of trying the next ports when `port` is busy. */
  strictPort?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startServer(options?: ServeOptions): Promise<RunningServer>;
