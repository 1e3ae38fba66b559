export { SpansStore } from './spans-store';
export { SpansView } from './spans-view';
