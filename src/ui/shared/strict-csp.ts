import { z } from 'zod';

// NOTE: the app runs under a Content-Security-Policy without 'unsafe-eval' (SPEC §12). zod otherwise probes
// `new Function` to compile its parsers, which the browser blocks and reports as a policy violation.
z.config({ jitless: true });
