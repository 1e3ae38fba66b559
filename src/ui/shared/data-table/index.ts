export { DataTable, type DataTableColumn, type DataTableSelection } from './data-table';
export { deselectAll, listedSelection, moveRow, selectAll, selectRange, toggleSelected } from './selection';
export { type EditingCell, type TablePosition, TableStore, type TableState } from './table-store';
