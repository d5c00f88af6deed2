// The list every admin section shows: nothing while loading, a line saying the list is empty,
// or a named table in a scrolling box with one header row.
import type { ReactElement } from 'react';
import { TableWrap } from './admin-parts.js';

/**
 * A table of `rows`, named by `label` (its box and its caption). With `empty`, an empty list
 * shows that line instead of the table; without it, an empty table.
 */
export function AdminTable<Row>({
  label,
  rows,
  empty,
  headers,
  className,
  captionShown = false,
  children,
}: {
  label: string;
  /** Undefined while loading. */
  rows: readonly Row[] | undefined;
  empty?: string;
  headers: readonly string[];
  /** Classes besides `admin-table`. */
  className?: string;
  /** Show the caption; otherwise only assistive technology reads it. */
  captionShown?: boolean;
  /** One `<tr>` with its key. */
  children(row: Row): ReactElement;
}) {
  if (!rows) return null;
  if (rows.length === 0 && empty !== undefined) return <p className="muted">{empty}</p>;
  return (
    <TableWrap label={label}>
      <table className={className ? `admin-table ${className}` : 'admin-table'}>
        <caption className={captionShown ? undefined : 'visually-hidden'}>{label}</caption>
        <thead>
          <tr>
            {headers.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{rows.map(children)}</tbody>
      </table>
    </TableWrap>
  );
}
