import type { TestProject } from 'vitest/node';
import { startDatabaseServer } from './database-server.ts';
import { isDialect } from './dialect.ts';

/**
 * Starts the run's database server once, for every test file of the project
 * (whose `name` is the dialect), and stops it when the run ends.
 */
export default async function setup(project: TestProject) {
  const dialect = project.name;
  if (!isDialect(dialect)) throw new Error(`vitest project name "${dialect}" is not a dialect`);
  const server = await startDatabaseServer(dialect);
  console.log(`${dialect}: database server from ${server.source}`);
  project.provide('databaseServerUrl', server.url);
  return () => server.stop();
}
