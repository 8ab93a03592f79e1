// The bare Lucia server on SQLite as Lucia's guide writes it: its adapter
// prepares a statement for every query (serve-sqlite-bare-lucia.ts).
import { serveSqliteBareLucia } from './serve-sqlite-bare-lucia.ts';

await serveSqliteBareLucia({ prepareOnce: false });
