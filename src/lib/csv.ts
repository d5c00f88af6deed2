// CSV as RFC 4180 writes it (comma-separated, CRLF line ends, fields with a comma, quote or line
// break quoted, quotes doubled), safe to open in a spreadsheet.

/** One cell's value; null and undefined are empty cells. */
export type CsvValue = string | number | null | undefined;

/**
 * One field. A text starting with =, +, -, @, tab or CR gets a leading ' so that a name typed by
 * a user cannot become a formula in the spreadsheet that opens the file.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file: a header row of `columns`, then one row per record, each line ending CRLF. */
export function csvTable<Column extends string>(
  columns: readonly Column[],
  rows: Iterable<Partial<Record<Column, CsvValue>>>,
): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}
