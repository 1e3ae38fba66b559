import { vi } from 'vitest';

// Set-up file of the unit tests, run before each test file; it changes only the component tests (jsdom). These run
// on machines that may be busy (CI on two shared cores), where jsdom's renders and role queries take several
// times as long: every wait is for a condition, so generous limits cost nothing when the condition comes.
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  // Testing Library's waits (waitFor, findBy…) give up after 10 s, not 1 s.
  configure({ asyncUtilTimeout: 10_000 });
  vi.setConfig({ testTimeout: 120_000 });
}
