/**
 * The logger a module receives: the subset of pino's API that plugins use. The host passes a pino child
 * logger bound to the module; declaring the shape here keeps pino out of the plugin's dependencies.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
