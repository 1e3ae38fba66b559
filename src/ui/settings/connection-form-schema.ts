import { z } from 'zod';

/** The message for a server URL that is not an http(s) address. */
export const SERVER_URL_MESSAGE =
  'Enter an address that starts with http:// or https://, for example http://localhost:8787';

/** Whether a text is an absolute http:// or https:// URL with a host. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The connection settings form, and the check applied to whatever is read back from storage. The server URL is
 * trimmed and loses its trailing slashes; the API key must be a header-safe token (printable ASCII, no spaces).
 */
export const connectionFormSchema = z.object({
  serverUrl: z
    .string()
    .trim()
    .min(1, 'Enter the server URL')
    .refine(isHttpUrl, SERVER_URL_MESSAGE)
    .overwrite((url) => url.replace(/\/+$/, '')),
  apiKey: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]*$/, 'The API key can only hold letters, digits and punctuation, without spaces'),
  project: z
    .string()
    .trim()
    .min(1, 'Enter the project to work in')
    .max(200, 'Project names are at most 200 characters'),
  rememberApiKey: z.boolean(),
});

/** What the form holds while it is edited. */
export type ConnectionFormInput = z.input<typeof connectionFormSchema>;

/** Saved connection settings: where the server is, the API key, the project, and where the key is kept. */
export type ConnectionSettings = z.output<typeof connectionFormSchema>;
