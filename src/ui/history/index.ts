export { HistoryView } from './history-view';
export { submissionQueryOptions } from './api/get-submission';
