/** Deterministic test data for benchmarks: a sheet an analyst would export from pandas. */
import { createRandom } from '../../src/server/demo/demo-spans';

/** A 16-hex-character span ID from a number. */
export function spanIdFor(index: number): string {
  return (index * 2654435761 + 0x1f2e3d4c).toString(16).padStart(16, '0').slice(-16);
}

/** CSV text of `rows` rows: span ID, 8 metadata columns of mixed types, and a patch_document. */
export function generateSheetCsv(rows: number, seed = 7): string {
  const random = createRandom(seed);
  const header = [
    'context.span_id',
    'attributes.metadata.reviewed',
    'attributes.metadata.reviewer',
    'attributes.metadata.quality',
    'attributes.metadata.score',
    'attributes.metadata.ticket_id',
    'attributes.metadata.tags',
    'attributes.metadata.note',
    'attributes.metadata.turn',
    'patch_document',
  ];
  const reviewers = ['ana', 'bo', 'chen', 'dita', 'emre'];
  const lines = [header.join(',')];
  for (let index = 0; index < rows; index++) {
    const quality = 1 + Math.floor(random() * 5);
    const fields = [
      spanIdFor(index),
      random() < 0.5 ? 'true' : 'false',
      reviewers[index % reviewers.length] ?? 'ana',
      String(quality),
      (random() * 100).toFixed(2),
      `T-${100000 + index}`,
      `"[""a"",""b${quality}""]"`,
      random() < 0.2 ? '' : `"checked, ok ${index}"`,
      String(index % 17),
      random() < 0.3 ? `"{""source"":""bench"",""batch"":${index % 10}}"` : '',
    ];
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}
