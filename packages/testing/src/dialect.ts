/** The databases the apps run on. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const dialects: readonly Dialect[] = ['postgres', 'mysql', 'sqlite'];

export function isDialect(value: string): value is Dialect {
  return (dialects as readonly string[]).includes(value);
}
