import { z } from 'zod';

/** Every reply that crosses a boundary (IPC, HTTP, worker) is plain data: a value or a typed error. */
export const ErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Reply<T> => ({ ok: true, value });
export const fail = (code: string, message: string): Reply<never> => ({ ok: false, error: { code, message } });
