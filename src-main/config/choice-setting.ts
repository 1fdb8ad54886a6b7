/** A value from a fixed list, case-insensitive; else an error that names the list. */
export function parseChoice<T extends string>(value: string, choices: readonly T[], what: string): T {
  const v = value.trim().toLowerCase();
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new Error(`Unknown ${what} "${value}"; use one of ${choices.join(', ')}`);
}

/** The choice an environment variable holds, `fallback` when it is unset or empty. */
export function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, parse: (value: string) => T, fallback: T): T {
  const v = env[name];
  return v ? parse(v) : fallback;
}
