import { z } from 'zod';

/** One call of the API: a name maps to one argument schema and one result schema (as VS Code's IPC channels). */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** Mutating calls go through the engine's write door and are audited. */
  mutates: boolean;
  summary: string;
}

export type ContractMap = Record<string, CallSpec>;

export const query = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): CallSpec<I, O> => ({
  input,
  output,
  mutates: false,
  summary,
});

export const mutation = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O): CallSpec<I, O> => ({
  input,
  output,
  mutates: true,
  summary,
});

export type InputOf<C extends ContractMap, K extends keyof C> = z.input<C[K]['input']>;
export type ParsedInputOf<C extends ContractMap, K extends keyof C> = z.output<C[K]['input']>;
export type OutputOf<C extends ContractMap, K extends keyof C> = z.output<C[K]['output']>;

/** What an implementation of a contract must provide: one async function per call. */
export type HandlersOf<C extends ContractMap> = {
  [K in keyof C]: (arg: ParsedInputOf<C, K>) => Promise<OutputOf<C, K>>;
};

export const PageRequestSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});

export const SortSchema = <F extends [string, ...string[]]>(fields: F) =>
  z.object({ field: z.enum(fields), direction: z.enum(['asc', 'desc']).default('desc') });
