import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
/**
 * The monorepo's `docker-compose.yml` cut down to a fork's: the one service
 * named after its dialect and the named volumes that service mounts, with the
 * file's comments and quoting kept.
 *
 * @example
 * renderComposeFile(readFileSync('docker-compose.yml', 'utf8'), 'postgres');
 */
export function renderComposeFile(compose: string, dialect: string): string {
  const document = parseDocument(compose);
  const services = document.get('services');
  if (!isMap(services) || !services.has(dialect)) {
    throw new Error(`docker-compose.yml has no service named "${dialect}"`);
  }
  for (const { key } of [...services.items]) {
    if (isScalar(key) && key.value !== dialect) services.delete(key);
  }

  // `name:/path` mounts a named volume; `./path:/path` a folder of the host.
  const mounts = document.getIn(['services', dialect, 'volumes']);
  const used = new Set(
    (isSeq(mounts) ? mounts.items : [])
      .map((item) => String(isScalar(item) ? item.value : '').split(':')[0])
      .filter((source) => source && !/^[./~]/.test(source)),
  );
  const volumes = document.get('volumes');
  if (isMap(volumes)) {
    for (const { key } of [...volumes.items]) {
      if (isScalar(key) && !used.has(String(key.value))) volumes.delete(key);
    }
    if (volumes.items.length === 0) document.delete('volumes');
  }

  // The file's opening comment, which yaml attaches to its first key, is the
  // monorepo's: the fork's says the same of its one server.
  const first = isMap(document.contents) ? document.contents.items[0]?.key : null;
  const header = [
    ' The database server of the app, for running it locally:',
    '   docker compose up -d',
    " Its URL is the app's default database URL.",
  ].join('\n');
  if (isScalar(first) && first.commentBefore) first.commentBefore = header;
  else document.commentBefore = header;
  return document.toString();
}
