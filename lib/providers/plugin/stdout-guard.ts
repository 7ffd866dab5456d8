/** Stdout belongs to the one line a provider prints at start (handshake or reattach config). */
import type { HclogLogger } from './log';

/** Anything written to stdout after that line would corrupt go-plugin's protocol: send it to the log. */
export function guardStdout(log: HclogLogger): void {
  const stdout = process.stdout as unknown as { write: (...args: unknown[]) => boolean };
  stdout.write = (chunk: unknown, ...rest: unknown[]) => {
    log.info('stdout output redirected to the log', { output: String(chunk) });
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
}
