/** Builds a parameterised WHERE clause from optional filters; values never enter the SQL text. */
export class Where {
  private readonly parts: string[] = [];
  readonly params: Record<string, unknown> = {};

  /** Adds `sql` (which names `@name`) when `value` is set. */
  when(value: unknown, sql: string, name: string, transform: (v: never) => unknown = (v) => v): this {
    if (value === undefined || value === null || value === '') return this;
    this.parts.push(sql);
    this.params[name] = transform(value as never);
    return this;
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** A LIKE pattern that matches `text` literally anywhere (use with ESCAPE '\\'). */
export const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
