/** For tests that start a long-running command which announces itself with one line on stdout. */
import type { ChildProcess } from 'node:child_process';

/** Resolves with the child's first stdout line; rejects with its stderr if it exits before printing one. */
export function firstStdoutLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}) before printing: ${err}`)));
  });
}
