// Columns of a DataTable (components/DataTable.svelte) and the sort it applies.
import type { Snippet } from 'svelte';

export type CellValue = string | number | boolean | null | undefined;

export interface Column<T> {
  id: string;
  label: string;
  /** What the column sorts by, and shows when there is no `cell` snippet. Without it the column cannot sort. */
  value?: (row: T) => CellValue;
  /** Custom rendering of the cell. */
  cell?: Snippet<[T]>;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** Off to keep a column with a value unsortable. */
  sortable?: boolean;
  /** Shown as the header's tooltip. */
  title?: string;
}

export interface SortState {
  column: string;
  dir: 'asc' | 'desc';
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: CellValue, b: CellValue): number {
  // Missing values sort last in both directions' natural reading (nulls after numbers in ascending order).
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? -1 : 1;
  return collator.compare(String(a), String(b));
}

/** A sorted copy (stable: equal rows keep their order). */
export function sortRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: SortState | null): readonly T[] {
  const col = sort && columns.find((c) => c.id === sort.column);
  if (!sort || !col?.value) return rows;
  const value = col.value;
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      const c = compare(a.v, b.v);
      if (c === 0) return a.i - b.i;
      // Keep missing values last whichever the direction.
      if (a.v === null || a.v === undefined || b.v === null || b.v === undefined) return c;
      return sign * c;
    })
    .map((x) => x.row);
}
