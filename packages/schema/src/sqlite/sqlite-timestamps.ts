import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  ValueNode,
} from 'kysely';

/** Whole seconds since the epoch, as SQLite stores a point in time here. */
function toSeconds(value: unknown): unknown {
  return value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
}

/** Replaces every `Date` a query binds with its seconds. */
class DatesToSeconds extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return node.value instanceof Date ? ValueNode.create(toSeconds(node.value)) : node;
  }

  protected override transformPrimitiveValueList(
    node: PrimitiveValueListNode,
  ): PrimitiveValueListNode {
    return node.values.some((value) => value instanceof Date)
      ? PrimitiveValueListNode.create(node.values.map(toSeconds))
      : node;
  }
}

/**
 * SQLite has no date type: Lucia's SQLite adapter stores `expires_at` as
 * INTEGER seconds since the epoch, and this schema's other points in time
 * follow it. This plugin converts at the one boundary where queries pass, so
 * that the code above Kysely sees a `Date` on every dialect: a `Date` a
 * query binds is written as its seconds, and a number read from a column
 * named `*_at` (the schema's name for a point in time) comes back as a
 * `Date`. Written here because Kysely's own plugins convert no dates, and
 * serializing plugins on npm store them as text, which Lucia's adapter
 * would not read.
 *
 * @example
 * const db = new Kysely<Database>({
 *   dialect: new SqliteDialect({ database }),
 *   plugins: [new SqliteTimestamps()],
 * });
 */
export class SqliteTimestamps implements KyselyPlugin {
  readonly #transformer = new DatesToSeconds();

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(node);
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of result.rows) {
      for (const [column, value] of Object.entries(row)) {
        if (column.endsWith('_at') && typeof value === 'number') {
          row[column] = new Date(value * 1000);
        }
      }
    }
    return result;
  }
}
