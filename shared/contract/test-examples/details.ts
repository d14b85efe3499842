// For contract.test.ts: one valid request and response per channel of channels-details.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import type { detailChannels } from '../channels-details';

type Name = keyof typeof detailChannels;

export const detailExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {};

export const detailMalformed: Partial<Record<Name, unknown[]>> = {};
