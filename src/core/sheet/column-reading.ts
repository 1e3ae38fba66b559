import {
  type ColumnReading,
  type ColumnSettings,
  type ColumnSettingsPatch,
  type Inference,
  isIdLikeName,
} from '@/core/columns';
import { wholeColumnConversions } from './column-notices';

/**
 * How a sheet reads one column from its settings and its inferred type: the type it reads cells as, and the
 * conversions it applies to the whole column (its notices). An explicit type wins; a typed column (JSON, Parquet)
 * keeps each value's own type; `auto` text takes the inferred type.
 */
export function readingOf(column: ColumnSettings, inference: Inference): ColumnReading {
  const idLike = isIdLikeName(column.target.kind === 'metadata' ? column.target.key : column.name);
  const wholeColumn = wholeColumnConversions(column, inference);
  if (column.type !== 'auto') return { type: column.type, keptNumericText: false, idLike, wholeColumn };
  const { projectType } = inference;
  // A key the project already types reads as that type, typed cells (JSON, Parquet) too (SPEC §2).
  if (projectType !== undefined)
    return { type: inference.type, keptNumericText: false, idLike, wholeColumn, projectType };
  if (column.origin === 'typed') return { type: 'typed', keptNumericText: false, idLike, wholeColumn };
  return { type: inference.type, keptNumericText: inference.keptNumericText, idLike, wholeColumn };
}

/** True when two inferences read a column the same way and fold the same conversions into its notices. */
export function sameInference(a: Inference, b: Inference): boolean {
  return (
    a.type === b.type &&
    a.keptNumericText === b.keptNumericText &&
    a.onlyNulls === b.onlyNulls &&
    a.projectType === b.projectType
  );
}

/** True when two inferences count the same mix of kinds (what a mixed column's warning says). */
export function sameCounts(a: Inference['mixed'], b: Inference['mixed']): boolean {
  if (a === null || b === null) return a === b;
  return a.number === b.number && a.boolean === b.boolean && a.json === b.json && a.text === b.text;
}

/**
 * True when a column's cells are counted by kind: an `auto` metadata column, whose type (text cells) or whose
 * whole-column conversions (typed cells too) follow from its cells.
 */
export function countsKinds(column: ColumnSettings): boolean {
  return column.target.kind === 'metadata' && column.type === 'auto';
}

/** Settings whose change only changes what is shown, never what is computed. */
const DISPLAY_ONLY: ReadonlySet<string> = new Set(['acceptedNotices']);

/** True when a change to a column's settings changes only what is shown (accepted notices): nothing to recompute. */
export function isDisplayOnlyChange(changes: ColumnSettingsPatch): boolean {
  const keys = Object.keys(changes);
  return keys.length > 0 && keys.every((key) => DISPLAY_ONLY.has(key));
}
