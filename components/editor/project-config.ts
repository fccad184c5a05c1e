import { parse, type ParseError } from 'jsonc-parser';
import { z } from 'zod';

// The project's tsconfig.json, read for the editor's TypeScript service: the options that change
// what the editor reports (JSX, strictness, checks). Nothing here is trusted: a file that does not
// parse, or an option of the wrong type or an unknown value, leaves the IDE's defaults in place.

/** TypeScript's own enum values (the compiler's numbers, which Monaco passes through). */
const JSX = { preserve: 1, react: 2, 'react-native': 3, 'react-jsx': 4, 'react-jsxdev': 5 } as const;

const MAX_CHARS = 64 * 1024;

const flag = z.boolean().optional().catch(undefined);
const options = z.object({
  jsx: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(Object.keys(JSX) as [keyof typeof JSX, ...(keyof typeof JSX)[]]))
    .optional()
    .catch(undefined),
  jsxImportSource: z.string().max(200).regex(/^[\w@./-]+$/).optional().catch(undefined),
  strict: flag,
  noImplicitAny: flag,
  strictNullChecks: flag,
  noUnusedLocals: flag,
  noUnusedParameters: flag,
  noFallthroughCasesInSwitch: flag,
  noImplicitReturns: flag,
  allowJs: flag,
  checkJs: flag,
});
const tsconfig = z.object({ compilerOptions: z.record(z.string(), z.unknown()).optional().catch(undefined) });

export type ProjectCompilerOptions = Partial<Record<string, string | number | boolean>>;

/** The options of `text` (tsconfig.json, comments and trailing commas allowed) the editor honours. */
export function compilerOptionsFrom(text: string | null): ProjectCompilerOptions {
  if (text === null || text.length > MAX_CHARS) return {};
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) return {};
  const root = tsconfig.safeParse(json);
  if (!root.success || !root.data.compilerOptions) return {};
  const picked = options.parse(lowerCaseKeys(root.data.compilerOptions));
  const result: ProjectCompilerOptions = {};
  for (const [key, value] of Object.entries(picked)) {
    if (value === undefined) continue;
    result[key] = key === 'jsx' ? JSX[value as keyof typeof JSX] : (value as string | boolean);
  }
  return result;
}

/** tsconfig keys are case-insensitive; ours are camelCase. */
function lowerCaseKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const known = new Map(Object.keys(options.shape).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = known.get(key.toLowerCase());
    if (name) out[name] = value;
  }
  return out;
}
