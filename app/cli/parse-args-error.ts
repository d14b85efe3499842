// Node's parseArgs failures as plain sentences, for both command lines. Node's own messages are written for
// programmers (`…place it at the end of the command after '--', as in '-- "--frobnicate"'`), change between Node
// versions, and one of them repeats an option's value. These name the option as typed and never its value, which
// could be a secret.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** True for the errors parseArgs throws in strict mode (ERR_PARSE_ARGS_*). */
export function isParseArgsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * What was wrong with `argv`, for a parseArgs error thrown while reading it with `options` (a sentence without
 * a closing pointer to --help, which each command line adds in its own words).
 */
export function describeParseArgsError(err: unknown, argv: string[], options: Options): string {
  // The lenient parse never throws and says how it read each argument; the offending one is found from that.
  const { tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const known = (name: string) => Object.hasOwn(options, name);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = tokens.find((t) => t.kind === 'option' && !known(t.name));
    if (unknown?.kind === 'option') return `unknown option ${unknown.rawName}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    for (const t of tokens) {
      if (t.kind !== 'option' || !known(t.name)) continue;
      const takesValue = options[t.name]!.type === 'string';
      if (!takesValue && t.value !== undefined) return `${t.rawName} takes no value.`;
      if (takesValue && t.value === undefined) return `${t.rawName} needs a value.`;
      if (takesValue && !t.inlineValue && t.value!.startsWith('-')) {
        return `${t.rawName} needs a value, but an option follows it; for a value that starts with "-", write ${t.rawName}=VALUE.`;
      }
    }
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'this command takes options only, no other arguments.';
  return 'the options could not be read.';
}
