/** Exhaustiveness check for switches over discriminated unions: the compiler rejects a missed case. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
