// The error a service (or a front end) raises itself, already in the taxonomy, and what each kind means as an exit
// code. Kept apart from errors.ts, which knows every lower layer's errors: this file imports only the contract's list
// of phrases at run time, so the `coffer` command line can raise and report its own usage errors without loading the
// COS client or the engine.
import { sayPhrase, type ErrorPhraseId } from '../../shared/contract/error-phrases';
import type { AppError, ErrorDetails, ErrorKind } from '../../shared/contract/errors';

export type { AppError, ErrorDetails, ErrorKind };

/** A failure the services detected themselves, already in the taxonomy. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  /** The message as a phrase of the contract (error-phrases.ts), for a window to say in its language. */
  readonly phrase: AppError['phrase'];
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown; phrase?: AppError['phrase'] },
  ) {
    super(message, options);
    this.phrase = options?.phrase;
  }

  /** An error whose message is a phrase of the contract (the English, and the id and values a window translates). */
  static phrased(kind: ErrorKind, code: string, id: ErrorPhraseId, values: Record<string, string>, details: ErrorDetails = {}): ServiceError {
    const { message, phrase } = sayPhrase(id, values);
    return new ServiceError(kind, code, message, details, { phrase });
  }

  /** An error already in the taxonomy, thrown on as it is (its phrase kept), with what caused it. */
  static of(e: AppError, cause: unknown): ServiceError {
    return new ServiceError(e.kind, e.code, e.message, e.details, { cause, phrase: e.phrase });
  }

  toAppError(): AppError {
    const e: AppError = { kind: this.kind, code: this.code, message: this.message, details: { code: this.code, ...this.details } };
    return this.phrase ? { ...e, phrase: this.phrase } : e;
  }
}

/** The CLI's exit code for a kind (0 ok, 1 failed, 2 usage, 3 not found, 4 access, 5 integrity). */
export function exitCodeFor(kind: ErrorKind): 1 | 2 | 3 | 4 | 5 {
  switch (kind) {
    case 'usage':
      return 2;
    case 'not-found':
      return 3;
    case 'access':
      return 4;
    case 'integrity':
      return 5;
    case 'conflict':
    case 'unavailable':
    case 'failed':
    case 'cancelled':
      return 1;
    default: {
      const never: never = kind;
      throw new TypeError(`unknown error kind ${String(never)}`);
    }
  }
}
