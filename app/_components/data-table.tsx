import type { ReactNode } from 'react';

/**
 * A column: its header, what a row shows in it, and a test id for its cells where tests read one;
 * `className` goes on its cells, `numeric` right-aligns header and cells alike, and a
 * `headerHidden` column (a row's buttons) names itself to screen readers only; when every
 * column does, the header row takes no room on screen.
 */
export type Column<Row> = {
  header: string;
  cell: (row: Row) => ReactNode;
  testId?: string;
  className?: string;
  numeric?: boolean;
  headerHidden?: boolean;
};

/**
 * A row under the items (shipping, totals): its label spans every column but the last,
 * which holds the value. `false` or `null` leave a row out, for rows that depend on the order.
 */
export type FooterRow = { label: ReactNode; value: ReactNode; testId?: string };

const cellClass = (column: Column<never>) =>
  [column.numeric ? 'number' : null, column.className].filter(Boolean).join(' ') || undefined;

/**
 * The table markup the shop, admin and account pages share: a caption for screen
 * readers, column headers, one row per item, and footer rows of totals. `rowData`
 * gives a row's data-* attributes (a status tests and styles can select on).
 */
export function DataTable<Row>(props: {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  testId?: string;
  rowTestId?: string;
  rowData?: (row: Row) => Record<`data-${string}`, string>;
  className?: string;
  footer?: ReadonlyArray<FooterRow | false | null>;
}) {
  const { caption, columns, rows, rowKey, testId, rowTestId, rowData, className = 'order-lines' } = props;
  const footer = (props.footer ?? []).filter((row): row is FooterRow => Boolean(row));
  const last = columns.at(-1);
  return (
    <table className={className} data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead className={columns.every((column) => column.headerHidden) ? 'visually-hidden' : undefined}>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col" className={column.numeric ? 'number' : undefined}>
              {column.headerHidden ? <span className="visually-hidden">{column.header}</span> : column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={rowTestId} {...rowData?.(row)}>
            {columns.map((column) => (
              <td key={column.header} className={cellClass(column)} data-testid={column.testId}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {footer.length > 0 && (
        <tfoot>
          {footer.map((row, index) => (
            <tr key={index}>
              <th scope="row" colSpan={columns.length - 1 || undefined}>
                {row.label}
              </th>
              <td className={last && cellClass(last)} data-testid={row.testId}>
                {row.value}
              </td>
            </tr>
          ))}
        </tfoot>
      )}
    </table>
  );
}
