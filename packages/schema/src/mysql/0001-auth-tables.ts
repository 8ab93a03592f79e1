import { type Kysely, sql } from 'kysely';

// Binary collation: ids and tokens compare byte for byte, as on the other dialects.
const tableOptions = sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`;
// DATETIME has no time zone: it holds UTC. The pool reads it as UTC
// (`timezone: 'Z'`), and defaults use UTC_TIMESTAMP(), not NOW(), which
// would follow the server's time zone.
const utcNow = sql`(utc_timestamp())`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('user')
    .addColumn('id', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('username', 'varchar(31)', (col) => col.notNull().unique())
    .addColumn('created_at', 'datetime', (col) => col.notNull().defaultTo(utcNow))
    .addCheckConstraint('user_username_lower_case', sql`username = lower(username)`)
    .modifyEnd(tableOptions)
    .execute();
  // MySQL ignores an inline REFERENCES: foreign keys must be table constraints.
  await db.schema
    .createTable('key')
    .addColumn('id', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('hashed_password', 'varchar(255)')
    .addForeignKeyConstraint('key_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
  // Lucia's MySQL adapter expects DATETIME for expires_at. The foreign key
  // gives user_id its index.
  await db.schema
    .createTable('session')
    .addColumn('id', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(255)', (col) => col.notNull())
    .addColumn('expires_at', 'datetime', (col) => col.notNull())
    .addColumn('created_at', 'datetime', (col) => col.notNull().defaultTo(utcNow))
    .addForeignKeyConstraint('session_user_id_fk', ['user_id'], 'user', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .modifyEnd(tableOptions)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session').execute();
  await db.schema.dropTable('key').execute();
  await db.schema.dropTable('user').execute();
}
