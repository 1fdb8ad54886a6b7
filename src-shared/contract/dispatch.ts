import { z } from 'zod';
import type { Reply } from '../result.ts';
import type { ContractMap, HandlersOf, InputOf, OutputOf } from './define.ts';

/** Carries a typed failure out of a handler; anything else thrown is reported as `internal`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(argument)'}: ${i.message}`).join('; ');
}

/**
 * The server side of every transport: look the call up, validate the argument, run the handler,
 * validate the result. Never throws and never leaks a stack trace.
 */
export async function dispatch<C extends ContractMap>(
  contract: C,
  handlers: HandlersOf<C>,
  name: string,
  rawArg: unknown,
): Promise<Reply<unknown>> {
  if (!Object.hasOwn(contract, name)) return { ok: false, error: { code: 'unknown_call', message: `No such call: ${name}` } };
  const spec = contract[name]!;
  const parsed = spec.input.safeParse(rawArg ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_argument', message: describeIssues(parsed.error) } };
  try {
    const handler = handlers[name as keyof C] as (arg: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    const checked = spec.output.safeParse(value);
    if (!checked.success) {
      return { ok: false, error: { code: 'internal', message: `Result of ${name} broke the contract: ${describeIssues(checked.error)}` } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: { code: err.code, message: err.message } };
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e?.code === 'string' && typeof e?.message === 'string' && (err as Error).name === 'PipelineError') {
      return { ok: false, error: { code: e.code, message: e.message } };
    }
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}

export type Transport = (name: string, arg: unknown) => Promise<Reply<unknown>>;

/** The calling side: one typed `call` over any transport. Errors arrive as an `ApiError`. */
export function createClient<C extends ContractMap>(transport: Transport) {
  return {
    async call<K extends keyof C & string>(name: K, arg: InputOf<C, K>): Promise<OutputOf<C, K>> {
      const reply = await transport(name, arg);
      if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
      return reply.value as OutputOf<C, K>;
    },
  };
}
