import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';

export interface RelationSize {
  /** The table's own pages (live and dead rows, page slack). */
  heap: number;
  indexes: number;
  /** Out-of-line storage for large values (TOAST table and its index). */
  toast: number;
  /** The free space and visibility maps: a few pages per table, once it has more than a few pages. */
  maps: number;
}

/** Bytes on disk per table of the public schema (pg_total_relation_size split in its parts). */
export async function relationSizes(db: Db): Promise<Map<string, RelationSize>> {
  const result: unknown = await db.execute(sql`
    select c.relname as name, pg_relation_size(c.oid) as heap, pg_indexes_size(c.oid) as indexes,
           coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) as toast,
           pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm') as maps
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'`);
  return new Map(resultRows<Record<keyof RelationSize | 'name', string | number>>(result).map((r) => [String(r.name), { heap: Number(r.heap), indexes: Number(r.indexes), toast: Number(r.toast), maps: Number(r.maps) }]));
}

/** Per table, what grew between two measurements (tables that did not grow are left out). */
export function relationGrowth(before: Map<string, RelationSize>, after: Map<string, RelationSize>): Map<string, RelationSize & { total: number }> {
  const grown = new Map<string, RelationSize & { total: number }>();
  for (const [name, a] of after) {
    const b = before.get(name) ?? { heap: 0, indexes: 0, toast: 0, maps: 0 };
    const d = { heap: a.heap - b.heap, indexes: a.indexes - b.indexes, toast: a.toast - b.toast, maps: a.maps - b.maps };
    const total = d.heap + d.indexes + d.toast + d.maps;
    if (total !== 0) grown.set(name, { ...d, total });
  }
  return grown;
}

/** Rows of db.execute: PGlite answers { rows }, postgres.js the array itself. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
