// The one generic handler both transports use (Electron main and the browser host): check the channel name,
// parse the request with its schema, call the core, check the answer, and always resolve to an envelope.
// Nothing thrown below ever crosses the boundary as an exception or a stack.
import type { ChannelName, ParsedRequest, Response } from './channels';
import { channels, isChannelName } from './channels';
import { fail, type AppError, type Envelope } from './errors';

export type Handler<C extends ChannelName> = (request: ParsedRequest<C>) => Promise<Response<C>> | Response<C>;
export type Handlers = { [C in ChannelName]: Handler<C> };

export interface ServeOptions {
  /** The core's error taxonomy: any thrown value → kind, code, sentence, details. */
  toAppError(err: unknown): AppError;
  /** Parse answers with the response schema too (default true: a drifted answer is a bug caught here). */
  checkResponses?: boolean;
}

export async function serveRequest(handlers: Handlers, channel: unknown, request: unknown, opts: ServeOptions): Promise<Envelope<unknown>> {
  if (!isChannelName(channel)) {
    return fail('usage', 'UnknownChannel', `Coffer does not know the request "${String(channel).slice(0, 100)}".`);
  }
  const parsed = channels[channel].request.safeParse(request);
  if (!parsed.success) {
    // Zod's issue messages name the field and what was expected, never the value (a passphrase stays unsaid).
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return fail('usage', 'BadRequest', `The ${channel} request was refused: ${field}${issue?.message ?? 'invalid'}.`);
  }
  let value: unknown;
  try {
    const handler = handlers[channel] as (r: unknown) => unknown;
    value = await handler(parsed.data);
  } catch (err) {
    return { ok: false, error: opts.toAppError(err) };
  }
  if (opts.checkResponses !== false) {
    // The channel's own schema, made once: zod compiles a schema the first time it parses with it, so an envelope
    // schema made per answer was compiled on every request (95 ms of the host's CPU in bench:ui's drop).
    const checked = channels[channel].response.safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return fail('failed', 'BadResponse', `Coffer produced an answer to ${channel} it cannot send (${['value', ...(issue?.path ?? [])].join('.')}: ${issue?.message}).`);
    }
    return { ok: true, value: checked.data };
  }
  return { ok: true, value };
}
