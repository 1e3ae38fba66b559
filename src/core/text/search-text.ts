/**
 * What a text search matches (SPEC §10: "a substring of the span's name"): the name holds the search text once
 * both are in their search form. Both stores index each name in this form and search for the search text in it, so
 * they find the same spans for any text, in any script.
 */

/** Folds that full Unicode case folding makes beyond lower case: final sigma, and sharp s (either case). */
const caseFolds: Readonly<Record<string, string>> = { ς: 'σ', ß: 'ss' };

/**
 * A text in its search form: compatibility characters as their plain equivalents (NFKC: `ﬁ` as `fi`, full-width
 * `Ａ` as `A`), in lower case in every script, with `ς` as `σ` and `ß` as `ss`, and accents composed (NFC), so an
 * `é` typed as `e` and a combining accent is the `é` of the name. So `école` finds `ÉCOLE`, `strasse` finds
 * `Straße`, whatever the length of the search. Folding its result again changes nothing.
 */
export function searchForm(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[ςß]/g, (letter) => caseFolds[letter] ?? letter)
    .normalize('NFC');
}

/** True when `name` matches the search `text`: its search form holds that of the text. */
export function nameMatches(name: string, text: string): boolean {
  return searchForm(name).includes(searchForm(text));
}
