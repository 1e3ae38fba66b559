export { loadLastSubmission, type SavedSubmission, saveLastSubmission } from './autosave';
export { emptySheet, type SheetSource, type SheetState, SheetStore } from './sheet-store';
export { SheetView } from './sheet-view';
export { useAutosave } from './use-autosave';
export { appSheetStore, warmUpImportWorker } from './read-file';
