export { loadLastSubmission, type SavedSubmission, saveLastSubmission } from '@/ui/sheet/autosave/autosave';
export { emptySheet, type SheetSource, type SheetState, SheetStore } from './sheet-store';
export { SheetView } from './sheet-view';
export { useAutosave } from './use-autosave';
export { SheetProjectTypes } from './use-project-keys';
export { appSheetStore, warmUpImportWorker } from '@/ui/sheet/import/import-worker-client';
