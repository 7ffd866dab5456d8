/**
 * hclog-style JSON lines on stderr, which go-plugin parses and forwards to terraform's log. The level
 * comes from TF_LOG_PROVIDER, else TF_LOG (off when neither is set). Every message and field passes
 * through a Secrets scrubber before it is written.
 */
import type { Logger } from './types';
import type { Secrets } from './secrets';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'off'] as const;
export type Level = (typeof LEVELS)[number];

export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): Level {
  const raw = (env.TF_LOG_PROVIDER || env.TF_LOG || '').trim().toLowerCase();
  if (raw === '') return 'off';
  if (raw === 'json') return 'trace';
  if (raw === 'warning') return 'warn';
  // terraform treats any other non-empty value as TRACE.
  return (LEVELS as readonly string[]).includes(raw) ? (raw as Level) : 'trace';
}

/** RFC 3339 with exactly six fractional digits: go-plugin shows lines raw otherwise. */
export function hclogTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export type Sink = (line: string) => void;

const stderrSink: Sink = (line) => {
  process.stderr.write(line);
};

export class HclogLogger implements Logger {
  private readonly threshold: number;

  constructor(
    private readonly module: string,
    level: Level,
    private readonly secrets?: Secrets,
    private readonly base: Record<string, unknown> = {},
    private readonly sink: Sink = stderrSink,
  ) {
    this.threshold = LEVELS.indexOf(level);
  }

  /** A logger with extra fields on every line and (optionally) a narrower secret scope. */
  with(fields: Record<string, unknown>, secrets?: Secrets): HclogLogger {
    return new HclogLogger(this.module, LEVELS[this.threshold]!, secrets ?? this.secrets, { ...this.base, ...fields }, this.sink);
  }

  enabled(level: Level): boolean {
    return LEVELS.indexOf(level) >= this.threshold && level !== 'off';
  }

  private write(level: Level, message: string, fields?: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    const record: Record<string, unknown> = {
      '@level': level,
      '@message': message,
      '@module': this.module,
      '@timestamp': hclogTimestamp(),
      ...this.base,
      ...fields,
    };
    let line: string;
    try {
      line = JSON.stringify(record, (_key, value) => (typeof value === 'bigint' ? String(value) : typeof value === 'symbol' ? String(value.description) : value));
    } catch {
      line = JSON.stringify({ '@level': level, '@message': message, '@module': this.module, '@timestamp': record['@timestamp'] });
    }
    this.sink((this.secrets ? this.secrets.scrub(line) : line) + '\n');
  }

  trace(message: string, fields?: Record<string, unknown>): void {
    this.write('trace', message, fields);
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }
}
