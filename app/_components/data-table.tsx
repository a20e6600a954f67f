import type { ReactNode } from 'react';

/**
 * A column: its header, what a row shows in it, and a test id for its cells where tests read one;
 * `className` goes on its cells, `numeric` right-aligns header and cells alike, and a
 * `headerHidden` column (a row's buttons) names itself to screen readers only.
 */
export type Column<Row> = {
  header: string;
  cell: (row: Row) => ReactNode;
  testId?: string;
  className?: string;
  numeric?: boolean;
  headerHidden?: boolean;
};

const cellClass = (column: Column<never>) =>
  [column.numeric ? 'number' : null, column.className].filter(Boolean).join(' ') || undefined;

/**
 * The table markup the admin and account lists share: a caption for screen
 * readers, column headers, one row per item. `rowData` gives a row's data-*
 * attributes (a status tests and styles can select on).
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
}) {
  const { caption, columns, rows, rowKey, testId, rowTestId, rowData, className = 'order-lines' } = props;
  return (
    <table className={className} data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
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
    </table>
  );
}
