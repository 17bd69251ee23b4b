/** What the asset-library list endpoints share: their page, and a name filter that behaves the same on both engines. */
import { Raw } from 'typeorm';

export interface Page {
  number: number;
  size: number;
  sortBy: 'createdAt' | 'updatedAt';
  order: 'ASC' | 'DESC';
}

/** Case-insensitive substring match on both engines (SQLite LIKE and PostgreSQL LIKE differ on case). */
export function nameContains(fragment: string) {
  const escaped = fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return Raw((alias) => `LOWER(${alias}) LIKE :fragment ESCAPE '\\'`, { fragment: `%${escaped}%` });
}

/** The order, offset and size of one page (ties broken by id, in the same direction). */
export function paging(page: Page) {
  return { order: { [page.sortBy]: page.order, id: page.order }, skip: (page.number - 1) * page.size, take: page.size } as const;
}
