/** The databases the apps run on. */
export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const dialects: readonly Dialect[] = ['postgres', 'mysql', 'sqlite'];

export function isDialect(value: string): value is Dialect {
  return (dialects as readonly string[]).includes(value);
}

/** The environment variable that names an app's database. */
export const databaseVariable: Record<Dialect, 'DATABASE_URL' | 'DATABASE_PATH'> = {
  postgres: 'DATABASE_URL',
  mysql: 'DATABASE_URL',
  sqlite: 'DATABASE_PATH',
};
