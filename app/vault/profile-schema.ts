// What a profile is, validated with zod. Messages name the field and say what is wrong; they never echo the
// value (it may be a secret).

import { z } from 'zod';
import { VaultError } from './errors';

export const PROFILE_KINDS = ['cos', 'local-store'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

const required = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`),
});
// Printable ASCII without spaces: COS ids, keys and tokens are of this form, and it keeps stray whitespace from
// a paste out of the signature.
const TOKENISH = /^[\x21-\x7e]+$/;
const noSpaces = 'must not contain spaces, control or non-ASCII characters';

export const nameSchema = z
  .string(required('a string'))
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

const regionSchema = z
  .string(required('a string'))
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must look like 'ap-guangzhou' (lowercase letters, digits and single dashes)");

const appidSchema = z.string(required('a string of digits')).regex(/^[0-9]{1,20}$/, "must be the numeric APPID, e.g. '1250000000'");

const secretIdSchema = z.string(required('a string')).min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters').regex(TOKENISH, noSpaces);
const secretKeySchema = z.string(required('a string')).min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters').regex(TOKENISH, noSpaces);
const sessionTokenSchema = z.string('must be a string').min(1, 'must not be empty').max(8192, 'must be at most 8192 characters').regex(TOKENISH, noSpaces);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** An endpoint is an origin: https anywhere, plain http only on loopback (the embedded store). */
const endpointSchema = z
  .string('must be a string')
  .transform((s, ctx) => {
    let url: URL;
    try {
      url = new URL(s.trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: "must be a URL such as 'https://cos.ap-guangzhou.myqcloud.com' or 'http://127.0.0.1:9000'" });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
      return z.NEVER;
    }
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
      ctx.addIssue({ code: 'custom', message: 'must use https unless it is a loopback address (127.0.0.1, ::1, localhost)' });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
      ctx.addIssue({ code: 'custom', message: 'must be just scheme, host and port (no path, query or user info)' });
      return z.NEVER;
    }
    return url.origin;
  });

/** A certificate the user chose to trust for a store: one PEM certificate, public. */
const tlsCertificateSchema = z
  .string()
  .max(16_384)
  .regex(/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/, 'must be one PEM certificate');

const fields = {
  name: nameSchema,
  kind: z.enum(PROFILE_KINDS, { error: "must be 'cos' or 'local-store'" }),
  region: regionSchema,
  appid: appidSchema,
  secretId: secretIdSchema,
  secretKey: secretKeySchema,
  sessionToken: sessionTokenSchema.optional(),
  endpoint: endpointSchema.optional(),
  tlsCertificate: tlsCertificateSchema.optional(),
};

/** The one rule across fields; shared by add (in the schema) and update (after merging the patch). */
export function localStoreEndpointProblem(kind: ProfileKind, endpoint: string | undefined): string | undefined {
  return kind === 'local-store' && !endpoint ? "endpoint is required for a 'local-store' profile (e.g. 'http://127.0.0.1:9000')" : undefined;
}

function requireEndpointForLocalStore(p: { kind: ProfileKind; endpoint?: string }, ctx: z.RefinementCtx): void {
  const problem = localStoreEndpointProblem(p.kind, p.endpoint);
  if (problem) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: problem.replace(/^endpoint /, '') });
}

export const profileInputSchema = z.strictObject(fields, { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s): ${iss.keys.join(', ')}` : undefined) }).superRefine(requireEndpointForLocalStore);
export type ProfileInput = z.input<typeof profileInputSchema>;
export type ValidProfile = z.output<typeof profileInputSchema>;

/** A patch for updateProfile: any subset of fields; `sessionToken`/`endpoint` set to null remove them. */
export const profilePatchSchema = z.strictObject(
  {
    name: nameSchema.optional(),
    kind: fields.kind.optional(),
    region: regionSchema.optional(),
    appid: appidSchema.optional(),
    secretId: secretIdSchema.optional(),
    secretKey: secretKeySchema.optional(),
    sessionToken: sessionTokenSchema.nullable().optional(),
    endpoint: endpointSchema.nullable().optional(),
    tlsCertificate: tlsCertificateSchema.nullable().optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s): ${iss.keys.join(', ')}` : undefined) },
);
export type ProfilePatch = z.input<typeof profilePatchSchema>;

/** Parses or throws a VALIDATION VaultError listing every problem as "field: what is wrong". */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new VaultError('VALIDATION', `Invalid ${what}: ${formatIssues(r.error.issues)}`);
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join('.');
      return path ? `${path} ${i.message}` : i.message;
    })
    .join('; ');
}

/** Throws the VALIDATION error addProfile would, without a vault: so a caller can refuse bad input before creating one. */
export function checkProfileInput(input: unknown): void {
  parseOrThrow(profileInputSchema, input, 'profile');
}
