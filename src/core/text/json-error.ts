/**
 * Finds where and why JSON text is invalid. Called only after `JSON.parse` failed, since its messages carry no
 * position in every engine: a small recursive-descent scan says where the text stops being JSON.
 */
export function locateJsonError(text: string): { offset: number; message: string } {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.skipSpace();
    if (scanner.at < text.length) {
      return {
        offset: scanner.at,
        message: `${scanner.describe(scanner.at)} after the end of the JSON value`,
      };
    }
    return { offset: text.length, message: 'Invalid JSON' };
  } catch (error) {
    if (error instanceof JsonStop) return { offset: error.offset, message: error.message };
    return { offset: scanner.at, message: 'Invalid JSON' };
  }
}

class JsonStop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const literalPattern = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

class JsonScanner {
  at = 0;
  constructor(private readonly text: string) {}

  describe(offset: number): string {
    const char = this.text[offset];
    return char === undefined ? 'Unexpected end of JSON' : `Unexpected character ${JSON.stringify(char)}`;
  }

  skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at] ?? '')) this.at++;
  }

  private stop(what: string): never {
    throw new JsonStop(this.at, `${this.describe(this.at)}: expected ${what}`);
  }

  value(): void {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '{') return this.members('}', () => this.member());
    if (char === '[') return this.members(']', () => this.value());
    if (char === '"') return this.string();
    const literal = literalPattern.exec(this.text.slice(this.at, this.at + 400));
    if (literal && literal[0] !== '') {
      this.at += literal[0].length;
      return;
    }
    this.stop('a value');
  }

  private member(): void {
    this.skipSpace();
    if (this.text[this.at] !== '"') this.stop('a property name in double quotes');
    this.string();
    this.skipSpace();
    if (this.text[this.at] !== ':') this.stop("':'");
    this.at++;
    this.value();
  }

  private members(close: '}' | ']', item: () => void): void {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === close) {
      this.at++;
      return;
    }
    for (;;) {
      item();
      this.skipSpace();
      const char = this.text[this.at];
      this.at++;
      if (char === ',') continue;
      if (char === close) return;
      this.at--;
      this.stop(`',' or '${close}'`);
    }
  }

  private string(): void {
    this.at++;
    while (this.at < this.text.length) {
      const char = this.text[this.at] ?? '';
      if (char === '"') {
        this.at++;
        return;
      }
      if (char === '\\') {
        const next = this.text[this.at + 1] ?? '';
        const valid =
          next === 'u'
            ? /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))
            : '"\\/bfnrt'.includes(next) && next !== '';
        if (!valid) throw new JsonStop(this.at, 'Invalid escape sequence in a string');
        this.at += next === 'u' ? 6 : 2;
        continue;
      }
      if (char.charCodeAt(0) < 0x20)
        throw new JsonStop(this.at, 'Control character (such as a line break) inside a string');
      this.at++;
    }
    throw new JsonStop(this.at, 'Unterminated string');
  }
}
