// Reading secrets without echoing them: from stdin when piped (`--secret-key-stdin`), or typed at a TTY prompt
// whose keystrokes are not shown; and yes/no questions before something that cannot be undone. The prompt text
// goes to stderr so stdout stays clean for scripts.
import { createInterface } from 'node:readline';

/** All of stdin, split into lines (trailing newline removed). */
export async function readStdinLines(stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l, i, all) => !(i === all.length - 1 && l === ''));
}

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Asks for a secret on the TTY without echo. Ctrl-C aborts the command. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('Cancelled at the prompt; nothing was changed.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Asks a yes/no question on the terminal; only `y` or `yes` is a yes. Enter, anything else, Ctrl-C and Ctrl-D are a
 * no, so the default is always to leave things as they are.
 */
export function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (yes: boolean) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(yes);
    };
    rl.on('SIGINT', () => {
      process.stderr.write('\n');
      finish(false);
    });
    rl.on('close', () => finish(false));
    rl.question(question, (answer) => finish(/^y(es)?$/i.test(answer.trim())));
  });
}
