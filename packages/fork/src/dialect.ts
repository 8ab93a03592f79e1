/** The dialects of the apps: `apps/<dialect>` is the app `@app/<dialect>`. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const dialects: readonly Dialect[] = ['postgres', 'mysql', 'sqlite'];

export function isDialect(value: string): value is Dialect {
  return (dialects as readonly string[]).includes(value);
}
