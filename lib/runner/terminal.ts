import { createInterface } from 'node:readline';

/** Where the runner talks to a person: output streams and, on a terminal, questions. */
export interface Terminal {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** stdout is a terminal: progress lines are redrawn in place. */
  readonly tty: boolean;
  /** stdin and stdout are terminals: questions can be asked. */
  readonly interactive: boolean;
  prompt(question: string): Promise<string>;
}

export function processTerminal(out: (t: string) => void = (t) => process.stdout.write(t), err: (t: string) => void = (t) => process.stderr.write(t)): Terminal {
  const tty = process.stdout.isTTY === true;
  return {
    out,
    err,
    tty,
    interactive: tty && process.stdin.isTTY === true,
    prompt(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      return new Promise((resolve) => {
        rl.question(question, (answer) => {
          rl.close();
          resolve(answer);
        });
      });
    },
  };
}

/** A terminal that is not one (tests, pipes): never asks. */
export function pipeTerminal(out: (t: string) => void, err: (t: string) => void): Terminal {
  return { out, err, tty: false, interactive: false, prompt: async () => '' };
}
