import { build } from 'vite';

/** Builds the UI once for all browser tests, into its own folder so a running `npm start` is not disturbed. */
export default async function setup(): Promise<void> {
  await build({ logLevel: 'warn', build: { outDir: 'dist/ui-e2e', emptyOutDir: true, sourcemap: false } });
}
