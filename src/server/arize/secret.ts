/**
 * Removes every occurrence of the API key from a text (as given, and in base64, the form in which gRPC shows a
 * binary header), so that no message, log line or error ever carries it.
 */
export function withoutSecret(text: string, apiKey: string): string {
  if (apiKey === '') return text;
  const forms = [apiKey, Buffer.from(apiKey, 'utf8').toString('base64')];
  let clean = text;
  for (const form of forms) clean = clean.split(form).join('[API key]');
  return clean;
}
