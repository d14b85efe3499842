// Any error thrown below a command, as the CLI reports it (errors.ts): through the one taxonomy of every front end,
// app/services/errors.ts. That module knows every lower layer's errors, so it is loaded only when something failed:
// a command that succeeds (a small `coffer cp`) never loads it.
import { failureFrom, type ExitCode, type Failure } from './errors';

const taxonomy = () => import('../../services/errors');

export async function describeFailure(err: unknown): Promise<Failure> {
  return failureFrom((await taxonomy()).toAppError(err));
}

/** The exit code for one failed item of a transfer, from the engine's (code, sentence). */
export async function itemExitCode(code: string, message: string): Promise<ExitCode> {
  return failureFrom((await taxonomy()).itemFailure(code, message)).exitCode;
}
