import type { TestProject } from 'vitest/node';
import { buildApp } from './app-process.ts';
import { NoDatabaseServerError, startDatabaseServer } from './database-server.ts';
import { loadDialect } from './dialect.ts';

/**
 * Builds the app (its processes run the bundle, as `pnpm start` does), then
 * starts the run's database server once, for every test file of the project
 * (whose `name` is the dialect), and stops it when the run ends.
 */
export default async function setup(project: TestProject) {
  await buildApp(project.config.root);
  const dialect = await loadDialect(project.name);
  try {
    const server = await startDatabaseServer(dialect);
    console.log(`${dialect.name}: database server from ${server.source}`);
    project.provide('databaseServerUrl', server.url);
    return () => server.stop();
  } catch (error) {
    if (!(error instanceof NoDatabaseServerError)) throw error;
    // One paragraph for a person, not vitest's stack and its "No test files
    // found": the app's tests cannot run, and the run must fail.
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
