import { beforeEach } from 'vitest';
import { noteFailure } from './screenshots';

// Set-up file of the browser tests, run before each test file: a failed test keeps this run's screenshots.
beforeEach((context) => {
  context.onTestFailed(() => noteFailure(context));
});
