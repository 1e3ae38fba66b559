import { inject } from 'vitest';

// Set-up file of the `postgres` project, run before each test file: gives the file the server that its global
// set-up started or checked, where createTestDatabase (and a test that opens a store itself) creates databases.
process.env.SPANPATCH_TEST_DATABASE_URL = inject('postgresUrl');
process.env.SPANPATCH_TEST_DATABASE_PREFIX = inject('postgresDatabasePrefix');
