// For contract.test.ts: one valid request and response per channel of channels-settings.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import type { settingsChannels } from '../channels-settings';

type Name = keyof typeof settingsChannels;

export const settingsExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {};

export const settingsMalformed: Partial<Record<Name, unknown[]>> = {};
