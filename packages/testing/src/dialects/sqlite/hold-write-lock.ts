// Run as its own process: holds the write lock of the SQLite file given as
// the first argument until it is killed, as another program might (a long
// migration, the sqlite3 shell). In WAL mode readers go on; every writer
// waits, then gets SQLITE_BUSY. Prints "locked" once it holds the lock.
import Sqlite from 'better-sqlite3';

const database = new Sqlite(process.argv[2] ?? '');
database.exec('BEGIN IMMEDIATE');
console.log('locked');
// The interval keeps the process, and with it the connection, alive.
setInterval(() => database.open, 60_000);
