// `npm start`: builds the UI when dist/ui is missing or older than its sources, then runs the server, which
// serves the UI and the API on one port (PORT, default 8787) and seeds the demo project on an empty database.
// The same as `spanpatch serve`: both run `serveApp` (src/cli/serve-app.ts), from the bundle of the sources that
// bin/dev-bundle.mjs keeps up to date.
import { importBundled } from '../bin/dev-bundle.mjs';

const { serveApp } = await importBundled('serve-app');
await serveApp();
