// The `coffer` CLI's exit codes, and how a failure reads on the command line. There is one error taxonomy for every
// front end (app/services/errors.ts): the CLI prints its sentence and exits with the code of its kind
// (exitCodeFor). Scripts branch on the code; people read the sentence. The output layer redacts once more before
// anything is written.
import { exitCodeFor, ServiceError, type AppError } from '../../services/service-error';

export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  ACCESS: 4,
  INTEGRITY: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line that cannot work as given: a bad command, flag or address (exit 2). */
export class UsageError extends ServiceError {
  constructor(message: string) {
    super('usage', 'Usage', message);
  }
}

/** A failure as the CLI reports it: the taxonomy's code, the sentence it prints, the exit code of its kind. */
export interface Failure {
  code: string;
  message: string;
  exitCode: ExitCode;
}

export function failureFrom(e: AppError): Failure {
  // The server's request id is what its support asks for when the server itself failed.
  const requestId = (e.kind === 'failed' || e.kind === 'unavailable') && e.details.requestId ? ` [request id ${e.details.requestId}]` : '';
  return { code: e.code, message: e.message + requestId, exitCode: exitCodeFor(e.kind) };
}
