export { PreviewView } from './preview-view';
export { CONFIRM_ABOVE_SPANS } from './submit-bar';
