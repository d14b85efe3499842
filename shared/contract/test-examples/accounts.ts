// For contract.test.ts: one valid request and response per channel of channels-accounts.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import type { accountChannels } from '../channels-accounts';

type Name = keyof typeof accountChannels;

export const accountExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {};

export const accountMalformed: Partial<Record<Name, unknown[]>> = {};
