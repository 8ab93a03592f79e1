/**
 * A statement of SQL, with its values or without: no app log line carries
 * one. (MySQL's own messages name a statement's kind, `in 'INSERT INTO'`,
 * with nothing after it: that is no statement.) A quote before a name may
 * come escaped (`\"`), as JSON writes it.
 */
const sqlStatement =
  /\b(?:insert\s+into\s+[`"\\\w]|delete\s+from\s+[`"\\\w]|update\s+\\?[`"]?\w+\\?[`"]?\s+set\s|select\s.+?\sfrom\s+[`"\\\w]|values\s*\()/i;
/** A session token by its shape, received or not: 40 (before 0004) or 52 base32 characters. */
const tokenShape = /\b(?:[a-z2-7]{40}|[a-z2-7]{52})\b/;

/**
 * The log lines that carry what no log line may (docs/API.md, "No secret
 * leaves the server"): a password hash, a session token (one of `tokens`,
 * the ones the tests were given, or anything shaped like one), or SQL text. Each is described with the
 * secret cut out, so that the report does not print it again.
 *
 * @example
 * expect(findLogLeaks(lines, harness.received)).toEqual([]);
 */
export function findLogLeaks(lines: readonly string[], tokens: Iterable<string>): string[] {
  const known = [...tokens].filter(Boolean);
  const leaks: string[] = [];
  for (const line of lines) {
    const where = line.slice(0, 160);
    if (line.includes('$argon2')) leaks.push(`a password hash in: ${cut(where, /\$argon2\S*/g)}`);
    else if (known.some((token) => line.includes(token)) || tokenShape.test(line))
      leaks.push(`a session token in: ${cut(where, new RegExp(tokenShape, 'g'))}`);
    else if (sqlStatement.test(line)) leaks.push(`SQL in: ${cut(where, /'[^']*'/g)}`);
  }
  return leaks;
}

function cut(line: string, secret: RegExp): string {
  return line.replace(secret, '[cut]');
}
